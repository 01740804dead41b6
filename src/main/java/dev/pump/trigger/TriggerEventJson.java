package dev.pump.trigger;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * The JSON a trigger publishes, carrying the {@link TriggerEvent} it was made from. Any consumer
 * reads the documented JSON event, and a clustered node gets plain JSON on the wire; a consumer of
 * ours in the same JVM takes the event back with {@link TriggerEvent#fromJson} without parsing a
 * field. Local delivery copies a JSON body for each consumer ({@link #copy()}), and so does this:
 * each consumer gets its own map and its own {@code args}.
 */
final class TriggerEventJson extends JsonObject {

  private final TriggerEvent event;

  TriggerEventJson(TriggerEvent event) {
    this(event, event.jsonMap());
  }

  private TriggerEventJson(TriggerEvent event, Map<String, Object> map) {
    super(map);
    this.event = event;
  }

  TriggerEvent event() {
    return event;
  }

  @Override
  public JsonObject copy() {
    JsonObject copied = super.copy();
    TriggerEvent own = copied.getValue("args") instanceof JsonObject args ? event.withArgs(args) : event;
    return new TriggerEventJson(own, copied.getMap());
  }
}
