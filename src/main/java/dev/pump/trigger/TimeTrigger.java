package dev.pump.trigger;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
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
 *       or on every node.</li>
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

  // confined to the trigger's event loop (the scheduler's thread)
  private SlotPolicy policy;
  private TimeScheduler scheduler;
  private long wakeAtNanos = TimeScheduler.NOT_WAITING;
  private boolean running;

  private volatile Instant armed;
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
    policy = new SlotPolicy(this::nextSlot, minimumGap(), catchUp, catchUpLimit, startingDeadline);
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
    if (scheduler != null) {
      scheduler.remove(this);
    }
    armed = null;
    return Future.succeededFuture();
  }

  @Override
  public Optional<Instant> nextFireAt() {
    return Optional.ofNullable(armed);
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

  @Override
  public void resume() {
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
    armed = next;
    if (next == null) {
      wakeAtNanos = TimeScheduler.NOT_WAITING;
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
        .put("mode", mode.name().toLowerCase().replace('_', '-'))
        .put("catchUp", catchUp.name().toLowerCase())
        .put("catchUpLimit", catchUpLimit)
        .put("startingDeadline", startingDeadline == null ? null : startingDeadline.toString())
        .put("jitter", jitter.toString())
        .put("spread", spread.toString())
        .put("spreadOffset", spreadOffset().toString()));
  }
}
