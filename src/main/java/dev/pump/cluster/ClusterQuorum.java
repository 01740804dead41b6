package dev.pump.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether this node sees a quorum of the cluster: at least {@code required} members, itself included.
 * Cluster-once slots are claimed only while it does ({@link ClusterSlotLedger}); a node in a minority
 * (a network partition, or too many members gone) fires none, reports not ready, and starts again by
 * itself once it sees enough members.
 *
 * <p>With Hazelcast set up by {@link ClusterSetup}, the split-brain protection {@value ClusterSetup#QUORUM_NAME}
 * must agree too, so this answer and the maps' refusals change together; with any other cluster manager
 * the member count alone decides. Both follow the cluster's failure detection: a member that falls
 * silent still counts until it is declared dead ({@link ClusterSetup#MAX_NO_HEARTBEAT_SECONDS} s, plus
 * up to one heartbeat interval). {@link #watch} logs one line when the quorum is lost and one when it
 * is back.
 */
public final class ClusterQuorum {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterQuorum.class);
  /** How often {@link #watch} looks (a local read). */
  static final long WATCH_PERIOD_MS = 500;

  private final ClusterManager clusterManager;
  private final int required;
  private final InstantSource clock;
  private final AtomicLong losses = new AtomicLong();
  private volatile boolean lastSeen = true;
  private volatile boolean reached; // seen present at least once: a later change is a loss or a return
  private volatile Instant since;
  private long timerId = -1; // guarded by this
  private Vertx watchedOn; // guarded by this

  /**
   * @param clusterManager the manager a clustered Vert.x was built with: who is a member comes from it
   * @param required the fewest members, this one included, that make a quorum; at least 1
   * @throws IllegalArgumentException when {@code clusterManager} is null (Vert.x not clustered) or
   *     {@code required} is below 1
   */
  public ClusterQuorum(ClusterManager clusterManager, int required) {
    this(clusterManager, required, InstantSource.system());
  }

  ClusterQuorum(ClusterManager clusterManager, int required, InstantSource clock) {
    if (clusterManager == null) {
      throw new IllegalArgumentException("ClusterQuorum needs the cluster manager of a clustered Vert.x instance");
    }
    this.clusterManager = clusterManager;
    if (required < 1) {
      throw new IllegalArgumentException("quorum must be at least 1, got " + required);
    }
    this.required = required;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.since = clock.instant();
  }

  /**
   * The default quorum of a cluster of {@code members}: a strict majority, so that two sides of a split
   * can never both have one.
   *
   * @throws IllegalArgumentException when {@code members} is below 1
   */
  public static int majorityOf(int members) {
    if (members < 1) {
      throw new IllegalArgumentException("a cluster has at least 1 member, got " + members);
    }
    return members / 2 + 1;
  }

  /** @return the fewest members that make a quorum */
  public int required() {
    return required;
  }

  /** @return whether this node sees at least {@link #required()} members now; never blocks */
  public boolean present() {
    if (!clusterManager.isActive()) {
      return false;
    }
    int seen = clusterManager.getNodes().size();
    return seen >= required && hazelcastAgrees();
  }

  /** @return how many times {@link #watch} has seen the quorum lost */
  public long losses() {
    return losses.get();
  }

  /**
   * @return {@code {"required", "present", "since"}}: {@code since} is when the watch last saw the
   *     quorum come or go (the watch's start before that)
   */
  public JsonObject toJson() {
    return new JsonObject().put("required", required).put("present", present()).put("since", since.toString());
  }

  /** Checks every {@value #WATCH_PERIOD_MS} ms and logs each change: one line on losing the quorum, one on regaining it. */
  public synchronized void watch(Vertx vertx) {
    if (timerId < 0) {
      watchedOn = vertx;
      lastSeen = present();
      reached = lastSeen;
      since = clock.instant();
      if (!lastSeen) {
        LOG.warn("Cluster quorum not reached yet: this node sees {} of the {} members needed; it claims no "
          + "cluster-once slot until it does", clusterManager.getNodes().size(), required);
      }
      timerId = vertx.setPeriodic(WATCH_PERIOD_MS, id -> check());
    }
  }

  /** Stops {@link #watch}ing. */
  public synchronized void stop() {
    if (timerId >= 0) {
      watchedOn.cancelTimer(timerId);
      timerId = -1;
    }
  }

  private void check() {
    boolean now = present();
    if (now == lastSeen) {
      return;
    }
    lastSeen = now;
    since = clock.instant();
    int seen = clusterManager.isActive() ? clusterManager.getNodes().size() : 0;
    if (now) {
      LOG.info("Cluster quorum {}: this node sees {} member(s), {} needed; claiming cluster-once slots{}",
        reached ? "regained" : "reached", seen, required, reached ? " again" : "");
      reached = true;
    } else {
      losses.incrementAndGet();
      LOG.warn("Cluster quorum lost: this node sees {} member(s), {} needed; it fires no cluster-once slot and "
        + "reports not ready until it sees enough again", seen, required);
    }
  }

  private boolean hazelcastAgrees() {
    if (!(clusterManager instanceof HazelcastClusterManager hazelcast) || hazelcast.getHazelcastInstance() == null) {
      return true;
    }
    try {
      return hazelcast.getHazelcastInstance().getSplitBrainProtectionService()
        .getSplitBrainProtection(ClusterSetup.QUORUM_NAME).hasMinimumSize();
    } catch (IllegalArgumentException e) {
      return true; // a Hazelcast configured elsewhere, without our protection: the member count decides
    } catch (RuntimeException e) {
      return false; // the instance is shutting down or restarting for a merge
    }
  }
}
