package dev.pump.trigger;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The decisions of {@link FlowControl} for one trigger: plain state with no Vert.x timer and no clock
 * of its own; every decision takes "now" from the caller (the trigger's injected clock), so tests
 * drive it with any instant. Not thread-safe: the trigger calls it under a lock.
 */
final class FlowGate {

  /** What became of an event. */
  enum Verdict { FIRE, HELD, REFUSED }

  /**
   * @param verdict what became of the event offered
   * @param fires args to fire now, oldest first (with {@link Verdict#FIRE} the offered event's is last)
   * @param reason why it was held or refused
   */
  record Decision(Verdict verdict, List<JsonObject> fires, String reason) {
  }

  /** The state of one key. */
  private static final class Stream {
    final String key;
    double rateTokens;
    Instant rateRefilledAt;
    double throttleTokens;
    Instant throttleRefilledAt;
    final Deque<JsonObject> waiting = new ArrayDeque<>();
    JsonObject debounced;
    long debounceCount;
    Instant firstAt;
    Instant lastAt;
    JsonArray batch;

    Stream(String key, FlowControl control, Instant now) {
      this.key = key;
      rateTokens = control.rateLimit() == null ? 0 : control.rateLimit().limit();
      throttleTokens = control.throttle() == null ? 0 : control.throttle().limit();
      rateRefilledAt = now;
      throttleRefilledAt = now;
    }
  }

  private final FlowControl control;
  private final JsonPointer pointer;
  private final LinkedHashMap<String, Stream> streams = new LinkedHashMap<>(16, 0.75f, true);
  private long dropped;
  private long refused;
  private long collapsed;
  private long evictedKeys;
  private long evictedWaiting;

  FlowGate(FlowControl control) {
    this.control = control;
    this.pointer = control.key() == null ? null : JsonPointer.from(control.key());
  }

  FlowControl control() {
    return control;
  }

  /** Decides what becomes of one event at {@code now}. */
  Decision offer(JsonObject args, Instant now) {
    List<JsonObject> fires = new ArrayList<>();
    Stream stream = stream(keyOf(args), now, fires);
    if (control.rateLimit() != null) {
      FlowControl.Rate rate = control.rateLimit();
      stream.rateTokens = refill(stream.rateTokens, stream.rateRefilledAt, now, rate.limit(), rate.period());
      stream.rateRefilledAt = later(stream.rateRefilledAt, now);
      if (stream.rateTokens < 1) {
        dropped++;
        return new Decision(Verdict.REFUSED, fires, "rate limit of " + rate.limit() + " per " + rate.period()
          + " exceeded" + forKey(stream));
      }
      stream.rateTokens -= 1;
    }
    if (control.debounce() != null) {
      if (stream.debounced == null) {
        stream.firstAt = now;
      } else {
        collapsed++;
      }
      stream.debounced = args;
      stream.debounceCount++;
      stream.lastAt = now;
      return new Decision(Verdict.HELD, fires, "debounced" + forKey(stream) + " (" + stream.debounceCount + " event(s))");
    }
    JsonObject out = args;
    if (control.batch() != null) {
      if (stream.batch == null) {
        stream.batch = new JsonArray();
        stream.firstAt = now;
      }
      stream.batch.add(args);
      if (stream.batch.size() < control.batch().maxSize()) {
        return new Decision(Verdict.HELD, fires, "batched" + forKey(stream) + " (" + stream.batch.size() + " of "
          + control.batch().maxSize() + ")");
      }
      out = releaseBatch(stream);
    }
    return throttle(stream, out, now, fires);
  }

  /** @return args to fire now: collected events whose time has come, and waiting fires the throttle lets out */
  List<JsonObject> due(Instant now) {
    List<JsonObject> fires = new ArrayList<>();
    for (Stream stream : List.copyOf(streams.values())) {
      if (stream.debounced != null && !now.isBefore(debounceDeadline(stream))) {
        throttle(stream, releaseDebounced(stream), now, fires);
      }
      if (stream.batch != null && !now.isBefore(stream.firstAt.plus(control.batch().maxWait()))) {
        throttle(stream, releaseBatch(stream), now, fires);
      }
      drainWaiting(stream, now, fires);
    }
    return fires;
  }

  /** @return the earliest instant something held is due, or {@code null} when nothing is held */
  Instant nextDeadline() {
    Instant next = null;
    for (Stream stream : streams.values()) {
      next = earliest(next, stream.debounced == null ? null : debounceDeadline(stream));
      next = earliest(next, stream.batch == null ? null : stream.firstAt.plus(control.batch().maxWait()));
      next = earliest(next, stream.waiting.isEmpty() ? null : nextThrottleToken(stream));
    }
    return next;
  }

  private Decision throttle(Stream stream, JsonObject out, Instant now, List<JsonObject> fires) {
    FlowControl.Throttle throttle = control.throttle();
    if (throttle == null) {
      fires.add(out);
      return new Decision(Verdict.FIRE, fires, null);
    }
    drainWaiting(stream, now, fires);
    if (stream.waiting.isEmpty() && stream.throttleTokens >= 1) {
      stream.throttleTokens -= 1;
      fires.add(out);
      return new Decision(Verdict.FIRE, fires, null);
    }
    if (stream.waiting.size() < throttle.maxWaiting()) {
      stream.waiting.addLast(out);
      return new Decision(Verdict.HELD, fires, "throttled to " + throttle.limit() + " per " + throttle.period()
        + forKey(stream) + ": waiting (" + stream.waiting.size() + " of at most " + throttle.maxWaiting() + ")");
    }
    refused++;
    return new Decision(Verdict.REFUSED, fires, "throttled to " + throttle.limit() + " per " + throttle.period()
      + forKey(stream) + " and " + throttle.maxWaiting() + " fire(s) already waiting");
  }

  private void drainWaiting(Stream stream, Instant now, List<JsonObject> fires) {
    FlowControl.Throttle throttle = control.throttle();
    if (throttle == null) {
      return;
    }
    stream.throttleTokens = refill(stream.throttleTokens, stream.throttleRefilledAt, now, throttle.limit(), throttle.period());
    stream.throttleRefilledAt = later(stream.throttleRefilledAt, now);
    while (!stream.waiting.isEmpty() && stream.throttleTokens >= 1) {
      stream.throttleTokens -= 1;
      fires.add(stream.waiting.removeFirst());
    }
  }

  private JsonObject releaseDebounced(Stream stream) {
    JsonObject out = stream.debounced.copy().put("debounce", new JsonObject().put("count", stream.debounceCount));
    stream.debounced = null;
    stream.debounceCount = 0;
    return out;
  }

  private static JsonObject releaseBatch(Stream stream) {
    JsonObject out = new JsonObject().put("events", stream.batch);
    if (stream.key != null) {
      out.put("key", stream.key);
    }
    stream.batch = null;
    return out;
  }

  private Instant debounceDeadline(Stream stream) {
    Instant quiet = stream.lastAt.plus(control.debounce().period());
    Instant latest = stream.firstAt.plus(control.debounce().maxWait());
    return quiet.isBefore(latest) ? quiet : latest;
  }

  private Instant nextThrottleToken(Stream stream) {
    FlowControl.Throttle throttle = control.throttle();
    double missing = Math.max(0, 1 - stream.throttleTokens);
    long nanos = (long) Math.ceil(missing * throttle.period().toNanos() / throttle.limit());
    return stream.throttleRefilledAt.plusNanos(nanos);
  }

  /** The state of a key, made if new; making one past {@code maxKeys} evicts the least recently used. */
  private Stream stream(String key, Instant now, List<JsonObject> fires) {
    Stream stream = streams.get(key);
    if (stream != null) {
      return stream;
    }
    if (streams.size() >= control.maxKeys()) {
      Iterator<Stream> oldest = streams.values().iterator();
      Stream evicted = oldest.next();
      oldest.remove();
      evictedKeys++;
      // collected events are not lost: they fire now; fires waiting for the throttle are dropped
      if (evicted.debounced != null) {
        fires.add(releaseDebounced(evicted));
      }
      if (evicted.batch != null) {
        fires.add(releaseBatch(evicted));
      }
      evictedWaiting += evicted.waiting.size();
    }
    stream = new Stream(key, control, now);
    streams.put(key, stream);
    return stream;
  }

  /** @return the key of an event: the value at the key pointer as text, "" when absent, null without a key */
  String keyOf(JsonObject args) {
    if (pointer == null) {
      return null;
    }
    Object value = pointer.queryJson(args);
    return value == null ? "" : String.valueOf(value);
  }

  private static String forKey(Stream stream) {
    return stream.key == null ? "" : " for key '" + stream.key + "'";
  }

  private static double refill(double tokens, Instant refilledAt, Instant now, int limit, Duration period) {
    long elapsed = Duration.between(refilledAt, now).toNanos();
    return elapsed <= 0 ? tokens : Math.min(limit, tokens + elapsed * (double) limit / period.toNanos());
  }

  private static Instant later(Instant a, Instant b) {
    return b.isAfter(a) ? b : a;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null ? b : b == null || a.isBefore(b) ? a : b;
  }

  /** @return counters and, for up to {@code maxShown} keys (most recently used first), what is held and when */
  JsonObject snapshot(Instant now, int maxShown) {
    JsonArray shown = new JsonArray();
    List<Stream> recent = new ArrayList<>(streams.values());
    for (int i = recent.size() - 1; i >= 0 && shown.size() < maxShown; i--) {
      Stream stream = recent.get(i);
      JsonObject json = new JsonObject().put("key", stream.key);
      if (stream.debounced != null) {
        json.put("debounce", new JsonObject().put("count", stream.debounceCount)
          .put("fireAt", InstantText.of(debounceDeadline(stream))));
      }
      if (stream.batch != null) {
        json.put("batch", new JsonObject().put("size", stream.batch.size())
          .put("fireAt", InstantText.of(stream.firstAt.plus(control.batch().maxWait()))));
      }
      if (control.throttle() != null) {
        double tokens = refill(stream.throttleTokens, stream.throttleRefilledAt, now, control.throttle().limit(),
          control.throttle().period());
        json.put("waiting", stream.waiting.size()).put("nextAllowedAt", tokens >= 1 && stream.waiting.isEmpty()
          ? InstantText.of(now) : InstantText.of(nextThrottleToken(stream)));
      }
      shown.add(json);
    }
    return control.toJson()
      .put("keys", streams.size())
      .put("dropped", dropped)
      .put("refused", refused)
      .put("collapsed", collapsed)
      .put("evictedKeys", evictedKeys)
      .put("evictedWaiting", evictedWaiting)
      .put("streams", shown);
  }

  long dropped() {
    return dropped;
  }

  long refused() {
    return refused;
  }

  long evictedKeys() {
    return evictedKeys;
  }
}
