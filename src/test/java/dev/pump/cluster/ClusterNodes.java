package dev.pump.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Clustered Vert.x instances in this JVM, on 127.0.0.1, in a cluster of a unique name on free ports,
 * configured exactly as the service configures them ({@link ClusterSetup}).
 * <pre>{@code
 * ClusterNodes nodes = ClusterNodes.start(3);   // joined, every partition backed up
 * Vertx a = nodes.get(0);
 * nodes.close();
 * }</pre>
 */
final class ClusterNodes implements AutoCloseable {

  static final Duration DEADLINE = Duration.ofSeconds(60);

  final String name = "pump-test-" + UUID.randomUUID();
  private final List<String> members = new CopyOnWriteArrayList<>();
  private final List<Vertx> nodes = new CopyOnWriteArrayList<>();
  /** The cluster manager each node was built with: Vert.x's public API does not hand it out. */
  private static final Map<Vertx, HazelcastClusterManager> MANAGERS = new ConcurrentHashMap<>();

  private ClusterNodes() {
  }

  /** Starts {@code n} nodes one after the other, then waits until they all see each other and are safe. */
  static ClusterNodes start(int n) throws Exception {
    ClusterNodes cluster = new ClusterNodes();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ports.add(freePort());
      }
      ports.forEach(port -> cluster.members.add("127.0.0.1:" + port));
      for (int port : ports) {
        cluster.startNode(port);
      }
      cluster.awaitSafe();
      return cluster;
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  /** Starts one more node that joins the others; waits until every node sees it and the cluster is safe. */
  Vertx join() throws Exception {
    int port = freePort();
    members.add("127.0.0.1:" + port);
    Vertx vertx = startNode(port);
    awaitSafe();
    return vertx;
  }

  private Vertx startNode(int port) throws Exception {
    HazelcastClusterManager manager = ClusterSetup.hazelcast(name, "127.0.0.1", port, List.copyOf(members));
    Vertx vertx = Vertx.builder()
      .with(ClusterSetup.eventBusOn(new VertxOptions(), "127.0.0.1"))
      .withClusterManager(manager)
      .buildClustered()
      .await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    MANAGERS.put(vertx, manager);
    nodes.add(vertx);
    return vertx;
  }

  Vertx get(int i) {
    return nodes.get(i);
  }

  List<Vertx> all() {
    return List.copyOf(nodes);
  }

  /** Waits until every node sees all the nodes and Hazelcast reports every partition backed up. */
  void awaitSafe() {
    List<Vertx> all = all();
    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> all.stream().allMatch(v -> {
      HazelcastClusterManager cm = manager(v);
      return cm.getNodes().size() == all.size() && cm.getHazelcastInstance().getPartitionService().isClusterSafe();
    }));
  }

  static HazelcastClusterManager manager(Vertx vertx) {
    return MANAGERS.get(vertx);
  }

  /** Leaves the cluster the polite way: Vert.x closes, Hazelcast leaves. */
  void leave(Vertx vertx) throws Exception {
    nodes.remove(vertx);
    vertx.close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    MANAGERS.remove(vertx);
  }

  /** Dies without a word: Hazelcast terminates at once (no graceful leave), then Vert.x is closed. */
  void kill(Vertx vertx) throws Exception {
    nodes.remove(vertx);
    manager(vertx).getHazelcastInstance().getLifecycleService().terminate();
    try {
      vertx.close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // its cluster manager is gone already
    }
    MANAGERS.remove(vertx);
  }

  @Override
  public void close() {
    for (Vertx vertx : all()) {
      try {
        vertx.close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // best effort: the next node still gets closed
      }
      MANAGERS.remove(vertx);
    }
    nodes.clear();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
