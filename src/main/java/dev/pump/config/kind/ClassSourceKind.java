package dev.pump.config.kind;

import dev.pump.PumpApplication;
import dev.pump.config.ConfigNode;
import dev.pump.config.PluginClass;
import dev.pump.config.SourceConfig;
import dev.pump.config.SourceKind;
import dev.pump.pipeline.Pipeline;
import dev.pump.source.TriggerSource;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * {@code { type: class, class, config }} (or {@code class} alone): a {@code TriggerSource} subclass of your
 * own, constructed with {@code (SourceRuntime, Pipeline)} or {@code (SourceRuntime, Pipeline, JsonObject config)}.
 */
public final class ClassSourceKind implements SourceKind<SourceConfig.Custom> {

  @Override
  public String name() {
    return SourceConfig.Custom.TYPE;
  }

  @Override
  public List<String> keys() {
    return List.of("class", "config");
  }

  @Override
  public SourceConfig.Custom bind(ConfigNode node) {
    String className = node.className(PluginClass.SOURCE);
    JsonObject config = node.pluginConfig();
    return className == null || config == null ? null : new SourceConfig.Custom(className, config);
  }

  @Override
  public TriggerSource create(PumpApplication app, Pipeline pipeline, SourceConfig.Custom config) {
    return (TriggerSource) PluginClass.SOURCE.instantiate(config.className(), config.config(), app, pipeline);
  }
}
