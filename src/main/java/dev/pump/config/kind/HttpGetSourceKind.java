package dev.pump.config.kind;

import dev.pump.PumpApplication;
import dev.pump.config.ConfigNode;
import dev.pump.config.SourceConfig;
import dev.pump.config.SourceKind;
import dev.pump.pipeline.Pipeline;
import dev.pump.source.HttpGetSource;
import dev.pump.source.TriggerSource;

import java.time.Duration;
import java.util.List;

/** {@code { type: http-get, url | urlEnv, timeout }}: fetches the URL on each cycle and emits the JSON answer. */
public final class HttpGetSourceKind implements SourceKind<SourceConfig.HttpGet> {

  @Override
  public String name() {
    return SourceConfig.HttpGet.TYPE;
  }

  @Override
  public List<String> keys() {
    return List.of("url", "urlEnv", "timeout");
  }

  @Override
  public SourceConfig.HttpGet bind(ConfigNode node) {
    String url = node.urlOrEnv();
    Duration timeout = node.duration("timeout", SourceConfig.HttpGet.DEFAULT_TIMEOUT, Duration.ofMillis(1));
    return url == null || timeout == null ? null : new SourceConfig.HttpGet(url, timeout);
  }

  @Override
  public TriggerSource create(PumpApplication app, Pipeline pipeline, SourceConfig.HttpGet config) {
    return new HttpGetSource(app, pipeline, config.url(), config.timeout());
  }
}
