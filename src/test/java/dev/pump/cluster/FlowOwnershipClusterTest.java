package dev.pump.cluster;

import dev.pump.PumpApplication;
import dev.pump.PumpService;
import dev.pump.config.PumpConfig;
import dev.pump.testing.SettableClock;
import dev.pump.trigger.FireResult;
import dev.pump.trigger.FlowControl;
import dev.pump.trigger.FlowOwners;
import dev.pump.trigger.TriggerEvent;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Flow control in a real two-node Hazelcast cluster in this JVM (free ports, a cluster name of its own): the
 * owner of a key's Hazelcast partition decides it, whichever node an event reaches; when the owner leaves, the
 * survivor owns the key and starts it with no state.
 */
class FlowOwnershipClusterTest {

  private static final Duration DEADLINE = ClusterNodes.DEADLINE;
  private static final FlowControl RATE_3_AN_HOUR =
    new FlowControl("/account", new FlowControl.Rate(3, Duration.ofHours(1)), null, null, null, 100);
  private static final FlowControl DEBOUNCE_10S =
    new FlowControl("/account", null, new FlowControl.Debounce(Duration.ofSeconds(10), Duration.ofMinutes(1)), null, null, 100);

  private final SettableClock clock = SettableClock.at("2026-03-30T07:00:00Z");
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Node> started = new ArrayList<>();
  private ClusterNodes cluster;
  private final List<PumpService> services = new ArrayList<>();
  @TempDir
  Path dataDir;

  /** One pump node: its application, owners, port, two flow-controlled webhooks and what fired on it. */
  private record Node(Vertx vertx, PumpApplication app, FlowOwners owners, int port, WebhookTrigger limited,
                      WebhookTrigger debounced, List<TriggerEvent> fired) {
  }

  private Node node(Vertx vertx, String name) throws Exception {
    FlowOwners owners = HazelcastFlowOwners.of(ClusterNodes.manager(vertx)).orElseThrow();
    PumpApplication app = PumpApplication.builder().vertx(vertx).clock(clock).nodeId(name).flowOwners(owners).build();
    WebhookTrigger limited = new WebhookTrigger(app, "limited").withId("limited");
    limited.withFlowControl(RATE_3_AN_HOUR);
    WebhookTrigger debounced = new WebhookTrigger(app, "debounced").withId("debounced");
    debounced.withFlowControl(DEBOUNCE_10S);
    List<TriggerEvent> fired = new CopyOnWriteArrayList<>();
    app.onFire((trigger, event) -> fired.add(event));
    app.start().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    int port = app.listen(0, "127.0.0.1").await(DEADLINE.toSeconds(), TimeUnit.SECONDS).actualPort();
    Node node = new Node(vertx, app, owners, port, limited, debounced, fired);
    started.add(node);
    return node;
  }

