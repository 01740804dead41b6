package dev.pump.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is in the cluster, by readable node name: what {@code GET /api/cluster}, {@code /health} and the
 * dashboard show. Each node writes {@code {"node", "address"}} under its member id into the async map
 * {@value #MEMBERS_MAP} and reads the others' entries once a second; membership itself always comes
 * from the cluster manager, so a node that died is gone from {@link #snapshot()} as soon as the
 * cluster notices, whatever the map still holds.
 * <pre>{@code
 * {"enabled": true, "name": "vertx-pump", "node": "127.0.0.1:5701", "memberId": "3f2a...", "active": true,
 *  "safe": true, "size": 3,
 *  "members": [{"node": "127.0.0.1:5701", "memberId": "3f2a...", "address": "127.0.0.1:5701", "self": true}, ...]}
 * }</pre>
 * {@code safe} is Hazelcast's "every partition has its backup" (null with another cluster manager, or
 * before the first check): false for a second or two after a member joins or leaves. Given a
 * {@link ClusterQuorum}, {@code "quorum": {"required", "present", "since"}} says whether this node sees
 * enough members to claim cluster-once slots.
 */
public final class ClusterMembers {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterMembers.class);

  /** member id -> {@code {"node", "address"}} as JSON text. */
  public static final String MEMBERS_MAP = "pump.members";
  static final long REFRESH_MS = 1000;

  private final Vertx vertx;
  private final ClusterManager clusterManager;
  private final String clusterName;
  private final String nodeId;
  private final String address;
  private final ClusterQuorum quorum;
  private final Map<String, JsonObject> known = new ConcurrentHashMap<>();
  private volatile Boolean safe;
  private volatile Future<?> safeCheck = Future.succeededFuture();
  private long timerId = -1; // guarded by this

  /**
   * @param vertx a clustered Vert.x instance
   * @param clusterManager the manager {@code vertx} was built with: membership comes from it
   * @param clusterName shown as {@code name}
   * @param nodeId this node's readable name, as in trigger events
   * @param address where this node's cluster manager listens, e.g. {@code 10.0.0.1:5701}; shown only
   * @throws IllegalArgumentException when {@code vertx} is not clustered
   */
  public ClusterMembers(Vertx vertx, ClusterManager clusterManager, String clusterName, String nodeId, String address) {
    this(vertx, clusterManager, clusterName, nodeId, address, null);
  }

  /**
   * Like {@link #ClusterMembers(Vertx, ClusterManager, String, String, String)}, with the quorum shown in
   * {@link #snapshot()}.
   *
   * @param quorum {@code null} for none
   */
  public ClusterMembers(Vertx vertx, ClusterManager clusterManager, String clusterName, String nodeId, String address,
                        ClusterQuorum quorum) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.clusterManager = Objects.requireNonNull(clusterManager, "clusterManager");
    if (!vertx.isClustered()) {
      throw new IllegalArgumentException("ClusterMembers needs a clustered Vert.x instance");
    }
    this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.address = Objects.requireNonNull(address, "address");
    this.quorum = quorum;
  }

  /** Writes this node's entry, reads the others and keeps doing so every second. */
  public Future<Void> start() {
    synchronized (this) {
      if (timerId < 0) {
        timerId = vertx.setPeriodic(REFRESH_MS, id -> refresh());
      }
    }
    return refresh();
  }

  /** Stops refreshing, lets a running check end (Hazelcast warns when it shuts down under one), removes this node's entry. */
  public Future<Void> stop() {
    synchronized (this) {
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
        timerId = -1;
      }
    }
    return safeCheck.<Void>transform(ar -> Future.succeededFuture())
      .compose(v -> map())
      .compose(map -> map.remove(clusterManager.getNodeId())).<Void>mapEmpty()
      .recover(e -> Future.succeededFuture());
  }

  /** @return the state described in the class comment; never blocks */
  public JsonObject snapshot() {
    JsonArray members = members();
    return new JsonObject()
      .put("enabled", true)
      .put("name", clusterName)
      .put("node", nodeId)
      .put("memberId", clusterManager.getNodeId())
      .put("active", isActive())
      .put("safe", safe)
      .put("size", members.size())
      .put("members", members)
      .put("quorum", quorum == null ? null : quorum.toJson());
  }

  /** @return one {@code {"node", "memberId", "address", "self"}} per member, this node first */
  public JsonArray members() {
    String self = clusterManager.getNodeId();
    List<String> ids = clusterManager.getNodes();
    JsonArray members = new JsonArray();
    members.add(member(self, true));
    for (String id : ids) {
      if (!id.equals(self)) {
        members.add(member(id, false));
      }
    }
    return members;
  }

  /** @return whether this node is an active member of the cluster */
  boolean isActive() {
    return clusterManager.isActive() && clusterManager.getNodes().contains(clusterManager.getNodeId());
  }

  private JsonObject member(String id, boolean self) {
    JsonObject entry = self ? ownEntry() : known.get(id);
    return new JsonObject()
      .put("node", entry == null ? null : entry.getString("node"))
      .put("memberId", id)
      .put("address", entry == null ? null : entry.getString("address"))
      .put("self", self);
  }

  private JsonObject ownEntry() {
    return new JsonObject().put("node", nodeId).put("address", address);
  }

  private Future<Void> refresh() {
    String self = clusterManager.getNodeId();
    List<String> alive = clusterManager.getNodes();
    Future<Void> entries = map().compose(map -> map.put(self, ownEntry().encode())
      .compose(v -> map.entries())
      .map(all -> {
        all.forEach((id, json) -> {
          if (alive.contains(id)) {
            known.put(id, new JsonObject(json));
          } else if (!id.equals(self)) {
            map.remove(id); // a member that is gone: whoever sees it first cleans up
          }
        });
        known.keySet().retainAll(alive);
        return null;
      }));
    if (clusterManager instanceof HazelcastClusterManager hazelcast && hazelcast.getHazelcastInstance() != null
      && safeCheck.isComplete()) {
      // asks every member: off the event loop, one at a time
      safeCheck = vertx.executeBlocking(() -> hazelcast.getHazelcastInstance().getPartitionService().isClusterSafe(), false)
        .onSuccess(value -> safe = value)
        .onFailure(e -> safe = null);
    }
    return entries.onFailure(e -> LOG.debug("Could not refresh the cluster members: {}", e.toString()));
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(MEMBERS_MAP);
  }
}
