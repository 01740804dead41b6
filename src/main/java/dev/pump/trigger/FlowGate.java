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
import java.util.Objects;

/**
 * The decisions of {@link FlowControl} for one trigger: plain state with no Vert.x timer and no clock
 * of its own; every decision takes "now" from the caller (the trigger's injected clock), so tests
 * drive it with any instant. Not thread-safe: the trigger calls it under a lock.
 */
final class FlowGate {

  /** What became of an event. */
  enum Verdict { FIRE, HELD, REFUSED }

  /**
   * A fire flow control lets out.
   *
   * @param args its arguments
   * @param held the ids of the events it stands for, oldest first (one for a fire that was throttled alone,
   *     every collapsed or batched event's otherwise); empty for events offered without an id
   */
  record Release(JsonObject args, List<String> held) {
  }

  /**
   * @param verdict what became of the event offered
   * @param released fires to publish now, oldest first (with {@link Verdict#FIRE} the offered event's is last)
   * @param dropped ids of held events the flow rules dropped now (a released fire refused by a full throttle,
   *     fires waiting for the throttle of an evicted key): they will never fire
   * @param reason why it was held or refused
   */
  record Decision(Verdict verdict, List<Release> released, List<String> dropped, String reason) {

    /** @return the args of {@link #released()} */
    List<JsonObject> fires() {
      return released.stream().map(Release::args).toList();
    }
  }

  /**
   * What {@link #due} lets out.
   *
   * @param released fires to publish now, oldest first
   * @param dropped ids of held events dropped now (refused by a full throttle)
   */
  record Due(List<Release> released, List<String> dropped) {

    /** @return the args of {@link #released()} */
    List<JsonObject> fires() {
      return released.stream().map(Release::args).toList();
    }
  }

  /** The state of one key. */
  private static final class Stream {
    final String key;
    double rateTokens;
    Instant rateRefilledAt;
    double throttleTokens;
    Instant throttleRefilledAt;
    final Deque<Release> waiting = new ArrayDeque<>();
    JsonObject debounced;
    long debounceCount;
    /** The ids of the debounced events (null for one offered without), arrival order. */
    final List<String> debouncedHeld = new ArrayList<>();
    Instant firstAt;
    Instant lastAt;
    JsonArray batch;
    /** The ids of the batched events, index for index with {@link #batch}. */
    final List<String> batchHeld = new ArrayList<>();

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

  /** Like {@link #offer(JsonObject, String, Instant, boolean)} for an event with no id, not recovered. */
  Decision offer(JsonObject args, Instant now) {
    return offer(args, null, now, false);
  }

