package dev.pump.trigger;

import dev.pump.rules.Spellings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fires the past slots of a time trigger in a range, once each, oldest first, at a bounded rate:
 * {@link TimeTrigger#backfill(Instant, Instant, int)}. Each slot fires with {@code firing = <id>@<slot>}
 * and {@code args = {"backfill": <backfill id>}}.
 *
 * <p>A slot fires only if this node claims it in the slot ledger (so it does not race a node firing
 * the same slot live or backfilling it) and it is not yet in the map of backfilled slots, the
 * application's shared data map {@value #BACKFILLED_MAP} (cluster-wide in a cluster): a backfill
 * repeated over the same range fires nothing twice, on any node, for as long as the application (or
 * the cluster) runs. Skipped slots are counted.
 *
 * <p>The pace is a token bucket on the injected clock: one slot at once, then {@code rate} per
 * second, at most one second's worth in a burst (none earned while the trigger is paused); a Vert.x timer on the trigger's event loop calls
 * {@link #advance()}, and tests call it after moving the clock. While the trigger is paused the
 * backfill waits. State is confined to the trigger's event loop; the counters may be read anywhere.
 */
public final class Backfill {

  /** Most slots one backfill may hold; a longer range is refused (backfill it in parts). */
  public static final int MAX_SLOTS = 10_000;
  /** Highest rate, slots per second. */
  public static final int MAX_RATE = 1_000;
  /** Default rate, slots per second. */
  public static final int DEFAULT_RATE = 10;
  /** The shared-data map of backfilled slots: {@code <trigger>@<slot>} to the backfill that fired it. */
  public static final String BACKFILLED_MAP = "pump.backfilled";

  private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

  /** Where a backfill is. */
  public enum State { RUNNING, DONE, CANCELLED }

  private final TimeTrigger trigger;
  private final String id;
  private final Instant from;
  private final Instant to;
  private final int rate;
  private final List<Instant> slots;
  private final long excluded;
  private final Instant startedAt;

  // confined to the trigger's event loop
  private int next;
  private boolean claiming;
  private double tokens = 1;
  private Instant refilledAt;
  private long timerId = -1;

  private volatile State state = State.RUNNING;
  private volatile Instant finishedAt;
  private final AtomicLong fired = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  Backfill(TimeTrigger trigger, String id, Instant from, Instant to, int rate, List<Instant> slots, long excluded,
           Instant now) {
    this.trigger = trigger;
    this.id = id;
    this.from = from;
    this.to = to;
    this.rate = rate;
    this.slots = List.copyOf(slots);
    this.excluded = excluded;
    this.startedAt = now;
    this.refilledAt = now;
  }

  /** Starts the timer and fires the first slot; on the trigger's event loop. */
  void start() {
    LOG.info("{}: backfill {} of {} slot(s) from {} to {} at {}/s started", trigger, id, slots.size(), from, to, rate);
    timerId = trigger.runtime.vertx().setPeriodic(Math.max(1, 1000 / rate), t -> step());
    step();
  }

  /**
   * Fires what the rate allows by now on the injected clock, on the trigger's event loop. The timer
   * does this by itself; tests call it after moving the clock.
   *
   * @return completes once done
   */
  public Future<Void> advance() {
    return trigger.onContext(this::step);
  }

  /** Stops firing; a slot whose claim is under way is not fired. */
  Future<Void> cancel() {
    return trigger.onContext(() -> {
      if (state == State.RUNNING) {
        finish(State.CANCELLED);
      }
    });
  }

  private void step() {
    if (state != State.RUNNING || claiming) {
      return;
    }
    Instant now = trigger.clock().instant();
    if (trigger.isPaused()) {
      // a pause earns no burst for later
      refilledAt = now.isAfter(refilledAt) ? now : refilledAt;
      return;
    }
    long elapsed = Duration.between(refilledAt, now).toNanos();
    if (elapsed > 0) {
      tokens = Math.min(rate, tokens + elapsed * (double) rate / 1e9);
    }
    refilledAt = now.isAfter(refilledAt) ? now : refilledAt;
    if (next >= slots.size()) {
      finish(State.DONE);
    } else if (tokens >= 1) {
      tokens -= 1;
      claimNext();
    }
  }

  private void claimNext() {
    Instant slot = slots.get(next++);
    claiming = true;
    String key = trigger.id() + "@" + InstantText.of(slot);
    SlotLedger ledger = trigger.runtime.slotLedger();
    ledger.claim(trigger.id(), slot)
      .compose(won -> !won ? Future.succeededFuture(false)
        : trigger.runtime.vertx().sharedData().<String, String>getAsyncMap(BACKFILLED_MAP)
          .compose((AsyncMap<String, String> map) -> map.putIfAbsent(key, id))
          .map(previous -> previous == null))
      .onComplete(ar -> {
        claiming = false;
        if (state != State.RUNNING) {
          return;
        }
        if (ar.failed()) {
          LOG.warn("{}: backfill {} could not claim slot {}, not firing it: {}", trigger, id, slot, ar.cause().toString());
          failed.incrementAndGet();
        } else if (ar.result()) {
          trigger.fire(new JsonObject().put("backfill", id), slot, trigger.firingOf(slot));
          fired.incrementAndGet();
          ledger.markFired(trigger.id(), slot);
        } else {
          skipped.incrementAndGet();
        }
        step();
      });
  }

  private void finish(State end) {
    state = end;
    finishedAt = trigger.clock().instant();
    if (timerId >= 0) {
      trigger.runtime.vertx().cancelTimer(timerId);
      timerId = -1;
    }
    LOG.info("{}: backfill {} {}: {} fired, {} already fired, {} excluded, {} not claimed, {} left", trigger, id,
      Spellings.of(end), fired.get(), skipped.get(), excluded, failed.get(), slots.size() - next);
  }

  public String id() {
    return id;
  }

  public State state() {
    return state;
  }

  /** @return slots fired by this backfill */
  public long fired() {
    return fired.get();
  }

  /** @return slots skipped because they were already fired (claimed by another node, or backfilled before) */
  public long skipped() {
    return skipped.get();
  }

  /** @return the slots in the range, excluded ones left out */
  public List<Instant> slots() {
    return slots;
  }

  /** @return what {@code GET /api/triggers/{id}/backfill} shows */
  public JsonObject toJson() {
    long handled = fired.get() + skipped.get() + failed.get();
    return new JsonObject()
      .put("id", id)
      .put("trigger", trigger.id())
      .put("from", InstantText.of(from))
      .put("to", InstantText.of(to))
      .put("rate", rate)
      .put("state", Spellings.of(state))
      .put("slots", slots.size())
      .put("fired", fired.get())
      .put("alreadyFired", skipped.get())
      .put("notClaimed", failed.get())
      .put("excluded", excluded)
      .put("left", slots.size() - handled)
      .put("waitingWhilePaused", state == State.RUNNING && trigger.isPaused())
      .put("startedAt", InstantText.of(startedAt))
      .put("finishedAt", finishedAt == null ? null : InstantText.of(finishedAt));
  }
}
