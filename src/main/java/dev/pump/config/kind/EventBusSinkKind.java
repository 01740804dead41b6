package dev.pump.config.kind;

import dev.pump.config.ConfigNode;
import dev.pump.config.SinkConfig;
import dev.pump.config.SinkKind;
import dev.pump.pipeline.EventBusSink;
import dev.pump.pipeline.Sink;

import java.nio.file.Path;
import java.util.List;

/** {@code { type: eventbus, address }}: publishes each event on the event bus. */
public final class EventBusSinkKind implements SinkKind<SinkConfig.EventBus> {

  @Override
  public String name() {
    return SinkConfig.EventBus.TYPE;
  }

  @Override
  public List<String> keys() {
    return List.of("address");
  }

  @Override
  public SinkConfig.EventBus bind(String pipelineId, Path dataDir, ConfigNode node) {
    String address = node.requiredString("address", "an event-bus address, e.g. pump.events");
    return address == null ? null : new SinkConfig.EventBus(address);
  }

  @Override
  public Sink create(Context context, SinkConfig.EventBus config) {
    return new EventBusSink(context.app().vertx(), config.address());
  }
}
