package dev.pump.config.kind;

import dev.pump.config.ConfigNode;
import dev.pump.config.Durations;
import dev.pump.config.SinkConfig;
import dev.pump.config.SinkKind;
import dev.pump.pipeline.HttpSink;
import dev.pump.pipeline.Sink;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code { type: http, url | urlEnv, maxAttempts, initialBackoff, maxBackoff, timeout }}: POSTs each event
 * as JSON, retrying with exponential backoff.
 */
public final class HttpSinkKind implements SinkKind<SinkConfig.Http> {

  private static final Duration ONE_MS = Duration.ofMillis(1);

  @Override
  public String name() {
    return SinkConfig.Http.TYPE;
  }

  @Override
  public List<String> keys() {
    return List.of("url", "urlEnv", "maxAttempts", "initialBackoff", "maxBackoff", "timeout");
  }

  @Override
  public SinkConfig.Http bind(String pipelineId, Path dataDir, ConfigNode node) {
    HttpSink.Options defaults = HttpSink.Options.defaults();
    String url = node.urlOrEnv();
    Integer maxAttempts = node.integer("maxAttempts", defaults.maxAttempts(), 1, 1_000);
    Duration initialBackoff = node.duration("initialBackoff", defaults.initialBackoff(), ONE_MS);
    Duration maxBackoff = node.duration("maxBackoff", defaults.maxBackoff(), ONE_MS);
    Duration timeout = node.duration("timeout", defaults.timeout(), ONE_MS);
    if (url == null || maxAttempts == null || initialBackoff == null || maxBackoff == null || timeout == null) {
      return null;
    }
    if (!HttpSink.Options.backoffInOrder(initialBackoff, maxBackoff)) {
      node.problem("maxBackoff", "must be at least initialBackoff (" + Durations.format(initialBackoff)
        + "), got \"" + Durations.format(maxBackoff) + "\"");
      return null;
    }
    return new SinkConfig.Http(url, maxAttempts, initialBackoff, maxBackoff, timeout);
  }

  @Override
  public Sink create(Context context, SinkConfig.Http config) {
    return new HttpSink(context.app().vertx(), config.url(),
      new HttpSink.Options(config.maxAttempts(), config.initialBackoff(), config.maxBackoff(), config.timeout()));
  }
}
