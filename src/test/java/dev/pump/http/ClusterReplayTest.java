package dev.pump.http;

import dev.pump.cluster.ClusterSetup;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One replay window for the cluster: a signed delivery accepted by one node is a replay (409) on another,
 * and a node that no longer sees a quorum refuses signed deliveries with 503 rather than guess.
 */
class ClusterReplayTest {

  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
    "a key shared by both nodes, 32 b".getBytes(StandardCharsets.UTF_8));
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final List<Vertx> nodes = new ArrayList<>();
  private final List<WebhookFixture> fixtures = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (WebhookFixture fixture : fixtures) {
      try {
        fixture.close();
      } catch (RuntimeException | AssertionError ignored) {
        // a node already gone
      }
    }
    for (Vertx vertx : nodes) {
      vertx.close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void aDeliveryAcceptedByOneNodeIsAReplayOnTheOtherAndANodeWithoutQuorumAnswers503() throws Exception {
    String name = "pump-test-" + UUID.randomUUID();
    List<Integer> ports = List.of(freePort(), freePort());
    List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).toList();
    for (int port : ports) {
      Vertx vertx = Vertx.builder().with(ClusterSetup.eventBusOn(new VertxOptions(), "127.0.0.1"))
        .withClusterManager(ClusterSetup.hazelcast(name, "127.0.0.1", port, members))
        .buildClustered().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      nodes.add(vertx);
      fixtures.add(WebhookFixture.start(vertx, app -> List.of(new WebhookTrigger(app, "std").withId("std")
        .withSecret(SECRET))));
    }
    // every partition in place: a write caught in a migration waits, and the fixture's idle timeout is short
    await().atMost(DEADLINE).until(() -> nodes.stream().allMatch(v -> manager(v).getNodes().size() == 2
      && manager(v).getHazelcastInstance().getPartitionService().isClusterSafe()));
    WebhookFixture a = fixtures.get(0);
    WebhookFixture b = fixtures.get(1);

    assertThat(deliver(a, "msg_first").statusCode()).isEqualTo(202);
    HttpResponse<Buffer> replayed = deliver(b, "msg_first");
    assertThat(replayed.statusCode()).as(replayed.bodyAsString()).isEqualTo(409);
    assertThat(replayed.bodyAsString()).contains("delivery 'msg_first' was already received");
    assertThat(deliver(b, "msg_second").statusCode()).as("another delivery on the other node").isEqualTo(202);
    assertThat(deliver(a, "msg_second").statusCode()).as("and back").isEqualTo(409);

    // b dies; a alone is one of two, no majority
    fixtures.remove(b);
    b.close();
    manager(nodes.get(1)).getHazelcastInstance().getLifecycleService().terminate();
    await().atMost(DEADLINE).until(() -> !manager(nodes.get(0)).getHazelcastInstance().getSplitBrainProtectionService()
      .getSplitBrainProtection(ClusterSetup.QUORUM_NAME).hasMinimumSize()
      && manager(nodes.get(0)).getHazelcastInstance().getPartitionService().isClusterSafe());
    HttpResponse<Buffer> alone = deliver(a, "msg_third");
    assertThat(alone.statusCode()).as(alone.bodyAsString()).isEqualTo(503);
    assertThat(alone.getHeader("Retry-After")).isEqualTo("5");
    await().atMost(DEADLINE).until(() -> a.source.cycleEvents().stream().anyMatch(e -> e.firing().equals("msg_first")));
    assertThat(a.source.cycleEvents()).as("fired once, on the node that accepted it")
      .extracting(e -> e.firing()).containsOnlyOnce("msg_first").doesNotContain("msg_second", "msg_third");
  }

  private static HttpResponse<Buffer> deliver(WebhookFixture node, String id) {
    long timestamp = System.currentTimeMillis() / 1000;
    String body = "{\"id\": \"" + id + "\"}";
    String signature = WebhookFixture.standardSignature(WebhookTrigger.keyOf(SECRET,
      WebhookTrigger.Signature.STANDARD), id, timestamp, body);
    return node.post("/webhooks/std", body, "Content-Type", "application/json", "webhook-id", id,
      "webhook-timestamp", Long.toString(timestamp), "webhook-signature", signature);
  }

  private static HazelcastClusterManager manager(Vertx vertx) {
    return (HazelcastClusterManager) ((VertxInternal) vertx).clusterManager();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
