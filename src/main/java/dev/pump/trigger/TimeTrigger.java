package dev.pump.trigger;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A trigger that fires at the slots of a schedule ({@link CronTrigger}, {@link PeriodicTrigger}).
 *
 * <p>The injected clock decides what is due; a Vert.x timer only wakes the trigger up. On every
 * wake-up the trigger re-reads the clock, so a timer that wakes early or a clock stepped backwards
 * never fires a slot early or twice. Each slot fires at most once, at or after its instant, with
 * {@code firing = <id>@<slot>}. The next slot is computed from the last handled slot, never by
 * adding intervals to the time of the wake-up, so lateness does not accumulate.
 *
 * <p>Policies, each optional:
 * <ul>
 *   <li>{@link #withCatchUp(CatchUp, int, Duration) catch-up}: what happens to slots that passed
 *       while the trigger could not fire (down, paused, stalled, clock stepped forwards); slots older
 *       than the starting deadline are always dropped and counted as missed;</li>
 *   <li>{@link #withJitter(Duration) jitter} and {@link #withSpread(Duration) spread}: fire a random
 *       or a stable per-trigger amount after the slot, against the thundering herd at :00;
 *       {@code scheduledAt} keeps the slot, {@code firedAt} shows the real time;</li>
 *   <li>{@link #withMode(FiringMode) mode}: in a cluster, fire each slot on one node (the default)
 *       or on every node.</li>
 * </ul>
 */
public abstract class TimeTrigger extends Trigger {

  private static final Logger LOG = LoggerFactory.getLogger(TimeTrigger.class);

  /** Longest single timer: a clock stepped forwards is noticed within this. */
  static final Duration MAX_SLEEP = Duration.ofSeconds(60);
  /** Most slots scanned forwards in one go; beyond it, the recent slots are found from "now". */
  private static final int MAX_SCAN = 2_000;

  private FiringMode mode = FiringMode.CLUSTER_ONCE;
  private CatchUp catchUp = CatchUp.NONE;
  private int catchUpLimit = 10;
  private Duration startingDeadline;
  private Duration jitter = Duration.ZERO;
  private Duration spread = Duration.ZERO;

  // confined to the trigger's context
  private Instant cursor;
  private Instant wakeAt;
  private long timerId = -1;
  private boolean running;
  private final Deque<Instant> skippedWhilePausedSlots = new ArrayDeque<>();

  private volatile Instant armed;
  private final AtomicLong missed = new AtomicLong();
  private final AtomicLong lostClaims = new AtomicLong();
  private final AtomicLong caughtUp = new AtomicLong();

  protected TimeTrigger(TriggerRuntime runtime, String type) {
    super(runtime, type);
  }

  /**
   * @return the first slot strictly after {@code instant}, or empty if the schedule never fires again
   */
  protected abstract Optional<Instant> slotAfter(Instant instant);

  /** Called once on start, before missed slots are caught up; {@code now} is the start instant. */
  protected void onStart(Instant now) {
  }

  /** In a cluster: fire each slot on one node ({@link FiringMode#CLUSTER_ONCE}, the default) or on every node. */
  public TimeTrigger withMode(FiringMode mode) {
    this.mode = Objects.requireNonNull(mode, "mode");
    return this;
  }

  /**
   * @param catchUp what to do with missed slots
   * @param limit with {@link CatchUp#ALL}: at most this many missed slots fire (the most recent)
   * @param startingDeadline slots older than this are dropped; {@code null} for no deadline
   */
  public TimeTrigger withCatchUp(CatchUp catchUp, int limit, Duration startingDeadline) {
    this.catchUp = Objects.requireNonNull(catchUp, "catchUp");
    if (limit < 1) {
      throw new IllegalArgumentException("catchUpLimit must be at least 1, got " + limit);
    }
    if (startingDeadline != null && (startingDeadline.isZero() || startingDeadline.isNegative())) {
      throw new IllegalArgumentException("startingDeadline must be positive, got " + startingDeadline);
    }
    this.catchUpLimit = limit;
    this.startingDeadline = startingDeadline;
    return this;
  }

  /** Delays each fire by a random amount in [0, jitter). */
  public TimeTrigger withJitter(Duration jitter) {
    this.jitter = requireNotNegative(jitter, "jitter");
    return this;
  }

  /** Delays each fire by the same per-trigger amount in [0, spread), different between triggers. */
  public TimeTrigger withSpread(Duration spread) {
    this.spread = requireNotNegative(spread, "spread");
    return this;
  }

  private static Duration requireNotNegative(Duration value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative, got " + value);
    }
    return value;
  }

  public FiringMode mode() {
    return mode;
  }

  public CatchUp catchUp() {
    return catchUp;
  }

  @Override
  public Future<?> start() {
    running = true;
    Instant now = clock().instant();
    cursor = now;
    onStart(now);
    if (catchUp == CatchUp.NONE) {
      arm();
      return Future.succeededFuture();
    }
    return runtime.slotLedger().lastFired(id()).map(last -> {
      last.ifPresent(previous -> catchUpAfter(previous, now));
      arm();
      return null;
    });
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

  /** @return slots dropped without firing: older than the latest due one, or past the deadline */
  public long missedSlots() {
    return missed.get();
  }

  /** @return slots another node of the cluster claimed first */
  public long lostClaims() {
    return lostClaims.get();
  }

  /** @return missed slots fired by the catch-up policy */
  public long caughtUpSlots() {
    return caughtUp.get();
  }

  /**
   * Reads the clock and fires what is due, if anything, then re-arms the timer. The timer calls it;
   * tests call it after moving an injected clock. Runs on the trigger's own context.
   *
   * @return completes once the check is done
   */
  public Future<Void> checkDue() {
    return onContext(this::onWakeUp);
  }

  @Override
  public void resume() {
    super.resume();
    if (context != null) {
      onContext(this::catchUpPaused);
    }
  }

  private void onWakeUp() {
    if (!running || armed == null) {
      return;
    }
    Instant now = clock().instant();
    if (now.isBefore(wakeAt)) {
      arm(); // woke early, or the clock went back: never fire before the slot (plus its delay)
      return;
    }
    List<Instant> due = dueSlots(armed, now);
    cursor = due.isEmpty() ? now : due.get(due.size() - 1);
    if (isPaused()) {
      due.forEach(this::rememberSkippedWhilePaused);
    } else {
      int keep = catchUp == CatchUp.ALL ? catchUpLimit : 1;
      List<Instant> toFire = due.subList(Math.max(0, due.size() - keep), due.size());
      missed.addAndGet(due.size() - toFire.size());
      caughtUp.addAndGet(Math.max(0, toFire.size() - 1));
      toFire.forEach(this::fireSlot);
    }
    arm();
  }

  /** Slots in [first, now], first known to be due, within the starting deadline. */
  private List<Instant> dueSlots(Instant first, Instant now) {
    List<Instant> due = new ArrayList<>();
    Instant slot = first;
    while (slot != null && !slot.isAfter(now)) {
      due.add(slot);
      if (due.size() > MAX_SCAN) {
        missed.addAndGet(due.size());
        return recentSlots(slot, now, catchUp == CatchUp.ALL ? catchUpLimit : 1);
      }
      slot = slotAfter(slot).orElse(null);
    }
    return withinDeadline(due, now);
  }

  private List<Instant> withinDeadline(List<Instant> slots, Instant now) {
    if (startingDeadline == null) {
      return slots;
    }
    Instant oldest = now.minus(startingDeadline);
    List<Instant> kept = slots.stream().filter(s -> !s.isBefore(oldest)).toList();
    missed.addAndGet(slots.size() - kept.size());
    return new ArrayList<>(kept);
  }

  /**
   * The most recent (at most {@code count}) slots in (after, now], oldest first, found by scanning
   * windows that double backwards from now, so a week of per-second slots costs a few scans.
   */
  private List<Instant> recentSlots(Instant after, Instant now, int count) {
    Instant lower = after;
    if (startingDeadline != null && now.minus(startingDeadline).isAfter(lower)) {
      lower = now.minus(startingDeadline).minusNanos(1);
    }
    Duration window = Duration.ofSeconds(1);
    while (true) {
      Instant from = now.minus(window);
      boolean reachedLower = !from.isAfter(lower);
      List<Instant> found = new ArrayList<>();
      for (Optional<Instant> s = slotAfter(reachedLower ? lower : from);
           s.isPresent() && !s.get().isAfter(now); s = slotAfter(s.get())) {
        found.add(s.get());
        if (found.size() > count) {
          found.remove(0);
        }
      }
      if (found.size() >= count || reachedLower) {
        return found;
      }
      window = window.multipliedBy(2);
    }
  }

  /** On start: the slots between the last fired one (on any node) and now, per the policy. */
  private void catchUpAfter(Instant lastFired, Instant now) {
    if (!lastFired.isBefore(now)) {
      return;
    }
    List<Instant> slots = recentSlots(lastFired, now, catchUp == CatchUp.ALL ? catchUpLimit : 1);
    if (!slots.isEmpty()) {
      LOG.info("{}: catching up {} missed slot(s) since {} ({})", this, slots.size(), lastFired, catchUp);
    }
    caughtUp.addAndGet(slots.size());
    slots.forEach(this::fireSlot);
    cursor = now;
  }

  private void rememberSkippedWhilePaused(Instant slot) {
    skippedWhilePausedSlots.addLast(slot);
    if (skippedWhilePausedSlots.size() > catchUpLimit) {
      skippedWhilePausedSlots.removeFirst();
    }
    fire(new JsonObject(), slot, firingOf(slot)); // refused while paused: counted there
  }

  /** On resume: slots skipped while paused, per the policy. */
  private void catchUpPaused() {
    List<Instant> skipped = withinDeadline(new ArrayList<>(skippedWhilePausedSlots), clock().instant());
    skippedWhilePausedSlots.clear();
    if (catchUp == CatchUp.NONE || skipped.isEmpty()) {
      return;
    }
    List<Instant> toFire = catchUp == CatchUp.LATEST ? skipped.subList(skipped.size() - 1, skipped.size()) : skipped;
    caughtUp.addAndGet(toFire.size());
    toFire.forEach(this::fireSlot);
  }

  private void fireSlot(Instant slot) {
    if (mode == FiringMode.EVERY_NODE) {
      fireAndRecord(slot);
      return;
    }
    runtime.slotLedger().claim(id(), slot).onComplete(won -> {
      if (won.failed()) {
        // without a claim this node cannot know whether another fired: never risk a duplicate
        LOG.warn("{}: could not claim slot {}, not firing it: {}", this, slot, won.cause().toString());
        lostClaims.incrementAndGet();
      } else if (won.result()) {
        fireAndRecord(slot);
        // published (or refused while paused): either way this node has handled the slot
        runtime.slotLedger().markFired(id(), slot)
          .onFailure(e -> LOG.warn("{}: could not mark slot {} fired: {}", this, slot, e.toString()));
      } else {
        lostClaims.incrementAndGet();
      }
    });
  }

  private void fireAndRecord(Instant slot) {
    if (fire(new JsonObject(), slot, firingOf(slot)).isPresent() && catchUp != CatchUp.NONE) {
      runtime.slotLedger().recordFired(id(), slot)
        .onFailure(e -> LOG.warn("{}: could not record slot {}: {}", this, slot, e.toString()));
    }
  }

  /** @return the firing id of a slot: {@code <id>@<slot>} */
  protected final String firingOf(Instant slot) {
    return id() + "@" + slot;
  }

  private void arm() {
    cancelTimer();
    armed = slotAfter(cursor).orElse(null);
    if (armed == null || !running) {
      return;
    }
    wakeAt = armed.plus(delayOf(armed));
    long nanos = Duration.between(clock().instant(), wakeAt).toNanos();
    long millis = Math.min(MAX_SLEEP.toMillis(), Math.max(1, (nanos + 999_999) / 1_000_000));
    timerId = vertx.setTimer(millis, t -> {
      timerId = -1;
      onWakeUp();
    });
  }

  /** @return the stable delay {@link #withSpread(Duration) spread} gives this trigger's fires */
  public Duration spreadOffset() {
    if (spread.isZero()) {
      return Duration.ZERO;
    }
    // a well-mixed hash of the id: triggers with similar names still land far apart
    return Duration.ofNanos(Math.floorMod((long) id().hashCode() * 0x9E3779B97F4A7C15L, spread.toNanos()));
  }

  /** Jitter (fresh for every slot) plus spread (the same for every slot of this trigger). */
  private Duration delayOf(Instant slot) {
    Duration delay = spreadOffset();
    return jitter.isZero() ? delay : delay.plusNanos(ThreadLocalRandom.current().nextLong(jitter.toNanos()));
  }

  private void cancelTimer() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  @Override
  public JsonObject snapshot() {
    return super.snapshot()
      .put("missedSlots", missed.get())
      .put("caughtUpSlots", caughtUp.get())
      .put("lostClaims", lostClaims.get())
      .put("policy", new JsonObject()
        .put("mode", mode.name().toLowerCase().replace('_', '-'))
        .put("catchUp", catchUp.name().toLowerCase())
        .put("catchUpLimit", catchUpLimit)
        .put("startingDeadline", startingDeadline == null ? null : startingDeadline.toString())
        .put("jitter", jitter.toString())
        .put("spread", spread.toString())
        .put("spreadOffset", spreadOffset().toString()));
  }
}
