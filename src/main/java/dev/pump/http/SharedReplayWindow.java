package dev.pump.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The webhook delivery ids of a whole cluster, so that a signed delivery accepted by any node is refused
 * as a replay by every node within its tolerance: {@code putIfAbsent("<webhook>/<webhook-id>", ttl)} in
 * a shared map, each entry living until the delivery's timestamp plus the tolerance (after which the
 * timestamp check refuses the delivery anyway). The service names the map
 * ({@code dev.pump.cluster.ClusterSetup.DELIVERIES_MAP}), because the cluster's setup guards it.
 *
 * <p>With Hazelcast set up by the service ({@code dev.pump.cluster.ClusterSetup}) the map is guarded by the quorum: on a node that does
 * not see a quorum every call fails, so no side of a network partition accepts a delivery the other side
 * cannot see. On a Vert.x instance that is not clustered the map is local to this process.
 *
 * <p>Given the node's own view of the quorum ({@code dev.pump.cluster.ClusterQuorum#present}), a delivery is
 * accepted only if the quorum is still there once the write has landed, as the cluster's slot claims do:
 * Hazelcast's protection counts a member as present until its heartbeat is a few seconds old, so a write
 * can land on this side of a split just as the node loses its quorum, and the other side, not seeing it,
 * would accept the sender's retry too. Such a delivery is not accepted ({@link NoQuorum}), and its record
 * is removed if the cluster still answers, so that a retry gets through once the quorum is back.
 */
public final class SharedReplayWindow {

  private static final Logger LOG = LoggerFactory.getLogger(SharedReplayWindow.class);

  private final Vertx vertx;
  private final String nodeId;
  private final String mapName;
  private final BooleanSupplier quorumPresent;

  /**
   * Like {@link #SharedReplayWindow(Vertx, String, String, BooleanSupplier)} with no quorum of its own to ask:
   * only the map's protection (if any) refuses a node without a quorum.
   */
  public SharedReplayWindow(Vertx vertx, String nodeId, String mapName) {
    this(vertx, nodeId, mapName, () -> true);
  }

  /**
   * @param vertx the (clustered) Vert.x instance whose shared data holds the window
   * @param nodeId stored with each delivery, to say who accepted it
   * @param mapName the shared map: {@code <webhook id>/<delivery id>} -> the node that accepted it
   * @param quorumPresent whether this node sees the cluster's quorum now (never blocks); asked before and
   *     after each write
   */
  public SharedReplayWindow(Vertx vertx, String nodeId, String mapName, BooleanSupplier quorumPresent) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.mapName = Objects.requireNonNull(mapName, "mapName");
    this.quorumPresent = Objects.requireNonNull(quorumPresent, "quorumPresent");
  }

  /**
   * Records a delivery unless some node already has.
   *
   * @param ttlMillis how long to remember it; at least 1
   * @return true for the first time, false for a replay; fails with {@link NoQuorum} when this node does not
   *     see the quorum before the write or no longer sees it after, and with the map's failure when the
   *     shared map cannot answer (the map's own quorum protection, the cluster in trouble): in both cases
   *     nobody may know whether it is a replay
   */
  public Future<Boolean> record(String webhookId, String deliveryId, long ttlMillis) {
    Objects.requireNonNull(webhookId, "webhookId");
    Objects.requireNonNull(deliveryId, "deliveryId");
    if (ttlMillis < 1) {
      throw new IllegalArgumentException("ttlMillis must be at least 1, got " + ttlMillis);
    }
    if (!quorumPresent.getAsBoolean()) {
      return Future.failedFuture(new NoQuorum("this node does not see the cluster's quorum"));
    }
    String key = key(webhookId, deliveryId);
    return map().compose(map -> map.putIfAbsent(key, nodeId, ttlMillis)).compose(previous -> {
      if (previous != null) {
        return Future.succeededFuture(false);
      }
      if (quorumPresent.getAsBoolean()) {
        return Future.succeededFuture(true);
      }
      // landed as the quorum went: the other side may not see it, so it must not fire here either
      LOG.warn("Webhook delivery {} not accepted: this node lost the cluster's quorum while recording it", key);
      forget(webhookId, deliveryId).onFailure(e -> LOG.debug("Record of {} not removed: {}", key, e.toString()));
      return Future.failedFuture(new NoQuorum("this node lost the cluster's quorum while recording the delivery"));
    });
  }

  /** Forgets a delivery recorded but not fired (the trigger is paused), so that the sender's retry gets through. */
  public Future<Void> forget(String webhookId, String deliveryId) {
    return map().compose(map -> map.removeIfPresent(key(webhookId, deliveryId), nodeId)).mapEmpty();
  }

  /** {@link #record} could not tell whether the delivery is a replay: this node does not see the cluster's quorum. */
  public static final class NoQuorum extends IllegalStateException {

    NoQuorum(String message) {
      super(message);
    }
  }

  private static String key(String webhookId, String deliveryId) {
    return webhookId + "/" + deliveryId;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(mapName);
  }
}
