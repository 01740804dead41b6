package dev.pump.config;

import dev.pump.pipeline.Pipeline;
import dev.pump.pipeline.Processor;
import dev.pump.pipeline.Sink;
import dev.pump.source.SourceRuntime;
import dev.pump.source.TriggerSource;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** User classes a configuration names with {@code class}, the good and the unusable. */
final class TestPlugins {

  static final String PREFIX = TestPlugins.class.getName() + "$";

  private TestPlugins() {
  }

  /** Adds {@code config.field} = {@code config.value} to every event. */
  static final class TaggingProcessor implements Processor {
    final JsonObject config;

    TaggingProcessor(JsonObject config) {
      this.config = config;
    }

    @Override
    public JsonObject process(JsonObject event) {
      return event.copy().put(config.getString("field", "tag"), config.getValue("value"));
    }
  }

  /** A processor with no configuration. */
  static final class PassProcessor implements Processor {
    @Override
    public JsonObject process(JsonObject event) {
      return event;
    }
  }

  /** A sink whose only constructor takes what no configuration can give. */
  static final class StringConstructorSink implements Sink {
    StringConstructorSink(String name) {
    }

    @Override
    public Future<Void> write(JsonObject event) {
      return Future.succeededFuture();
    }
  }

  /** A sink that refuses to be built. */
  static final class ExplodingSink implements Sink {
    ExplodingSink() {
      throw new IllegalStateException("no disk today");
    }

    @Override
    public Future<Void> write(JsonObject event) {
      return Future.succeededFuture();
    }
  }

  /** A source that remembers its configuration. */
  static final class ConfiguredSource extends TriggerSource {
    final JsonObject config;

    ConfiguredSource(SourceRuntime runtime, Pipeline pipeline, JsonObject config) {
      super(runtime, pipeline);
      this.config = config;
    }

    @Override
    protected void cycle(TriggerEvent event) throws Exception {
      process(event.toJson().put("config", config));
    }
  }
}
