package dev.pump.config.kind;

import dev.pump.config.ConfigNode;
import dev.pump.config.PluginClass;
import dev.pump.config.SinkConfig;
import dev.pump.config.SinkKind;
import dev.pump.pipeline.Sink;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code { type: class, class, config }} (or {@code class} alone): a {@code Sink} of your own, constructed
 * with {@code ()} or {@code (JsonObject config)}.
 */
public final class ClassSinkKind implements SinkKind<SinkConfig.Custom> {

  @Override
  public String name() {
    return SinkConfig.Custom.TYPE;
  }

  @Override
  public List<String> keys() {
    return List.of("class", "config");
  }

  @Override
  public SinkConfig.Custom bind(String pipelineId, Path dataDir, ConfigNode node) {
    String className = node.className(PluginClass.SINK);
    JsonObject config = node.pluginConfig();
    return className == null || config == null ? null : new SinkConfig.Custom(className, config);
  }

  @Override
  public Sink create(Context context, SinkConfig.Custom config) {
    return (Sink) PluginClass.SINK.instantiate(config.className(), config.config());
  }
}
