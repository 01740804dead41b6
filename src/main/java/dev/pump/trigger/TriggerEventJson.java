package dev.pump.trigger;

import io.vertx.core.json.JsonObject;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The JSON a trigger publishes, carrying the {@link TriggerEvent} it was made from. Any consumer
 * reads the documented JSON event, and a clustered node gets plain JSON on the wire; a consumer of
 * ours in the same JVM takes the event back with {@link TriggerEvent#fromJson} and never looks at
 * the JSON. So the fields are written only when someone reads them: building and copying the map
 * was more than half of what a fire cost (a profile of 200 000 pub/sub fires). Local delivery copies
 * a JSON body for each consumer ({@link #copy()}), and so does this: each consumer gets its own
 * {@code args} and, if it reads it, its own map.
 */
final class TriggerEventJson extends JsonObject {

  private final TriggerEvent event;

  TriggerEventJson(TriggerEvent event) {
    super(new FieldsOnDemand(event));
    this.event = event;
  }

  TriggerEvent event() {
    return event;
  }

  @Override
  public JsonObject copy() {
    JsonObject args = event.args();
    return new TriggerEventJson(event.withArgs(args.isEmpty() ? new JsonObject() : args.copy()));
  }

  /** The event's fields as a map, written on first use; from then on an ordinary, mutable map. */
  private static final class FieldsOnDemand extends AbstractMap<String, Object> {
    private final TriggerEvent event;
    private Map<String, Object> fields;

    FieldsOnDemand(TriggerEvent event) {
      this.event = event;
    }

    private synchronized Map<String, Object> fields() {
      if (fields == null) {
        fields = event.jsonMap();
      }
      return fields;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return fields().entrySet();
    }

    @Override
    public Set<String> keySet() {
      return fields().keySet();
    }

    @Override
    public Collection<Object> values() {
      return fields().values();
    }

    @Override
    public int size() {
      return fields().size();
    }

    @Override
    public boolean isEmpty() {
      return false;
    }

    @Override
    public boolean containsKey(Object key) {
      return fields().containsKey(key);
    }

    @Override
    public Object get(Object key) {
      return fields().get(key);
    }

    @Override
    public Object put(String key, Object value) {
      return fields().put(key, value);
    }

    @Override
    public Object remove(Object key) {
      return fields().remove(key);
    }

    @Override
    public void clear() {
      fields().clear();
    }
  }
}