  @AfterEach
  void stop() throws Exception {
    for (Node node : started) {
      node.app().close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
    for (PumpService service : services) {
      service.close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** Two nodes, each able to reach the other's flow gates (the consumers' registrations have spread). */
  private List<Node> twoNodes() throws Exception {
    cluster = ClusterNodes.start(2);
    Node a = node(cluster.get(0), "a");
    Node b = node(cluster.get(1), "b");
    awaitReachable(a, b);
    awaitReachable(b, a);
    return List.of(a, b);
  }

  /** Waits until a request from {@code from} reaches {@code to}'s flow gates (which refuse an unknown trigger). */
  private static void awaitReachable(Node from, Node to) {
    awaitReachable(from.vertx(), to.owners());
  }

  private static void awaitReachable(Vertx from, FlowOwners to) {
    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> {
      Throwable failure = from.eventBus().request(to.ownAddress(), new JsonObject().put("trigger", "none"))
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
        .await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE;
    });
  }

  /** @return whether exactly one of the two owns the key, and the other sends its events there */
  private static boolean agreeOnOwner(FlowOwners a, FlowOwners b, String triggerId, String key) {
    String fromA = a.ownerAddress(triggerId, key);
    String fromB = b.ownerAddress(triggerId, key);
    return fromA == null ? a.ownAddress().equals(fromB) : fromB == null && fromA.equals(b.ownAddress());
  }

  /** @return a key of trigger {@code triggerId} that both nodes agree {@code owner} owns */
  private static String keyOwnedBy(Node owner, Node other, String triggerId) {
    for (int i = 0; i < 10_000; i++) {
      String key = "acct-" + i;
      if (owner.owners().ownerAddress(triggerId, key) == null
        && owner.owners().ownAddress().equals(other.owners().ownerAddress(triggerId, key))) {
        return key;
      }
    }
    throw new AssertionError("the two nodes agree on the owner of none of 10 000 keys");
  }

  private int post(Node node, String webhook, String account) throws Exception {
    return post(node.port(), webhook, account);
  }

  private int post(int port, String webhook, String account) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/" + webhook))
      .header("Content-Type", "application/json").timeout(DEADLINE)
      .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("account", account).encode())).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void webhooksForOneKeyArrivingAtBothNodesAreRateLimitedAndDebouncedAsOneStreamByItsOwner() throws Exception {
    List<Node> nodes = twoNodes();
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    String key = keyOwnedBy(b, a, "limited");

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      statuses.add(post(i % 2 == 0 ? a : b, "limited", key));
    }

    assertThat(statuses).containsExactly(202, 202, 202, 429, 429, 429);
    assertThat(b.fired()).hasSize(3).allSatisfy(event -> assertThat(event.trigger()).isEqualTo("limited"));
    assertThat(a.fired()).isEmpty();
    assertThat(a.limited().snapshot().getJsonObject("flow").getLong("forwardedToOwner")).isEqualTo(3);
    assertThat(b.limited().snapshot().getJsonObject("flow").getLong("dropped")).isEqualTo(3);

    String debouncedKey = keyOwnedBy(a, b, "debounced");
    for (int i = 0; i < 6; i++) {
      assertThat(post(i % 2 == 0 ? a : b, "debounced", debouncedKey)).isEqualTo(202);
    }
    clock.tick(Duration.ofSeconds(10));
    assertThat(b.debounced().releaseDueFlow()).isZero();
    assertThat(a.debounced().releaseDueFlow()).isEqualTo(1);
    assertThat(a.fired()).singleElement().satisfies(event ->
      assertThat(event.args()).isEqualTo(new JsonObject().put("account", debouncedKey)
        .put("debounce", new JsonObject().put("count", 6))));
  }

  @Test
  void whenTheOwnerLeavesTheSurvivorOwnsTheKeyAndStartsItWithNoState() throws Exception {
    List<Node> nodes = twoNodes();
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    String key = keyOwnedBy(b, a, "limited");
    for (int i = 0; i < 4; i++) {
      a.limited().submitToOwner(new JsonObject().put("account", key)).await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
    assertThat(b.fired()).hasSize(3);

    b.app().close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    started.remove(b);
    cluster.leave(b.vertx());
    cluster.awaitSafe();

    assertThat(a.owners().ownerAddress("limited", key)).as("a owns every key now").isNull();
    List<FireResult.Status> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(a.limited().submitToOwner(new JsonObject().put("account", key))
        .await(DEADLINE.toSeconds(), TimeUnit.SECONDS).status());
    }
    assertThat(statuses).containsExactly(FireResult.Status.FIRED, FireResult.Status.FIRED, FireResult.Status.FIRED,
      FireResult.Status.REFUSED);
    assertThat(a.fired()).hasSize(3);
  }
  @Test
  void servicesStartedFromConfigurationShareAKeysFlowRateLimit() throws Exception {
    int portA = ClusterNodes.freePort();
    int portB = ClusterNodes.freePort();
    String name = "pump-flow-test-" + UUID.randomUUID();
    PumpService a = service(name, portA, List.of(portA, portB));
    PumpService b = service(name, portB, List.of(portA, portB));
    awaitReachable(a.app().vertx(), b.app().flowOwners());
    awaitReachable(b.app().vertx(), a.app().flowOwners());
    // while the partitions migrate to the second member the two may each take the other for a key's owner
    // (seen once in CI: both answered 202): wait until they agree on who owns the keys posted below
    for (String key : List.of("acct-1", "acct-2")) {
      await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
        .until(() -> agreeOnOwner(a.app().flowOwners(), b.app().flowOwners(), "limited", key));
    }

    List<Integer> statuses = List.of(post(a.port(), "limited", "acct-1"), post(b.port(), "limited", "acct-1"),
      post(b.port(), "limited", "acct-2"));

    assertThat(statuses).containsExactly(202, 429, 202);
  }

  private PumpService service(String clusterName, int clusterPort, List<Integer> memberPorts) throws Exception {
    JsonArray members = new JsonArray();
    memberPorts.forEach(p -> members.add("127.0.0.1:" + p));
    PumpConfig config = PumpConfig.fromJson(new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .put("shutdownGrace", "2s")
      .put("dataDir", dataDir.resolve(String.valueOf(clusterPort)).toString())
      .put("cluster", new JsonObject().put("enabled", true).put("name", clusterName).put("host", "127.0.0.1")
        .put("port", clusterPort).put("members", members))
      .put("pipelines", new JsonArray().add(new JsonObject()
        .put("id", "hooks")
        .put("source", new JsonObject().put("type", "clock"))
        .put("triggers", new JsonArray().add(new JsonObject().put("type", "webhook").put("id", "limited")
          .put("name", "limited").put("flow", new JsonObject().put("key", "/account")
            .put("rateLimit", new JsonObject().put("limit", 1).put("period", "1h")))))
        .put("sink", new JsonObject().put("type", "log")))));
    PumpService service = PumpService.start(config).await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    services.add(service);
    return service;
  }
}
