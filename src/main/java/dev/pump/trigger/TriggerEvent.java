package dev.pump.trigger;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a trigger publishes on {@code pump.trigger.<id>}, what {@code cycle()} receives, and what
 * the {@code clock} source emits.
 *
 * @param trigger id of the trigger that fired
 * @param type trigger type ({@code cron}, {@code webhook}, ...)
 * @param args the webhook body, pub/sub message body or manual fire body; never {@code null}
 * @param scheduledAt the slot this fire stands for; {@code null} where nothing was scheduled
 * @param firedAt when the trigger actually fired
 * @param node the node the trigger fired on
 * @param firing unique per firing: {@code trigger@scheduledAt} for time triggers, else a random id
 */
public record TriggerEvent(String trigger, String type, JsonObject args, Instant scheduledAt,
                           Instant firedAt, String node, String firing) {

  public TriggerEvent {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(firedAt, "firedAt");
    Objects.requireNonNull(firing, "firing");
    args = args == null ? new JsonObject() : args;
  }

  /** @return the JSON form of docs/interface.md, "The trigger event" */
  public JsonObject toJson() {
    return new JsonObject(jsonMap());
  }

  /** The fields of {@link #toJson()}, in its order. */
  Map<String, Object> jsonMap() {
    Map<String, Object> map = new LinkedHashMap<>(10);
    map.put("trigger", trigger);
    map.put("type", type);
    map.put("args", args);
    map.put("scheduledAt", scheduledAt == null ? null : InstantText.of(scheduledAt));
    map.put("firedAt", InstantText.of(firedAt));
    map.put("node", node);
    map.put("firing", firing);
    return map;
  }

  /** @return this event with other arguments */
  TriggerEvent withArgs(JsonObject otherArgs) {
    return new TriggerEvent(trigger, type, otherArgs, scheduledAt, firedAt, node, firing);
  }

  /**
   * Reads the JSON form back.
   *
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  public static TriggerEvent fromJson(JsonObject json) {
    if (json instanceof TriggerEventJson published) {
      return published.event(); // published by a trigger in this JVM: nothing to parse
    }
    if (json == null) {
      throw new IllegalArgumentException("trigger event: body is not a JSON object");
    }
    Object args = json.getValue("args");
    if (args != null && !(args instanceof JsonObject)) {
      throw new IllegalArgumentException("trigger event: args must be a JSON object");
    }
    return new TriggerEvent(
      requiredString(json, "trigger"),
      requiredString(json, "type"),
      (JsonObject) args,
      instant(json, "scheduledAt", false),
      instant(json, "firedAt", true),
      json.getValue("node") instanceof String node ? node : null,
      requiredString(json, "firing"));
  }

  private static String requiredString(JsonObject json, String field) {
    if (json.getValue(field) instanceof String value) {
      return value;
    }
    throw new IllegalArgumentException("trigger event: " + field + " must be a string");
  }

  private static Instant instant(JsonObject json, String field, boolean required) {
    Object value = json.getValue(field);
    if (value == null && !required) {
      return null;
    }
    if (value instanceof String text) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        // fall through to the common message
      }
    }
    throw new IllegalArgumentException("trigger event: " + field + " must be an ISO-8601 instant, got " + value);
  }
}
