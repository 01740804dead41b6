package dev.pump.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

import java.util.Objects;

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
 */
public final class SharedReplayWindow {

  private final Vertx vertx;
  private final String nodeId;
  private final String mapName;

  /**
   * @param vertx the (clustered) Vert.x instance whose shared data holds the window
   * @param nodeId stored with each delivery, to say who accepted it
   * @param mapName the shared map: {@code <webhook id>/<delivery id>} -> the node that accepted it
   */
  public SharedReplayWindow(Vertx vertx, String nodeId, String mapName) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.mapName = Objects.requireNonNull(mapName, "mapName");
  }

  /**
   * Records a delivery unless some node already has.
   *
   * @param ttlMillis how long to remember it; at least 1
   * @return true for the first time, false for a replay; fails when the shared map cannot answer (no
   *     quorum, the cluster in trouble), in which case nobody may know whether it is a replay
   */
  public Future<Boolean> record(String webhookId, String deliveryId, long ttlMillis) {
    Objects.requireNonNull(webhookId, "webhookId");
    Objects.requireNonNull(deliveryId, "deliveryId");
    if (ttlMillis < 1) {
      throw new IllegalArgumentException("ttlMillis must be at least 1, got " + ttlMillis);
    }
    return map().compose(map -> map.putIfAbsent(key(webhookId, deliveryId), nodeId, ttlMillis))
      .map(previous -> previous == null);
  }

  /** Forgets a delivery recorded but not fired (the trigger is paused), so that the sender's retry gets through. */
  public Future<Void> forget(String webhookId, String deliveryId) {
    return map().compose(map -> map.removeIfPresent(key(webhookId, deliveryId), nodeId)).mapEmpty();
  }

  private static String key(String webhookId, String deliveryId) {
    return webhookId + "/" + deliveryId;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(mapName);
  }
}