  /**
   * Decides what becomes of one event at {@code now}.
   *
   * @param id the event's id, carried by what it is released into ({@link Release#held()}); may be {@code null}
   * @param recovered an event held before a restart and offered again: the rate limit let it in already
   */
  Decision offer(JsonObject args, String id, Instant now, boolean recovered) {
    List<Release> fires = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    Stream stream = stream(keyOf(args), now, fires, dropped);
    if (control.rateLimit() != null && !recovered) {
      FlowControl.Rate rate = control.rateLimit();
      stream.rateTokens = refill(stream.rateTokens, stream.rateRefilledAt, now, rate.limit(), rate.period());
      stream.rateRefilledAt = later(stream.rateRefilledAt, now);
      if (stream.rateTokens < 1) {
        this.dropped++;
        return new Decision(Verdict.REFUSED, fires, dropped, "rate limit of " + rate.limit() + " per " + rate.period()
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
      stream.debouncedHeld.add(id);
      stream.lastAt = now;
      return new Decision(Verdict.HELD, fires, dropped, "debounced" + forKey(stream) + " (" + stream.debounceCount + " event(s))");
    }
    Release out = new Release(args, id == null ? List.of() : List.of(id));
    if (control.batch() != null) {
      if (stream.batch == null) {
        stream.batch = new JsonArray();
        stream.firstAt = now;
      }
      stream.batch.add(args);
      stream.batchHeld.add(id);
      if (stream.batch.size() < control.batch().maxSize()) {
        return new Decision(Verdict.HELD, fires, dropped, "batched" + forKey(stream) + " (" + stream.batch.size() + " of "
          + control.batch().maxSize() + ")");
      }
      out = releaseBatch(stream);
    }
    return throttle(stream, out, now, fires, dropped);
  }

  /**
   * Takes back a held event whose hold could not be made durable (its answer is 503, not 202), if it is still
   * where {@link #offer} put it: out of a collecting batch, out of the throttle's waiting fires, or out of a
   * debounce, whose count it leaves (the collapsed fire keeps the latest args, which may be this event's).
   *
   * @return whether it was found and taken back; false once it has been released into a fire (or a batch
   *     waiting for the throttle)
   */
  boolean withdraw(JsonObject args, String id) {
    Stream stream = streams.get(keyOf(args));
    if (stream == null || id == null) {
      return false;
    }
    int debounced = stream.debouncedHeld.indexOf(id);
    if (debounced >= 0) {
      stream.debouncedHeld.remove(debounced);
      if (--stream.debounceCount == 0) {
        stream.debounced = null;
      }
      return true;
    }
    int batched = stream.batchHeld.indexOf(id);
    if (batched >= 0) {
      stream.batchHeld.remove(batched);
      stream.batch.remove(batched);
      if (stream.batch.isEmpty()) {
        stream.batch = null;
      }
      return true;
    }
    return stream.waiting.removeIf(waiting -> waiting.held().equals(List.of(id)));
  }

  /** @return fires to publish now: collected events whose time has come, and waiting fires the throttle lets out */
  Due due(Instant now) {
    List<Release> fires = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    for (Stream stream : List.copyOf(streams.values())) {
      if (stream.debounced != null && !now.isBefore(debounceDeadline(stream))) {
        throttle(stream, releaseDebounced(stream), now, fires, dropped);
      }
      if (stream.batch != null && !now.isBefore(stream.firstAt.plus(control.batch().maxWait()))) {
        throttle(stream, releaseBatch(stream), now, fires, dropped);
      }
      drainWaiting(stream, now, fires);
    }
    return new Due(fires, dropped);
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

  private Decision throttle(Stream stream, Release out, Instant now, List<Release> fires, List<String> dropped) {
    FlowControl.Throttle throttle = control.throttle();
    if (throttle == null) {
      fires.add(out);
      return new Decision(Verdict.FIRE, fires, dropped, null);
    }
    drainWaiting(stream, now, fires);
    if (stream.waiting.isEmpty() && stream.throttleTokens >= 1) {
      stream.throttleTokens -= 1;
      fires.add(out);
      return new Decision(Verdict.FIRE, fires, dropped, null);
    }
    if (stream.waiting.size() < throttle.maxWaiting()) {
      stream.waiting.addLast(out);
      return new Decision(Verdict.HELD, fires, dropped, "throttled to " + throttle.limit() + " per " + throttle.period()
        + forKey(stream) + ": waiting (" + stream.waiting.size() + " of at most " + throttle.maxWaiting() + ")");
    }
    refused++;
    dropped.addAll(out.held()); // events held for it before (a batch, a debounce) never fire
    return new Decision(Verdict.REFUSED, fires, dropped, "throttled to " + throttle.limit() + " per " + throttle.period()
      + forKey(stream) + " and " + throttle.maxWaiting() + " fire(s) already waiting");
  }

  private void drainWaiting(Stream stream, Instant now, List<Release> fires) {
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

  private Release releaseDebounced(Stream stream) {
    JsonObject out = stream.debounced.copy().put("debounce", new JsonObject().put("count", stream.debounceCount));
    stream.debounced = null;
    stream.debounceCount = 0;
    return new Release(out, idsOf(stream.debouncedHeld));
  }

  private static Release releaseBatch(Stream stream) {
    JsonObject out = new JsonObject().put("events", stream.batch);
    if (stream.key != null) {
      out.put("key", stream.key);
    }
    stream.batch = null;
    return new Release(out, idsOf(stream.batchHeld));
  }

  /** @return the ids collected (less the nulls of events offered without one); clears {@code collected} */
  private static List<String> idsOf(List<String> collected) {
    List<String> ids = collected.stream().filter(Objects::nonNull).toList();
    collected.clear();
    return ids;
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
  private Stream stream(String key, Instant now, List<Release> fires, List<String> dropped) {
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
      evicted.waiting.forEach(waiting -> dropped.addAll(waiting.held()));
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
