package dev.pump.trigger;

import dev.pump.rules.Ids;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides WHEN sources run. A trigger is a verticle that fires by publishing a {@link TriggerEvent}
 * on the event-bus address {@code pump.trigger.<id>}; sources consume that address.
 *
 * <p>A custom trigger needs only a constructor and calls to {@link #fire(JsonObject)}:
 * <pre>{@code
 * public class DoorbellTrigger extends Trigger {
 *   public DoorbellTrigger(TriggerRuntime app) { super(app, "doorbell"); }
 *   public Future<?> start() {
 *     return vertx.eventBus().consumer("doorbell.rang", msg -> fire(new JsonObject())).completion();
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #fire(JsonObject)}, {@link #pause()} and {@link #resume()} may be called from any thread.
 */
public abstract class Trigger extends VerticleBase {

  /** Prefix of the event-bus address every trigger publishes on. */
  public static final String ADDRESS_PREFIX = "pump.trigger.";

  private static final String FIRING_PREFIX = Long.toHexString(new SecureRandom().nextLong() | Long.MIN_VALUE) + "-";
  private static final AtomicLong FIRING_SEQUENCE = new AtomicLong();

  /** Default options, shared: the event bus only reads them, and publish(address, body) makes new ones per call. */
  private static final DeliveryOptions PUBLISH = new DeliveryOptions();

  protected final TriggerRuntime runtime;
  private final String type;
  private volatile String id;
  private volatile String address;
  private volatile boolean paused;
  private volatile String pausedReason;
  private final InstantCell lastFiredAt = new InstantCell();
  private final AtomicLong fireCount = new AtomicLong();
  private final AtomicLong skippedWhilePaused = new AtomicLong();
  private final Set<String> sources = new CopyOnWriteArraySet<>();
  // flow control of an event trigger; the gate and the timer fields are guarded by the gate's lock
  private volatile FlowGate flow;
  // in a cluster: asks the node owning an event's key to decide it; null on a single node
  private volatile FlowForwarding forwarding;
  private long flowTimer = -1;
  private Instant flowTimerAt;

  /**
   * Registers the trigger with its application under a default id such as {@code cron-1}.
   *
   * @param runtime the application; never {@code null}
   * @param type the trigger type shown in events and the API, e.g. {@code cron}
   */
  protected Trigger(TriggerRuntime runtime, String type) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.type = Ids.require(type, "trigger type");
    this.id = runtime.register(this);
    this.address = address(id);
  }

  /**
   * Gives the trigger an explicit id; only before the application is started.
   *
   * @throws IllegalArgumentException when the id is malformed or taken
   */
  public Trigger withId(String id) {
    runtime.rename(this, Ids.require(id, "trigger id"));
    this.id = id;
    this.address = address(id);
    return this;
  }

  /** @return whether the trigger has been deployed (started, or being started) */
  public final boolean isDeployed() {
    return context != null;
  }

  /** @return the event-bus address triggers with this id publish on */
  public static String address(String triggerId) {
    return ADDRESS_PREFIX + triggerId;
  }

  public final String id() {
    return id;
  }

  public final String type() {
    return type;
  }

  public final String address() {
    return address;
  }

  /** @return what the trigger was configured with (a cron expression, an interval, topics ...) */
  public String spec() {
    return "";
  }

  /** @return the zone of a zoned schedule */
  public Optional<ZoneId> zone() {
    return Optional.empty();
  }

  /** @return the next instant this trigger will fire by itself, for time triggers */
  public Optional<Instant> nextFireAt() {
    return Optional.empty();
  }

  /**
   * Fires now, with {@code args} as the event's arguments and a fresh firing id,
   * {@code <trigger id>:<random per process><sequence>}.
   *
   * @param args arguments for {@code cycle()}; {@code null} means none
   * @return the event that was published, or empty when the trigger is paused, or when its flow control
   *     held or refused the fire ({@link #submit(JsonObject)} tells which), or, in a cluster, sent the fire to
   *     the node owning its key to decide ({@link #submitToOwner(JsonObject)} tells what that node decided)
   */
  public Optional<TriggerEvent> fire(JsonObject args) {
    return fire(args, null, newFiringId());
  }

  /**
   * @return a firing id no other firing of this trigger has had, in this process or any other: a
   *     random 64-bit prefix drawn once per process and a sequence (a UUID per fire costs a
   *     SecureRandom call and a lock)
   */
  protected final String newFiringId() {
    return id + ":" + FIRING_PREFIX + Long.toString(FIRING_SEQUENCE.incrementAndGet(), 36);
  }

  /**
   * Fires for a scheduled slot or with a caller-chosen firing id (a webhook's own delivery id).
   *
   * @param scheduledAt the slot this fire stands for, or {@code null}
   * @param firing the unique id of this firing
   * @return the event that was published, or empty when the trigger is paused (or, with no slot, when its
   *     flow control held or refused the fire)
   */
  protected Optional<TriggerEvent> fire(JsonObject args, Instant scheduledAt, String firing) {
    if (flow != null && scheduledAt == null) {
      if (!decidedByOwner()) {
        return submit(args, firing).fired();
      }
      // a key another node owns is decided there, later: empty here, submitToOwner's future says what happened
      Future<FireResult> decided = submitToOwner(args, firing);
      return decided.succeeded() ? decided.result().fired() : Optional.empty();
    }
    return publish(args, scheduledAt, firing).fired();
  }

  /**
   * Applies flow control ({@link FlowControl}) to an event trigger: from then on every fire of it with no
   * scheduled slot (a webhook delivery, a pub/sub message, a manual fire) goes through it. Only before
   * the application is started. In a cluster ({@link TriggerRuntime#flowOwners()}) the node owning an event's
   * key decides it: see {@link #submitToOwner(JsonObject)}.
   *
   * @throws IllegalArgumentException for a time trigger, whose slots are shaped by its bounds instead
   * @throws IllegalStateException once deployed
   */
  public Trigger withFlowControl(FlowControl control) {
    Objects.requireNonNull(control, "control");
    if (this instanceof TimeTrigger) {
      throw new IllegalArgumentException("flow control applies to event triggers (webhook, pubsub, custom), not to "
        + this + ": shape a schedule with startAt, endAt, maxFires and exclude");
    }
    if (isDeployed()) {
      throw new IllegalStateException(this + " is already deployed: set its flow control before start");
    }
    flow = new FlowGate(control);
    FlowOwners owners = runtime.flowOwners();
    forwarding = owners == null ? null : new FlowForwarding(this, owners);
    return this;
  }

  /** @return the flow control of this trigger, if any */
  public Optional<FlowControl> flowControl() {
    FlowGate gate = flow;
    return gate == null ? Optional.empty() : Optional.of(gate.control());
  }

  /**
   * Fires now through flow control, with a fresh firing id: like {@link #fire(JsonObject)}, and says
   * whether the fire was published, held for later, refused (and why), or dropped while paused.
   */
  public FireResult submit(JsonObject args) {
    return submit(args, newFiringId());
  }

  /**
   * Like {@link #submit(JsonObject)}, decided by the node that owns the event's key: this node on its own,
   * and in a cluster ({@link TriggerRuntime#flowOwners()}) the owner, to which the event is forwarded over
   * the event bus; the fire (now or later) then runs on the owner. Without flow control, or while this node's
   * trigger is paused, or when this node owns the key, it is {@link #submit(JsonObject)}, already completed.
   *
   * @return what the deciding node made of the event
   */
  public Future<FireResult> submitToOwner(JsonObject args) {
    return submitToOwner(args, newFiringId());
  }

  /**
   * @return whether events may be decided on another node ({@link #submitToOwner(JsonObject)}): flow control
   *     in a cluster. When false, {@link #submit(JsonObject)} is the same decision without a future.
   */
  public final boolean decidedByOwner() {
    return forwarding != null;
  }

  /** Like {@link #submitToOwner(JsonObject)} with a caller-chosen firing id (used if the event fires at once). */
  protected Future<FireResult> submitToOwner(JsonObject args, String firing) {
    FlowForwarding toOwner = forwarding;
    if (toOwner != null && !paused) {
      Future<FireResult> decided = toOwner.toOwner(flow, args == null ? new JsonObject() : args, firing);
      if (decided != null) {
        return decided;
      }
    }
    return Future.succeededFuture(submit(args, firing));
  }

  /**
   * Like {@link #submit(JsonObject)} with a caller-chosen firing id (used if the event fires at once); always
   * decided on this node.
   */
  protected FireResult submit(JsonObject args, String firing) {
    FlowGate gate = flow;
    if (gate == null || paused) {
      return publish(args, null, firing);
    }
    JsonObject offered = args == null ? new JsonObject() : args;
    FlowGate.Decision decision;
    Future<Void> holdWritten = null;
    synchronized (gate) {
      decision = gate.offer(offered, firing, clock().instant(), false);
      if (decision.verdict() == FlowGate.Verdict.HELD) {
        // under the gate's lock: the hold's record is queued before any release of the event can complete it
        holdWritten = runtime.journalHeld(this, new TriggerEvent(id, type, offered, null, clock().instant(),
          runtime.nodeId(), firing));
      }
      rearmFlow(gate);
    }
    FireResult last = settle(decision.released(), decision.dropped(), firing);
    return switch (decision.verdict()) {
      case FIRE -> last;
      case HELD -> holdWritten == null
        ? new FireResult(FireResult.Status.HELD, null, decision.reason())
        : new FireResult(FireResult.Status.HELD, null, decision.reason(), holdWritten.andThen(written -> {
          if (written.failed()) {
            synchronized (gate) {
              gate.withdraw(offered, firing); // answered 503, not 202: not held any more where it still can be taken back
            }
          }
        }));
      case REFUSED -> new FireResult(FireResult.Status.REFUSED, null, decision.reason());
    };
  }

  /**
   * Offers again an event that flow control held before the last stop and did not release (the application
   * reads it back from its fire journal at start, before the triggers start): into this trigger's flow as if it
   * arrived now (a debounce collapses such events again, a batch regroups them, in arrival order, with timers
   * counting from now), past the rate limit, which let it in already. Without flow control now, it fires at once.
   * Its journal record stays owed until what it is released into is on disk, or the flow rules drop it. The fire
   * it goes into carries, as any fire flow control releases, the id of the oldest event it holds.
   *
   * @param held the event as it was held: its args, and its id in {@code firing}
   */
  public void replayHeld(TriggerEvent held) {
    Objects.requireNonNull(held, "held");
    FlowGate gate = flow;
    if (gate == null) {
      settle(List.of(new FlowGate.Release(held.args(), List.of(held.firing()))), List.of(), null);
      return;
    }
    FlowGate.Decision decision;
    synchronized (gate) {
      decision = gate.offer(held.args(), held.firing(), clock().instant(), true);
      rearmFlow(gate);
    }
    settle(decision.released(), decision.dropped(), null);
  }

  /**
   * Publishes what flow control released, each fire with the id of the oldest event it holds (a fresh one for
   * events with none), and tells the journal which held events are done: released once their fire is on disk,
   * or dropped.
   *
   * @param notHeld the id of the event being offered now, which was never held (null when replaying one that was)
   * @return the result of the last fire published; {@code null} when there was none
   */
  private FireResult settle(List<FlowGate.Release> released, List<String> dropped, String notHeld) {
    List<String> droppedHeld = dropped.stream().filter(held -> !held.equals(notHeld)).toList();
    if (!droppedHeld.isEmpty()) {
      runtime.heldDone(this, droppedHeld, false);
    }
    FireResult last = null;
    for (FlowGate.Release release : released) {
      String firing = release.held().isEmpty() ? newFiringId() : release.held().get(0);
      last = publish(release.args(), null, firing);
      List<String> held = release.held().stream().filter(id -> !id.equals(notHeld)).toList();
      if (held.isEmpty()) {
        continue;
      }
      if (last.status() == FireResult.Status.PAUSED) {
        runtime.heldDone(this, held, false);
      } else {
        // a fire the journal refused leaves its events owed: they are offered again at the next start
        last.published().onSuccess(v -> runtime.heldDone(this, held, true));
      }
    }
    return last;
  }

  /**
   * Fires what flow control holds whose time has come by the injected clock (debounced and batched
   * events, fires waiting for the throttle). A Vert.x timer does this by itself; tests call it after
   * moving the clock.
   *
   * @return how many fires were published
   */
  public int releaseDueFlow() {
    FlowGate gate = flow;
    if (gate == null) {
      return 0;
    }
    FlowGate.Due due;
    synchronized (gate) {
      if (flowTimer >= 0) {
        runtime.vertx().cancelTimer(flowTimer); // called by hand (a test), not by the timer
        flowTimer = -1;
      }
      due = gate.due(clock().instant());
      rearmFlow(gate);
    }
    settle(List.of(), due.dropped(), null);
    int published = 0;
    for (FlowGate.Release release : due.released()) {
      FireResult result = settle(List.of(release), List.of(), null);
      if (result.event() != null) {
        published++;
      }
    }
    return published;
  }

  /** Sets the timer to the earliest instant something held is due; under the gate's lock. */
  private void rearmFlow(FlowGate gate) {
    Instant next = gate.nextDeadline();
    if (next == null || (flowTimer >= 0 && !flowTimerAt.isAfter(next))) {
      return;
    }
    if (flowTimer >= 0) {
      runtime.vertx().cancelTimer(flowTimer);
    }
    long delay = Math.max(1, java.time.Duration.between(clock().instant(), next).toMillis());
    flowTimerAt = next;
    flowTimer = runtime.vertx().setTimer(delay, t -> releaseDueFlow());
  }

  /**
   * Publishes a fire, after writing it to the fire journal when it stands for no slot and a source
   * of this trigger keeps one: a journal that cannot be written means the fire is not published.
   */
  private FireResult publish(JsonObject args, Instant scheduledAt, String firing) {
    if (paused) {
      skippedWhilePaused.incrementAndGet();
      return FireResult.paused();
    }
    Instant now = clock().instant();
    TriggerEvent event = new TriggerEvent(id, type, args, scheduledAt, now, runtime.nodeId(), firing);
    Future<Void> journaled = scheduledAt == null ? runtime.journal(this, event) : null;
    if (journaled == null) {
      deliver(event);
      return new FireResult(FireResult.Status.FIRED, event, null);
    }
    return new FireResult(FireResult.Status.FIRED, event, null, journaled.andThen(written -> {
      if (written.succeeded()) {
        deliver(event);
      }
    }));
  }

  private void deliver(TriggerEvent event) {
    // the documented JSON for any consumer; our own sources take the event back without parsing it
    runtime.vertx().eventBus().publish(address(), new TriggerEventJson(event), PUBLISH);
    lastFiredAt.set(event.firedAt());
    fireCount.incrementAndGet();
    runtime.fired(this, event);
  }

  /** Counts a due slot (or fire) dropped because the trigger is paused. */
  final void countSkippedWhilePaused() {
    skippedWhilePaused.incrementAndGet();
  }

  /** Stops firing; a pending cycle is not cancelled, and slots passing while paused are skipped. */
  public void pause() {
    paused = true;
  }

  /** Pauses, and says why in the snapshot ({@code pausedReason}) until resumed. */
  protected final void pause(String reason) {
    pausedReason = reason;
    pause();
  }

  /** Fires again from the next slot on; skipped slots are not made up. */
  public void resume() {
    paused = false;
    pausedReason = null;
  }

  /** @return why the trigger paused itself (e.g. after failed cycles); empty when running or paused by hand */
  public Optional<String> pausedReason() {
    return paused ? Optional.ofNullable(pausedReason) : Optional.empty();
  }

  public boolean isPaused() {
    return paused;
  }

  public Optional<Instant> lastFiredAt() {
    return Optional.ofNullable(lastFiredAt.get());
  }

  public long fireCount() {
    return fireCount.get();
  }

  /** @return fires (and due slots) dropped because the trigger was paused */
  public long skippedWhilePaused() {
    return skippedWhilePaused.get();
  }

  /** Records that a source listens to this trigger; called by {@code TriggerSource.on}. */
  public void addSource(String sourceId) {
    sources.add(sourceId);
  }

  /** @return ids of the sources this trigger drives */
  public Set<String> sources() {
    return Set.copyOf(sources);
  }

  /**
   * Runs {@code action} on this trigger's own context (at once if already on it), so that state the
   * timer, the event bus and callers from other threads all touch is only ever touched there.
   *
   * @return completes once the action has run; fails if the trigger is not deployed
   */
  protected final Future<Void> onContext(Runnable action) {
    if (context == null) {
      return Future.failedFuture(new IllegalStateException(this + " is not deployed"));
    }
    if (Vertx.currentContext() == context) {
      action.run();
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      action.run();
      done.complete();
    });
    return done.future();
  }

  protected final InstantSource clock() {
    return runtime.clock();
  }

  /** @return the state shown by {@code GET /api/triggers/{id}} */
  public JsonObject snapshot() {
    return new JsonObject()
      .put("id", id)
      .put("type", type)
      .put("spec", spec())
      .put("zone", zone().map(ZoneId::getId).orElse(null))
      .put("paused", paused)
      .put("pausedReason", pausedReason().orElse(null))
      .put("lastFiredAt", lastFiredAt().map(Instant::toString).orElse(null))
      .put("nextFireAt", nextFireAt().map(Instant::toString).orElse(null))
      .put("fireCount", fireCount.get())
      .put("skippedWhilePaused", skippedWhilePaused.get())
      .put("sources", new JsonArray(sources.stream().sorted().toList()))
      .put("flow", flowSnapshot());
  }

  private JsonObject flowSnapshot() {
    FlowGate gate = flow;
    if (gate == null) {
      return null;
    }
    JsonObject snapshot;
    synchronized (gate) {
      snapshot = gate.snapshot(clock().instant(), 20);
    }
    FlowForwarding toOwner = forwarding;
    return toOwner == null ? snapshot : toOwner.addCounters(snapshot);
  }

  @Override
  public String toString() {
    return type + " trigger '" + id + "'";
  }
}
