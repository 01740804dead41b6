package dev.pump.cluster;

import com.hazelcast.core.IndeterminateOperationStateException;
import dev.pump.trigger.SlotLedger;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@link SlotLedger} of a cluster: each slot of a cluster-once trigger is fired by one live node,
 * decided in the cluster's shared data ({@code vertx.sharedData().getAsyncMap(...)}), never by
 * comparing the clocks of nodes.
 *
 * <ul>
 *   <li><b>Claim</b>: {@code putIfAbsent("<trigger>@<slot>", "<member id> <node>", ttl)} in the map
 *       {@value #CLAIMS_MAP}; the node whose put lands first fires the slot, then marks it fired
 *       ({@link #markFired}: {@code put("<trigger>@<slot>#fired", ..., ttl)}).</li>
 *   <li><b>Takeover</b>: a node that lost a claim watches it until the claim is marked fired or the slot
 *       is older than the takeover window. If the winner leaves the cluster membership first (crash,
 *       kill, network cut) and the claim is still not marked fired, the watchers race
 *       {@code replaceIfPresent(key, winner, me)}; the one that lands fires the slot, late. So a slot whose
 *       winner died between claiming and firing still fires once, if it is at most {@code takeoverWindow}
 *       old by the survivor's clock.</li>
 *   <li><b>Last fired slot</b> per trigger (for catch-up): the map {@value #LAST_FIRED_MAP}, only ever moved
 *       forwards.</li>
 * </ul>
 * Claims live for {@code max(10 min, 2 x takeoverWindow)}: a claim of an older slot is won again.
 *
 * <p><b>Quorum</b> (given a {@link ClusterQuorum}): a node that does not see a quorum claims nothing and
 * takes nothing over; its claims complete with {@code false} at once. A claim whose write failed without
 * saying whether it landed (Hazelcast's {@link IndeterminateOperationStateException}: the backup did not
 * acknowledge, as when the network is cut between the two) is not trusted: it is asked again once a member
 * that was there when it was sent has been declared dead while this node still sees a quorum (the side cut
 * off has lost its quorum by then: it never fires a slot the other side cannot see), or after
 * {@link #INDETERMINATE_RETRY} at the latest. On the side that keeps the quorum the second ask finds the
 * claim (or none) and the slot fires, late: about the failure detection after the cut. A fired mark that
 * could not be written is written again until it lands or the slot is past the takeover window, so that
 * no survivor takes over a slot that fired (a node cut off, then gone). A claim that lands after the quorum
 * was lost (Hazelcast retries a write whose target left on the member that now owns the partition, this
 * one, possibly before its split-brain protection has seen the change) is not fired either.
 *
 * <p>What this does not guarantee (see docs/clustering.md): a node killed (or cut off) in the instant
 * between publishing a fire and marking it (about a millisecond) may have its slot fired a second time by
 * a survivor; a fire that was published on a node that then died is not fired again, so its cycle may be
 * lost with the node. Without a quorum (none given, or a quorum of 1) each side of a network partition
 * fires every slot.
 *
 * <p>On a Vert.x instance that is not clustered the maps are local: every claim is decided on this node and
 * nothing is ever taken over.
 */
public final class ClusterSlotLedger implements SlotLedger {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterSlotLedger.class);

  /** Default of {@code cluster.takeoverWindow}. */
  public static final Duration DEFAULT_TAKEOVER_WINDOW = Duration.ofSeconds(30);
  /**
   * The async map of claims: {@code <trigger>@<slot>} -> {@code <member id> <node>}, and
   * {@code <trigger>@<slot>#fired} -> the same, once the winner has fired the slot.
   */
  public static final String CLAIMS_MAP = "pump.slot-claims";
  /** The async map of last fired slots: trigger id -> ISO instant. */
  public static final String LAST_FIRED_MAP = "pump.last-fired";

  static final Duration MIN_CLAIM_TTL = Duration.ofMinutes(10);
  /** How often watched claims are checked against the membership (a local call). */
  static final long CHECK_PERIOD_MS = 200;
  /** After losing, when a watcher first reads the claim to see it marked fired, and then how often. */
  static final Duration FIRST_READ = Duration.ofMillis(500);
  static final Duration READ_EVERY = Duration.ofSeconds(1);
  static final long RETRY_MS = 250;
  /**
   * After a write that may or may not have landed: failure detection, one heartbeat check and a second
   * more, so that a node cut off from the cluster has lost its quorum before it asks again.
   */
  static final Duration INDETERMINATE_RETRY =
    Duration.ofSeconds(ClusterSetup.MAX_NO_HEARTBEAT_SECONDS + ClusterSetup.HEARTBEAT_INTERVAL_SECONDS + 1L);
  private static final String FIRED = "#fired";
  private static final int MAX_RECORD_ATTEMPTS = 20;

  private final Vertx vertx;
  private final boolean clustered;
  private final Supplier<Set<String>> members;
  private final Function<String, Future<AsyncMap<String, String>>> maps;
  private final String memberId;
  private final String claimValue;
  private final Duration takeoverWindow;
  private final long claimTtlMs;
  private final InstantSource clock;
  private final BooleanSupplier quorum;
  private final Map<String, Watch> watches = new ConcurrentHashMap<>();
  private final Map<Claim, Unsure> unsure = new ConcurrentHashMap<>();
  private final AtomicLong takeovers = new AtomicLong();
  private final AtomicLong withoutQuorum = new AtomicLong();
  private long timerId = -1; // guarded by this
  private volatile boolean closed;

  /**
   * Like {@link #ClusterSlotLedger(Vertx, ClusterManager, String, Duration, ClusterQuorum, InstantSource)} without a
   * quorum, on the system clock.
   */
  public ClusterSlotLedger(Vertx vertx, ClusterManager clusterManager, String nodeId, Duration takeoverWindow) {
    this(vertx, clusterManager, nodeId, takeoverWindow, null, InstantSource.system());
  }

  /**
   * Like {@link #ClusterSlotLedger(Vertx, ClusterManager, String, Duration, ClusterQuorum, InstantSource)} on the
   * system clock.
   */
  public ClusterSlotLedger(Vertx vertx, ClusterManager clusterManager, String nodeId, Duration takeoverWindow,
                           ClusterQuorum quorum) {
    this(vertx, clusterManager, nodeId, takeoverWindow, quorum, InstantSource.system());
  }

  /**
   * Like {@link #ClusterSlotLedger(Vertx, ClusterManager, String, Duration, ClusterQuorum, InstantSource)} without a
   * quorum.
   */
  public ClusterSlotLedger(Vertx vertx, ClusterManager clusterManager, String nodeId, Duration takeoverWindow,
                           InstantSource clock) {
    this(vertx, clusterManager, nodeId, takeoverWindow, null, clock);
  }

  /**
   * @param vertx a clustered Vert.x instance (any cluster manager), or a plain one for local maps
   * @param clusterManager the manager {@code vertx} was built with, which tells who is still a member;
   *     {@code null} only when {@code vertx} is not clustered
   * @param nodeId this node's readable name, as in trigger events; stored with each claim it wins
   * @param takeoverWindow how old a slot may be, by {@code clock}, and still be taken over; zero for never
   * @param quorum claims are made only while it is present; {@code null} for none (each side of a network
   *     partition then fires every slot)
   * @param clock decides only how old a slot is; slots themselves come from the triggers
   */
  public ClusterSlotLedger(Vertx vertx, ClusterManager clusterManager, String nodeId, Duration takeoverWindow,
                           ClusterQuorum quorum,
                           InstantSource clock) {
    this(vertx, checked(vertx, clusterManager) == null ? "local" : clusterManager.getNodeId(), nodeId,
      clusterManager == null ? null : () -> new HashSet<>(clusterManager.getNodes()),
      name -> vertx.sharedData().getAsyncMap(name), takeoverWindow, quorum == null ? null : quorum::present, clock);
  }

  /**
   * The ledger on what it needs of a cluster, so that tests can make writes fail and members leave.
   *
   * @param members the members' ids now; {@code null} when not clustered (lost claims are then not watched)
   * @param maps the async map of a name
   * @param quorum whether a quorum is present now; {@code null} for none
   */
  ClusterSlotLedger(Vertx vertx, String memberId, String nodeId, Supplier<Set<String>> members,
                    Function<String, Future<AsyncMap<String, String>>> maps, Duration takeoverWindow,
                    BooleanSupplier quorum, InstantSource clock) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(takeoverWindow, "takeoverWindow");
    if (takeoverWindow.isNegative()) {
      throw new IllegalArgumentException("takeoverWindow must not be negative, got " + takeoverWindow);
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.clustered = members != null;
    this.memberId = Objects.requireNonNull(memberId, "memberId");
    this.members = members == null ? () -> Set.of(memberId) : members;
    this.maps = Objects.requireNonNull(maps, "maps");
    this.claimValue = memberId + " " + nodeId;
    this.takeoverWindow = takeoverWindow;
    this.quorum = quorum;
    Duration ttl = takeoverWindow.multipliedBy(2);
    this.claimTtlMs = (ttl.compareTo(MIN_CLAIM_TTL) > 0 ? ttl : MIN_CLAIM_TTL).toMillis();
  }

  private static ClusterManager checked(Vertx vertx, ClusterManager clusterManager) {
    if (clusterManager == null && Objects.requireNonNull(vertx, "vertx").isClustered()) {
      throw new IllegalArgumentException(
        "clusterManager is required on a clustered Vert.x: pass the one it was built with");
    }
    return clusterManager;
  }

  /** @return the key of a slot in {@value #CLAIMS_MAP}, the same as the slot's firing id */
  public static String key(String triggerId, Instant slot) {
    return triggerId + "@" + slot;
  }

  public Duration takeoverWindow() {
    return takeoverWindow;
  }

  /** @return slots this node fired because their winner left before firing them */
  long takeovers() {
    return takeovers.get();
  }

  /** @return claims completed with {@code false} because this node did not see a quorum */
  public long withoutQuorum() {
    return withoutQuorum.get();
  }

  /** @return lost claims still watched for a takeover */
  int watching() {
    return watches.size();
  }

  @Override
  public Future<Boolean> claim(String triggerId, Instant slot) {
    Objects.requireNonNull(triggerId, "triggerId");
    Objects.requireNonNull(slot, "slot");
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the slot ledger is closed"));
    }
    Promise<Boolean> result = Promise.promise();
    Claim claim = new Claim(key(triggerId, slot), slot, vertx.getOrCreateContext(), result);
    putIfAbsent(claim, false, claims(), members.get());
    return result.future();
  }

  /**
   * Claims a slot for a group of triggers: the map is looked up once and every claim is sent at once,
   * so the group waits one round trip, not one per trigger. Each claim then lives on as in
   * {@link #claim} (a lost one is watched for a takeover).
   */
  @Override
  public List<Future<Boolean>> claimAll(List<String> triggerIds, Instant slot) {
    Objects.requireNonNull(slot, "slot");
    if (closed) {
      Future<Boolean> refused = Future.failedFuture(new IllegalStateException("the slot ledger is closed"));
      return Collections.nCopies(triggerIds.size(), refused);
    }
    Context context = vertx.getOrCreateContext();
    Future<AsyncMap<String, String>> map = claims();
    Set<String> membersNow = members.get(); // once for the group
    List<Future<Boolean>> results = new ArrayList<>(triggerIds.size());
    for (String triggerId : triggerIds) {
      Promise<Boolean> result = Promise.promise();
      putIfAbsent(new Claim(key(triggerId, slot), slot, context, result), false, map, membersNow);
      results.add(result.future());
    }
    return results;
  }

  /** @param membersAtSend the members as the write goes out: an unsure answer is asked again once one is gone */
  private void putIfAbsent(Claim claim, boolean retry, Future<AsyncMap<String, String>> claims,
                           Set<String> membersAtSend) {
    if (!quorumPresent()) {
      withoutQuorum.incrementAndGet();
      LOG.debug("Slot {} not claimed: no quorum", claim.key);
      claim.complete(false);
      return;
    }
    claims.compose(map -> map.putIfAbsent(claim.key, claimValue, claimTtlMs)).onComplete(ar -> {
      if (ar.failed()) {
        if (closed || tooOld(claim.slot)) {
          claim.fail(ar.cause());
        } else if (indeterminate(ar.cause())) {
          LOG.debug("Claim of {} may or may not have landed: asked again after the failure detection: {}",
            claim.key, ar.cause().toString());
          // the members as the write went out: a failure that arrives after the detection already misses the dead one
          unsure.put(claim, new Unsure(membersAtSend, clock.instant().plus(INDETERMINATE_RETRY)));
          startChecking();
        } else {
          LOG.debug("Claim of {} failed, retrying in {} ms: {}", claim.key, RETRY_MS, ar.cause().toString());
          vertx.setTimer(RETRY_MS, t -> putIfAbsent(claim, true, claims(), members.get()));
        }
        return;
      }
      String holder = ar.result();
      if ((holder == null || (retry && holder.equals(claimValue))) && !quorumPresent()) {
        // the members shrank below the quorum while the write was on its way: a write retried on this side
        // after the others were declared dead can land before Hazelcast's own protection has caught up
        withoutQuorum.incrementAndGet();
        LOG.debug("Slot {} claimed, but the quorum was lost meanwhile: not firing it", claim.key);
        claim.complete(false);
      } else if (holder == null || (retry && holder.equals(claimValue))) {
        claim.complete(true); // on a retry: the failed attempt had landed
      } else if (!clustered) {
        claim.complete(false);
      } else {
        LOG.debug("Slot {} is claimed by {}; watching it", claim.key, holder);
        watches.put(claim.key, new Watch(claim, holder, clock.instant().plus(FIRST_READ)));
        startChecking();
      }
    });
  }

  /**
   * Marks a fired slot, so that no watcher takes it over; a mark that could not be written (its partition's
   * owner or backup unreachable) is written again until it lands or the slot is past the takeover window.
   */
  @Override
  public Future<Void> markFired(String triggerId, Instant slot) {
    String key = key(triggerId, slot);
    Promise<Void> marked = Promise.promise();
    mark(key, slot, marked, 1);
    return marked.future();
  }

  private void mark(String key, Instant slot, Promise<Void> marked, int attempt) {
    claims().compose(map -> map.put(key + FIRED, claimValue, claimTtlMs).compose(v -> map.get(key)))
      .onSuccess(holder -> {
        if (holder != null && !holder.equals(claimValue)) {
          LOG.warn("Slot {} was taken over by {} before this node marked it fired: it may have fired twice (was "
            + "this node paused or cut off for longer than the failure detection?)", key, nodeOf(holder));
        }
        if (attempt > 1) {
          LOG.info("Slot {} marked fired at attempt {}", key, attempt);
        }
        marked.complete();
      })
      .onFailure(e -> {
        if (closed || tooOld(slot)) {
          marked.fail(e);
        } else {
          LOG.debug("Could not mark slot {} fired (attempt {}), trying again: {}", key, attempt, e.toString());
          vertx.setTimer(RETRY_MS, t -> mark(key, slot, marked, attempt + 1));
        }
      });
  }

  @Override
  public Future<Optional<Instant>> lastFired(String triggerId) {
    Objects.requireNonNull(triggerId, "triggerId");
    return lastFiredMap().compose(map -> map.get(triggerId)).map(text -> Optional.ofNullable(text).map(Instant::parse));
  }

  @Override
  public Future<Void> recordFired(String triggerId, Instant slot) {
    Objects.requireNonNull(triggerId, "triggerId");
    Objects.requireNonNull(slot, "slot");
    return lastFiredMap().compose(map -> advance(map, triggerId, slot, 1));
  }

  /** Compare-and-set until the stored slot is at least {@code slot}. */
  private Future<Void> advance(AsyncMap<String, String> map, String triggerId, Instant slot, int attempt) {
    if (attempt > MAX_RECORD_ATTEMPTS) {
      return Future.failedFuture(new IllegalStateException("the last fired slot of '" + triggerId
        + "' changed " + MAX_RECORD_ATTEMPTS + " times while recording " + slot));
    }
    return map.get(triggerId).compose(current -> {
      if (current == null) {
        return map.putIfAbsent(triggerId, slot.toString())
          .compose(previous -> previous == null ? Future.succeededFuture() : advance(map, triggerId, slot, attempt + 1));
      }
      if (!Instant.parse(current).isBefore(slot)) {
        return Future.succeededFuture();
      }
      return map.replaceIfPresent(triggerId, current, slot.toString())
        .compose(replaced -> replaced ? Future.succeededFuture() : advance(map, triggerId, slot, attempt + 1));
    });
  }

  /** Stops watching: every claim still watched completes with false. Claims made after this fail. */
  public Future<Void> close() {
    closed = true;
    synchronized (this) {
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
        timerId = -1;
      }
    }
    watches.values().forEach(watch -> finish(watch, false));
    unsure.keySet().forEach(claim -> {
      if (unsure.remove(claim) != null) {
        claim.fail(new IllegalStateException("the slot ledger is closed"));
      }
    });
    return Future.succeededFuture();
  }

  // -------------------------------------------------------------------------------------------------
  // Takeover

  private synchronized void startChecking() {
    if (timerId < 0 && !closed) {
      timerId = vertx.setPeriodic(CHECK_PERIOD_MS, id -> check());
    }
  }

  private void check() {
    if (watches.isEmpty() && unsure.isEmpty()) {
      return;
    }
    Set<String> members = members();
    Instant now = clock.instant();
    boolean quorumPresent = quorumPresent();
    askUnsureAgain(members, now, quorumPresent);
    for (Watch watch : watches.values()) {
      if (watch.busy) {
        continue;
      }
      if (tooOld(watch.claim.slot, now)) {
        finish(watch, false);
      } else if (quorumPresent && (!members.contains(memberOf(watch.holder)) || !now.isBefore(watch.nextRead))) {
        watch.busy = true;
        reread(watch);
      }
    }
  }

  /**
   * A write that may have landed on this side only is asked again once a member that was there when it
   * was sent is gone while this node still sees a quorum: the side cut off from the others has lost its quorum
   * by then (quorum loss comes before failure detection), so only the side that keeps it asks early. At its
   * {@code latest} it is asked anyway (and a node without a quorum then claims nothing).
   */
  private void askUnsureAgain(Set<String> members, Instant now, boolean quorumPresent) {
    for (Map.Entry<Claim, Unsure> entry : unsure.entrySet()) {
      Unsure pending = entry.getValue();
      boolean memberGone = quorumPresent && !members.containsAll(pending.membersBefore());
      if ((memberGone || !now.isBefore(pending.latest())) && unsure.remove(entry.getKey(), pending)) {
        putIfAbsent(entry.getKey(), true, claims(), members);
      }
    }
  }

  /** Reads the claim again: marked fired, taken by another node, or to be taken over from a departed one. */
  private void reread(Watch watch) {
    String key = watch.claim.key;
    claims().compose(map -> map.get(key + FIRED).compose(fired -> fired != null
        ? Future.succeededFuture(false)
        : map.get(key).compose(current -> decide(map, watch, current))))
      .onComplete(ar -> {
        watch.busy = false;
        if (ar.failed()) {
          LOG.debug("Could not read the claim of {}: {}", key, ar.cause().toString());
        } else if (ar.result() != null) {
          finish(watch, ar.result());
        } else {
          watch.nextRead = clock.instant().plus(READ_EVERY);
        }
      });
  }

  /** @return true: taken over; false: give up; null: keep watching */
  private Future<Boolean> decide(AsyncMap<String, String> map, Watch watch, String current) {
    String key = watch.claim.key;
    if (current != null && members().contains(memberOf(current))) {
      watch.holder = current;
      return Future.succeededFuture(null); // alive and not fired yet
    }
    if (closed || tooOld(watch.claim.slot)) {
      return Future.succeededFuture(false);
    }
    if (!quorumPresent()) {
      // this side may not see the fired mark: wait for the quorum, or the window's end
      return Future.succeededFuture(null);
    }
    // the winner left before marking the slot fired (or the claim was lost with its backups); replace has no
    // TTL on every cluster manager, so a put gives the entry its TTL back
    Future<Boolean> taken = current == null
      ? map.putIfAbsent(key, claimValue, claimTtlMs).map(previous -> previous == null ? Boolean.TRUE : null)
      : map.replaceIfPresent(key, current, claimValue).compose(replaced -> replaced
        ? map.put(key, claimValue, claimTtlMs).map(Boolean.TRUE)
        : Future.succeededFuture(null));
    return taken.map(won -> won != null && !quorumPresent() ? null : won).onSuccess(won -> {
      if (won != null) {
        takeovers.incrementAndGet();
        LOG.info("Took over slot {} from {}, which left the cluster before firing it", key,
          current == null ? "a node" : nodeOf(current));
      }
    });
  }

  private void finish(Watch watch, boolean won) {
    if (watches.remove(watch.claim.key, watch)) {
      watch.claim.complete(won);
    }
  }

  private boolean quorumPresent() {
    return quorum == null || quorum.getAsBoolean();
  }

  private static boolean indeterminate(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof IndeterminateOperationStateException) {
        return true;
      }
    }
    return false;
  }

  private Set<String> members() {
    return members.get();
  }

  private boolean tooOld(Instant slot) {
    return tooOld(slot, clock.instant());
  }

  private boolean tooOld(Instant slot, Instant now) {
    return now.isAfter(slot.plus(takeoverWindow));
  }

  private static String memberOf(String claimValue) {
    int space = claimValue.indexOf(' ');
    return space < 0 ? claimValue : claimValue.substring(0, space);
  }

  private static String nodeOf(String claimValue) {
    return claimValue.substring(claimValue.indexOf(' ') + 1);
  }

  private Future<AsyncMap<String, String>> claims() {
    return maps.apply(CLAIMS_MAP);
  }

  private Future<AsyncMap<String, String>> lastFiredMap() {
    return maps.apply(LAST_FIRED_MAP);
  }

  /** A claim in progress; its future completes on the context that asked for it. */
  private record Claim(String key, Instant slot, Context context, Promise<Boolean> result) {

    void complete(boolean won) {
      context.runOnContext(v -> result.tryComplete(won));
    }

    void fail(Throwable cause) {
      context.runOnContext(v -> result.tryFail(cause));
    }
  }

  /** A claim whose write may or may not have landed: the members when it was sent, and when to ask again at the latest. */
  private record Unsure(Set<String> membersBefore, Instant latest) {
  }

  /** A lost claim, watched until it is marked fired, taken over, or too old. */
  private static final class Watch {
    final Claim claim;
    volatile String holder;
    volatile Instant nextRead;
    volatile boolean busy;

    Watch(Claim claim, String holder, Instant nextRead) {
      this.claim = claim;
      this.holder = holder;
      this.nextRead = nextRead;
    }
  }
}
