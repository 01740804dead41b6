package dev.pump.trigger;

import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;

import java.time.Duration;
import java.util.Objects;

/**
 * Flow control of an event trigger (webhook, pub/sub, manual fires), each part optional, applied per
 * key: the value at the JSON pointer {@code key} in the event's {@code args} ({@code /account_id}),
 * or one stream for all events when there is no key.
 *
 * <ol>
 *   <li>{@code rateLimit}: at most {@code limit} events per {@code period} are let in; the excess is
 *       dropped and counted (a webhook answers 429);</li>
 *   <li>{@code debounce}: events collapse into one fire {@code period} after the last of them, at the
 *       latest {@code maxWait} after the first; the fire carries the last event's args and
 *       {@code "debounce": {"count": n}}; or {@code batch}: events collect into one fire whose
 *       {@code args.events} holds them in arrival order, when {@code maxSize} are there or
 *       {@code maxWait} after the first;</li>
 *   <li>{@code throttle}: at most {@code limit} fires per {@code period}; the excess waits, up to
 *       {@code maxWaiting} per key, then is refused and counted.</li>
 * </ol>
 * State is kept for at most {@code maxKeys} keys; the least recently used is evicted (counted), its
 * collected events fired at once, its waiting fires dropped (counted).
 *
 * @param key a JSON pointer into args, or {@code null} for one stream
 * @param rateLimit {@code null} for none
 * @param debounce {@code null} for none
 * @param batch {@code null} for none; not together with debounce
 * @param throttle {@code null} for none
 * @param maxKeys most keys with state, at least 1
 */
public record FlowControl(String key, Rate rateLimit, Debounce debounce, Batch batch, Throttle throttle, int maxKeys) {

  /** Default of {@code maxKeys}. */
  public static final int DEFAULT_MAX_KEYS = 10_000;
  /** Default of {@code throttle.maxWaiting}. */
  public static final int DEFAULT_MAX_WAITING = 100;

  public FlowControl {
    if (key != null) {
      try {
        JsonPointer.from(key);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("key \"" + key + "\" is not a JSON pointer: it starts with '/', e.g. /account_id");
      }
    }
    if (debounce != null && batch != null) {
      throw new IllegalArgumentException("debounce and batch cannot be combined: each collects events into one fire");
    }
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be at least 1, got " + maxKeys);
    }
    if (rateLimit == null && debounce == null && batch == null && throttle == null) {
      throw new IllegalArgumentException("flow control needs at least one of rateLimit, debounce, batch, throttle");
    }
  }

  /** {@code limit} events per {@code period}. */
  public record Rate(int limit, Duration period) {
    public Rate {
      requirePositive(limit, "limit");
      requirePositive(period, "period");
    }

    JsonObject toJson() {
      return new JsonObject().put("limit", limit).put("period", period.toString());
    }
  }

  /** One fire {@code period} after the last event, at the latest {@code maxWait} after the first. */
  public record Debounce(Duration period, Duration maxWait) {
    public Debounce {
      requirePositive(period, "period");
      requirePositive(maxWait, "maxWait");
      if (maxWait.compareTo(period) < 0) {
        throw new IllegalArgumentException("debounce maxWait (" + maxWait + ") must not be shorter than its period (" + period + ")");
      }
    }
  }

  /** One fire with up to {@code maxSize} events, at the latest {@code maxWait} after the first. */
  public record Batch(int maxSize, Duration maxWait) {
    public Batch {
      requirePositive(maxSize, "maxSize");
      requirePositive(maxWait, "maxWait");
    }
  }

  /** At most {@code limit} fires per {@code period}; up to {@code maxWaiting} per key wait, the rest are refused. */
  public record Throttle(int limit, Duration period, int maxWaiting) {
    public Throttle {
      requirePositive(limit, "limit");
      requirePositive(period, "period");
      if (maxWaiting < 0) {
        throw new IllegalArgumentException("maxWaiting must not be negative, got " + maxWaiting);
      }
    }

    JsonObject toJsonWithWaiting() {
      return new JsonObject().put("limit", limit).put("period", period.toString()).put("maxWaiting", maxWaiting);
    }
  }

  private static void requirePositive(int value, String what) {
    if (value < 1) {
      throw new IllegalArgumentException(what + " must be at least 1, got " + value);
    }
  }

  private static void requirePositive(Duration value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive, got " + value);
    }
  }

  /** @return the configuration, as shown in a trigger's snapshot */
  public JsonObject toJson() {
    return new JsonObject()
      .put("key", key)
      .put("rateLimit", rateLimit == null ? null : rateLimit.toJson())
      .put("debounce", debounce == null ? null
        : new JsonObject().put("period", debounce.period().toString()).put("maxWait", debounce.maxWait().toString()))
      .put("batch", batch == null ? null
        : new JsonObject().put("maxSize", batch.maxSize()).put("maxWait", batch.maxWait().toString()))
      .put("throttle", throttle == null ? null : throttle.toJsonWithWaiting())
      .put("maxKeys", maxKeys);
  }
}
