package dev.pump.trigger;

import dev.pump.rules.Spellings;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A trigger that fires at the slots of a schedule ({@link CronTrigger}, {@link PeriodicTrigger}).
 *
 * <p>The injected clock decides what is due ({@link SlotPolicy}); the trigger owns no timer. It
 * hands its next wake-up instant to the scheduler of its event loop ({@link TimeSchedulers}), which
 * holds one Vert.x timer for every time trigger on that loop and fires the triggers due at the same
 * instant in one pass. Each wake-up re-reads the clock, so a timer that wakes early or a clock
 * stepped backwards never fires a slot early or twice. Each slot fires at most once, at or after
 * its instant, with {@code firing = <id>@<slot>}. The next slot is computed after the due one has
 * fired, from the last handled slot, never by adding intervals to the time of the wake-up, so
 * lateness does not accumulate.
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
 *       or on every node;</li>
 *   <li>bounds ({@link ScheduleBounds}): {@link #withStartAt(Instant) startAt},
 *       {@link #withEndAt(Instant) endAt}, {@link #withMaxFires(long) maxFires} and
 *       {@link #withExclusions(List) exclusions} (dates, date ranges, cron expressions: a holiday
 *       calendar); excluded slots are counted, never fired;</li>
 *   <li>{@link #withPauseOnFailure(int) pauseOnFailure}: pause after N failed cycles in a row of the
 *       sources this trigger drives, with the reason in the snapshot.</li>
 * </ul>
 */
public abstract class TimeTrigger extends Trigger {

  private static final Logger LOG = LoggerFactory.getLogger(TimeTrigger.class);

  private FiringMode mode = FiringMode.CLUSTER_ONCE;
  private CatchUp catchUp = CatchUp.NONE;
  private int catchUpLimit = 10;
  private Duration startingDeadline;
  private Duration jitter = Duration.ZERO;
  private Duration spread = Duration.ZERO;
  private ScheduleBounds bounds = ScheduleBounds.NONE;
  private int pauseOnFailure;
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private Runnable stopCountingFailures;
  private boolean endLogged;
  private final AtomicLong backfills = new AtomicLong();
  private volatile Backfill backfill;

  // confined to the trigger's event loop (the scheduler's thread)
  private volatile SlotPolicy policy; // set once on start; the counters are read from any thread
  private TimeScheduler scheduler;
  private long wakeAtNanos = TimeScheduler.NOT_WAITING;
  private boolean running;

  private final InstantCell armed = new InstantCell();
  private final AtomicLong lostClaims = new AtomicLong();

  protected TimeTrigger(TriggerRuntime runtime, String type) {
    super(runtime, type);
  }

  /**
   * @return the first slot strictly after {@code instant}, or empty if the schedule never fires again
   */
  protected abstract Optional<Instant> slotAfter(Instant instant);

  /**
   * @return the schedule this trigger shares with others that fire at the same slots (an equal,
   *     cached schedule object), so that a group due at one slot computes its next slot once; or
   *     {@code null} when nothing is shared
   */
  protected Object sharedSchedule() {
    return null;
  }

  /**
   * @return a lower bound of the time between two slots ({@link Duration#ZERO} if unknown): a wake-up
   *     closer than this to the due slot knows no later slot is due without asking the schedule
   */
  protected Duration minimumGap() {
    return Duration.ZERO;
  }

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

  /** No slot before {@code startAt} fires ({@code null}: from start); a periodic trigger's slots count from it. */
  public TimeTrigger withStartAt(Instant startAt) {
    bounds = bounds.withStartAt(startAt);
    return this;
  }

  /** No slot after {@code endAt} fires, and the schedule ends there ({@code null}: never). */
  public TimeTrigger withEndAt(Instant endAt) {
    bounds = bounds.withEndAt(endAt);
    return this;
  }

  /**
   * The schedule ends once {@code maxFires} slots have fired (counted since this trigger started, on
   * every node alike: in a cluster a slot another node fired counts too); 0 for no limit.
   */
  public TimeTrigger withMaxFires(long maxFires) {
    bounds = bounds.withMaxFires(maxFires);
    return this;
  }

  /**
   * Slots matching any of these rules are counted as excluded and never fire: a date
   * ({@code 2026-12-25}), a date range ({@code 2026-12-24..2026-12-26}, both days included) or a cron
   * expression ({@code "* * * * 0,6"}), all read in the trigger's zone (the system zone for a
   * trigger without one).
   *
   * @throws IllegalArgumentException quoting the first rule that is none of these
   */
  public TimeTrigger withExclusions(List<String> rules) {
    ZoneId in = zone().orElse(ZoneId.systemDefault());
    bounds = bounds.withExclusions(rules.stream().map(rule -> SlotExclusion.parse(rule, in)).toList());
    return this;
  }

  /** @return where the schedule begins and ends, and what it excludes */
  public ScheduleBounds bounds() {
    return bounds;
  }

  /**
   * Pauses the trigger after {@code failures} cycles in a row, run for its fires, failed (the reason
   * is logged and shown as {@code pausedReason}); a successful cycle starts the count again, and so
   * does {@link #resume()}. 0 turns it off.
   */
  public TimeTrigger withPauseOnFailure(int failures) {
    if (failures < 0) {
      throw new IllegalArgumentException("pauseOnFailure must be at least 1 (or 0 for off), got " + failures);
    }
    this.pauseOnFailure = failures;
    return this;
  }

  public int pauseOnFailure() {
    return pauseOnFailure;
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
    if (!context.isEventLoopContext()) {
      return Future.failedFuture(new IllegalStateException(this + " must be deployed on an event loop, not as a worker"));
    }
    running = true;
    scheduler = runtime.timeSchedulers().current();
    scheduler.join();
    policy = new SlotPolicy(this::nextSlot, minimumGap(), catchUp, catchUpLimit, startingDeadline, bounds);
    if (pauseOnFailure > 0) {
      stopCountingFailures = runtime.onCycleOutcome(id(), this::cycleFinished);
    }
    Instant now = clock().instant();
    policy.start(now);
    onStart(now);
    if (catchUp == CatchUp.NONE) {
      rearm();
      return Future.succeededFuture();
    }
    return runtime.slotLedger().lastFired(id()).map(last -> {
      last.ifPresent(previous -> {
        List<Instant> slots = policy.catchUpAfter(previous, now);
        if (!slots.isEmpty()) {
          LOG.info("{}: catching up {} missed slot(s) since {} ({})", this, slots.size(), previous, catchUp);
        }
        slots.forEach(this::fireSlot);
      });
      rearm();
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    running = false;
    Backfill current = backfill;
    if (current != null) {
      current.cancel();
    }
    if (stopCountingFailures != null) {
      stopCountingFailures.run();
      stopCountingFailures = null;
    }
    if (scheduler != null) {
      scheduler.remove(this);
    }
    armed.set(null);
    return Future.succeededFuture();
  }

  @Override
  public Optional<Instant> nextFireAt() {
    return Optional.ofNullable(armed.get());
  }

  /** @return slots dropped without firing: older than the latest due one, or past the deadline */
  public long missedSlots() {
    SlotPolicy started = policy;
    return started == null ? 0 : started.missed();
  }

  /** @return slots another node of the cluster claimed first */
  public long lostClaims() {
    return lostClaims.get();
  }

  /** @return missed slots fired by the catch-up policy */
  public long caughtUpSlots() {
    SlotPolicy started = policy;
    return started == null ? 0 : started.caughtUp();
  }

  /**
   * Reads the clock and fires what is due on this trigger's event loop (this trigger's slot and any
   * other due there), then re-arms the loop's timer. The timer does this by itself; tests call it
   * after moving an injected clock. See also {@link TimeSchedulers#runDue()}.
   *
   * @return completes once the check is done
   */
  public Future<Void> checkDue() {
    return onContext(() -> {
      if (scheduler != null) {
        scheduler.runDue();
      }
    });
  }

  /** @return slots an exclusion kept from firing, once their time has passed */
  public long excludedSlots() {
    SlotPolicy started = policy;
    return started == null ? 0 : started.excluded();
  }

  /** @return why the schedule has no slot left ({@code endAt} passed, {@code maxFires} reached), if it ended */
  public Optional<String> ended() {
    SlotPolicy started = policy;
    return Optional.ofNullable(started == null ? null : started.ended());
  }

  /**
   * For a trigger's own extra fire at {@code now} (a periodic trigger's fire at start): whether the
   * bounds allow it; if they do, it counts towards {@code maxFires}.
   */
  protected final boolean boundsAdmit(Instant now) {
    return policy.admitsFireAt(now);
  }

  /**
   * Fires every slot in {@code [from, to)} once, oldest first, at most {@code rate} per second
   * ({@link Backfill}): slots already fired by an earlier backfill, or claimed by another node, are
   * skipped; excluded slots are left out. One backfill runs at a time per trigger.
   *
   * @param rate slots per second, 1 to {@value Backfill#MAX_RATE}
   * @return the started backfill; failed with an {@link IllegalArgumentException} naming {@code from},
   *     {@code to} or {@code rate} for a bad range (to not after from, to in the future, more than
   *     {@value Backfill#MAX_SLOTS} slots) or rate, with an {@link IllegalStateException} when the
   *     trigger is not running or a backfill of it still is
   */
  public Future<Backfill> backfill(Instant from, Instant to, int rate) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.isBefore(to)) {
      return Future.failedFuture(new IllegalArgumentException("to (" + to + ") must be after from (" + from + ")"));
    }
    if (rate < 1 || rate > Backfill.MAX_RATE) {
      return Future.failedFuture(new IllegalArgumentException("rate must be a whole number of slots per second from 1 to "
        + Backfill.MAX_RATE + ", got " + rate));
    }
    Promise<Backfill> started = Promise.promise();
    return onContext(() -> startBackfill(from, to, rate, started)).compose(v -> started.future());
  }

  private void startBackfill(Instant from, Instant to, int rate, Promise<Backfill> started) {
    Instant now = clock().instant();
    Backfill previous = backfill;
    if (!running) {
      started.fail(new IllegalStateException(this + " is not running"));
      return;
    }
    if (previous != null && previous.state() == Backfill.State.RUNNING) {
      started.fail(new IllegalStateException("backfill " + previous.id() + " of " + this + " is still running: cancel it first"));
      return;
    }
    if (to.isAfter(now)) {
      started.fail(new IllegalArgumentException("to (" + to + ") must not be after now (" + now + "): a backfill fires past slots"));
      return;
    }
    List<Instant> slots = new ArrayList<>();
    long excluded = 0;
    for (Optional<Instant> slot = slotAfter(from.minusNanos(1)); slot.isPresent() && slot.get().isBefore(to);
         slot = slotAfter(slot.get())) {
      if (bounds.exclusionOf(slot.get()) != null) {
        excluded++;
      } else {
        slots.add(slot.get());
      }
      if (slots.size() > Backfill.MAX_SLOTS || slots.size() + excluded > 10L * Backfill.MAX_SLOTS) {
        started.fail(new IllegalArgumentException("from/to: the range from " + from + " to " + to + " holds more than "
          + Backfill.MAX_SLOTS + " slots: backfill it in parts"));
        return;
      }
    }
    Backfill next = new Backfill(this, id() + "-backfill-" + backfills.incrementAndGet(), from, to, rate, slots, excluded, now);
    backfill = next;
    next.start();
    started.complete(next);
  }

  /** @return the running backfill, or the last one */
  public Optional<Backfill> lastBackfill() {
    return Optional.ofNullable(backfill);
  }

  /**
   * Cancels the running backfill: slots not fired yet are not fired.
   *
   * @return the backfill (cancelled, or already finished), empty if there never was one
   */
  public Future<Optional<Backfill>> cancelBackfill() {
    Backfill current = backfill;
    return current == null ? Future.succeededFuture(Optional.empty()) : current.cancel().map(v -> Optional.of(current));
  }

  /** Counts failed cycles in a row run for this trigger's fires; on the thread that ran the cycle. */
  private void cycleFinished(TriggerEvent event, boolean failed) {
    if (!failed) {
      consecutiveFailures.set(0);
      return;
    }
    int failures = consecutiveFailures.incrementAndGet();
    if (failures == pauseOnFailure && !isPaused()) {
      String reason = "paused after " + failures + " failed cycle(s) in a row (pauseOnFailure: " + pauseOnFailure
        + "), the last for firing " + event.firing();
      LOG.warn("{}: {}", this, reason);
      pause(reason);
    }
  }

  /** @return failed cycles in a row counted by {@code pauseOnFailure} */
  public int consecutiveFailures() {
    return consecutiveFailures.get();
  }

  @Override
  public void resume() {
    consecutiveFailures.set(0);
    super.resume();
    if (isDeployed()) {
      onContext(() -> {
        if (running) {
          policy.resume(clock().instant()).forEach(this::fireSlot);
        }
      });
    }
  }

  // ---- called by the scheduler, on this trigger's event loop --------------------------------------

  /** @return the instant (epoch nanos) this trigger waits for in its scheduler, or {@code NOT_WAITING} */
  final long wakeAtNanos() {
    return wakeAtNanos;
  }

  /** Marks the trigger as taken out of its bucket (due, or stopped). */
  final void leaveBucket() {
    wakeAtNanos = TimeScheduler.NOT_WAITING;
  }

  /** Fires the due slot (or what the policy makes of a stall); cluster-once slots go through {@code claims}. */
  final void fireDue(Instant now, SlotClaims claims) {
    if (!running) {
      return;
    }
    SlotPolicy.Due due = policy.due(now, isPaused());
    for (int i = 0; i < due.skippedWhilePaused().size(); i++) {
      countSkippedWhilePaused();
    }
    for (Instant slot : due.toFire()) {
      if (mode == FiringMode.EVERY_NODE) {
        fireAndRecord(slot);
      } else {
        claims.add(this, slot);
      }
    }
  }

  /** Computes the next slot after what was just handled and waits for it in the scheduler. */
  final void rearm() {
    if (!running) {
      return;
    }
    Instant next = policy.arm();
    armed.set(next);
    if (next == null) {
      wakeAtNanos = TimeScheduler.NOT_WAITING;
      if (policy.ended() != null && !endLogged) {
        endLogged = true;
        LOG.info("{}: schedule ended: {}", this, policy.ended());
      }
      return;
    }
    wakeAtNanos = TimeSchedulers.epochNanos(jitter.isZero() && spread.isZero() ? next : next.plus(delayOf(next)));
    scheduler.schedule(this);
  }

  /** The outcome of this node's claim of a cluster-once slot. */
  final void claimed(Instant slot, AsyncResult<Boolean> won) {
    if (won.failed()) {
      // without a claim this node cannot know whether another fired: never risk a duplicate
      LOG.warn("{}: could not claim slot {}, not firing it: {}", this, slot, won.cause().toString());
      lostClaims.incrementAndGet();
    } else if (won.result()) {
      fireAndRecord(slot);
      // published (or refused while paused): either way this node has handled the slot
      Future<Void> marked = runtime.slotLedger().markFired(id(), slot);
      if (!marked.isComplete() || marked.failed()) {
        marked.onFailure(e -> LOG.warn("{}: could not mark slot {} fired: {}", this, slot, e.toString()));
      }
    } else {
      lostClaims.incrementAndGet();
    }
  }

  private Optional<Instant> nextSlot(Instant after) {
    Object shared = sharedSchedule();
    return shared == null ? slotAfter(after) : scheduler.nextSlot(shared, after, this);
  }

  /** A slot outside the scheduler's pass (catch-up on start, resume): claimed on its own. */
  private void fireSlot(Instant slot) {
    if (mode == FiringMode.EVERY_NODE) {
      fireAndRecord(slot);
    } else {
      runtime.slotLedger().claim(id(), slot).onComplete(won -> claimed(slot, won));
    }
  }

  private void fireAndRecord(Instant slot) {
    if (fire(new JsonObject(), slot, firingOf(slot)).isPresent() && catchUp != CatchUp.NONE) {
      runtime.slotLedger().recordFired(id(), slot)
        .onFailure(e -> LOG.warn("{}: could not record slot {}: {}", this, slot, e.toString()));
    }
  }

  /** @return the firing id of a slot: {@code <id>@<slot>} */
  protected final String firingOf(Instant slot) {
    return id() + "@" + InstantText.of(slot);
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
    if (jitter.isZero() && spread.isZero()) {
      return Duration.ZERO;
    }
    Duration delay = spreadOffset();
    return jitter.isZero() ? delay : delay.plusNanos(ThreadLocalRandom.current().nextLong(jitter.toNanos()));
  }

  @Override
  public JsonObject snapshot() {
    return super.snapshot()
      .put("missedSlots", missedSlots())
      .put("caughtUpSlots", caughtUpSlots())
      .put("lostClaims", lostClaims.get())
      .put("policy", new JsonObject()
        .put("mode", Spellings.of(mode))
        .put("catchUp", Spellings.of(catchUp))
        .put("catchUpLimit", catchUpLimit)
        .put("startingDeadline", startingDeadline == null ? null : startingDeadline.toString())
        .put("jitter", jitter.toString())
        .put("spread", spread.toString())
        .put("spreadOffset", spreadOffset().toString()))
      .put("bounds", bounds.toJson()
        .put("excludedSlots", excludedSlots())
        .put("fired", policy == null ? 0 : policy.fired())
        .put("ended", ended().orElse(null)))
      .put("backfill", backfill == null ? null : backfill.toJson())
      .put("pauseOnFailure", pauseOnFailure == 0 ? null : new JsonObject()
        .put("after", pauseOnFailure)
        .put("consecutiveFailures", consecutiveFailures.get()));
  }
}
