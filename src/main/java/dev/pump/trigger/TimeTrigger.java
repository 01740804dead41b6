package dev.pump.trigger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A trigger that fires at instants of a schedule ({@link CronTrigger}, {@link PeriodicTrigger}).
 *
 * <p>The injected clock decides what is due; a Vert.x timer only wakes the trigger up. On every
 * wake-up the trigger re-reads the clock, so a timer that wakes early, a clock stepped backwards or
 * a slow machine never fires a slot early or twice:
 * <ul>
 *   <li>a slot fires once, at or after its instant, with {@code firing = <id>@<slot>};</li>
 *   <li>when the trigger wakes up after several slots have passed (a long GC pause, a suspended
 *       machine, a clock stepped forwards) it fires the most recent one and counts the older ones
 *       as missed: no burst;</li>
 *   <li>a slot that passes while the trigger is paused is skipped.</li>
 * </ul>
 * The next slot is always computed from the last handled slot, never by adding intervals to the
 * time of the wake-up, so lateness does not accumulate.
 */
public abstract class TimeTrigger extends Trigger {

  /** Longest single timer: a clock stepped forwards is noticed within this. */
  static final Duration MAX_SLEEP = Duration.ofSeconds(60);
  /** Beyond this many passed slots the trigger stops scanning and resumes after "now". */
  private static final int MAX_SCAN = 10_000;

  private Instant cursor;
  private volatile Instant armed;
  private long timerId = -1;
  private boolean running;
  private final AtomicLong missed = new AtomicLong();

  protected TimeTrigger(TriggerRuntime runtime, String type) {
    super(runtime, type);
  }

  /**
   * @return the first slot strictly after {@code instant}, or empty if the schedule never fires again
   */
  protected abstract Optional<Instant> slotAfter(Instant instant);

  /** Called once on start, before the first slot is armed; {@code now} is the start instant. */
  protected void onStart(Instant now) {
  }

  @Override
  public Future<?> start() {
    running = true;
    cursor = clock().instant();
    onStart(cursor);
    arm();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    running = false;
    cancelTimer();
    armed = null;
    return Future.succeededFuture();
  }

  @Override
  public Optional<Instant> nextFireAt() {
    return Optional.ofNullable(armed);
  }

  /** @return slots that passed without firing because a later slot was already due */
  public long missedSlots() {
    return missed.get();
  }

  /**
   * Reads the clock and fires the slot that is due, if any, then re-arms the timer. The timer calls
   * it; tests call it after moving an injected clock. Runs on the trigger's own context.
   *
   * @return completes once the check is done
   */
  public Future<Void> checkDue() {
    if (context == null) {
      return Future.failedFuture(new IllegalStateException(this + " is not deployed"));
    }
    if (Vertx.currentContext() == context) {
      onWakeUp();
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      onWakeUp();
      done.complete();
    });
    return done.future();
  }

  private void onWakeUp() {
    if (!running || armed == null) {
      return;
    }
    Instant now = clock().instant();
    if (now.isBefore(armed)) {
      arm(); // woke early, or the clock went back: never fire before the slot
      return;
    }
    Instant due = latestDueSlot(armed, now);
    if (due == null) {
      cursor = now;
    } else {
      cursor = due;
      fire(new JsonObject(), due, id() + "@" + due);
    }
    arm();
  }

  /** The most recent slot at or before {@code now}, starting from a slot known to be due. */
  private Instant latestDueSlot(Instant due, Instant now) {
    for (int scanned = 0; scanned < MAX_SCAN; scanned++) {
      Optional<Instant> next = slotAfter(due);
      if (next.isEmpty() || next.get().isAfter(now)) {
        return due;
      }
      missed.incrementAndGet();
      due = next.get();
    }
    return null;
  }

  private void arm() {
    cancelTimer();
    armed = slotAfter(cursor).orElse(null);
    if (armed == null || !running) {
      return;
    }
    long nanos = Duration.between(clock().instant(), armed).toNanos();
    long millis = Math.min(MAX_SLEEP.toMillis(), Math.max(1, (nanos + 999_999) / 1_000_000));
    timerId = vertx.setTimer(millis, t -> {
      timerId = -1;
      onWakeUp();
    });
  }

  private void cancelTimer() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  @Override
  public JsonObject snapshot() {
    return super.snapshot().put("missedSlots", missed.get());
  }
}
