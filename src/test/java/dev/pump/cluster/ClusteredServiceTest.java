package dev.pump.cluster;

import dev.pump.PumpService;
import dev.pump.config.PumpConfig;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two services started from configuration with {@code cluster.enabled: true}, as {@code run} starts them:
 * Hazelcast configured from {@code cluster.*}, {@code GET /api/cluster}, the {@code cluster} health check,
 * and events that cross nodes.
 */
class ClusteredServiceTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final String clusterName = "pump-service-test-" + UUID.randomUUID();
  private final List<PumpService> services = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void closeServices() throws Exception {
    for (PumpService service : services) {
      service.close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private PumpService start(int clusterPort, List<Integer> memberPorts) throws Exception {
    JsonArray members = new JsonArray();
    memberPorts.forEach(p -> members.add("127.0.0.1:" + p));
    PumpConfig config = PumpConfig.fromJson(new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .put("shutdownGrace", "2s")
      .put("cluster", new JsonObject().put("enabled", true).put("name", clusterName).put("host", "127.0.0.1")
        .put("port", clusterPort).put("members", members).put("takeoverWindow", "20s"))
      .put("pipelines", new JsonArray().add(new JsonObject()
        .put("id", "hooks")
        .put("source", new JsonObject().put("type", "clock"))
        .put("triggers", new JsonArray().add(new JsonObject().put("type", "webhook").put("id", "hook").put("name", "hook")))
        .put("sink", new JsonObject().put("type", "eventbus").put("address", "test.hooks")))));
    PumpService service = PumpService.start(config).await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    services.add(service);
    return service;
  }

  private JsonObject getJson(PumpService service, String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + path)).GET().build(),
      HttpResponse.BodyHandlers.ofString());
    return new JsonObject(response.body()).put("httpStatus", response.statusCode());
  }

  @Test
  void twoServicesFormAClusterThatTheApiTheHealthCheckAndTheEventBusShow() throws Exception {
    int portA = ClusterNodes.freePort();
    int portB = ClusterNodes.freePort();
    PumpService a = start(portA, List.of(portA, portB));
    PumpService b = start(portB, List.of(portA, portB));
    String nodeA = "127.0.0.1:" + portA;
    String nodeB = "127.0.0.1:" + portB;

    await().atMost(DEADLINE).until(() -> getJson(a, "/api/cluster").getInteger("size") == 2
      && getJson(a, "/api/cluster").getJsonArray("members").stream()
        .allMatch(m -> ((JsonObject) m).getString("node") != null));
    JsonObject cluster = getJson(a, "/api/cluster");
    assertThat(cluster.getBoolean("enabled")).isTrue();
    assertThat(cluster.getString("name")).isEqualTo(clusterName);
    assertThat(cluster.getString("node")).isEqualTo(nodeA);
    assertThat(cluster.getBoolean("active")).isTrue();
    assertThat(cluster.getJsonObject("quorum").getInteger("required")).as("a majority of two").isEqualTo(2);
    assertThat(cluster.getJsonObject("quorum").getBoolean("present")).isTrue();
    assertThat(metrics(a)).containsPattern("(?m)^pump_cluster_quorum 1\\.0$")
      .containsPattern("(?m)^pump_cluster_members 2\\.0$");
    assertThat(cluster.getJsonArray("members").stream().map(JsonObject.class::cast).toList())
      .extracting(m -> m.getString("node"), m -> m.getBoolean("self"))
      .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(nodeA, true),
        org.assertj.core.groups.Tuple.tuple(nodeB, false));

    JsonObject health = getJson(b, "/health");
    assertThat(health.getInteger("httpStatus")).as(health.encode()).isEqualTo(200);
    JsonObject check = health.getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(c -> c.getString("id").equals("cluster")).findFirst().orElseThrow();
    assertThat(check.getString("status")).isEqualTo("UP");
    assertThat(check.getJsonObject("data").getString("node")).isEqualTo(nodeB);

    // a webhook received by B runs B's source; its eventbus sink publishes cluster-wide, so A hears it
    List<JsonObject> heardOnA = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer = a.app().vertx().eventBus().consumer("test.hooks", m -> heardOnA.add(m.body()));
    consumer.completion().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    HttpResponse<String> fired = http.send(HttpRequest.newBuilder(URI.create(b.baseUrl() + "/webhooks/hook"))
      .POST(HttpRequest.BodyPublishers.ofString("{\"n\": 1}")).header("Content-Type", "application/json").build(),
      HttpResponse.BodyHandlers.ofString());
    assertThat(fired.statusCode()).as(fired.body()).isEqualTo(202);
    await().atMost(DEADLINE).until(() -> heardOnA.size() == 1);
    assertThat(heardOnA.get(0).getString("node")).isEqualTo(nodeB);

    b.close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    services.remove(b);
    await().atMost(DEADLINE).until(() -> getJson(a, "/api/cluster").getInteger("size") == 1);
    // one of two is no majority: A says so, and claims no cluster-once slot
    await().atMost(DEADLINE).until(() -> getJson(a, "/health/ready").getInteger("httpStatus") == 503);
    JsonObject alone = getJson(a, "/health/ready").getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(c -> c.getString("id").equals("cluster")).findFirst().orElseThrow();
    assertThat(alone.getString("status")).isEqualTo("DOWN");
    assertThat(alone.getJsonObject("data").getJsonObject("quorum").getBoolean("present")).isFalse();
    assertThat(metrics(a)).containsPattern("(?m)^pump_cluster_quorum 0\\.0$");
  }

  private String metrics(PumpService service) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/metrics")).GET().build(),
      HttpResponse.BodyHandlers.ofString()).body();
  }
}
