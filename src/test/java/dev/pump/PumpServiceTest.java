package dev.pump;

import dev.pump.config.ConfigLoader;
import dev.pump.config.InvalidConfigException;
import dev.pump.config.PumpConfig;
import dev.pump.pipeline.Pipeline;
import dev.pump.source.SourceRuntime;
import dev.pump.source.TriggerSource;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The real service, started in-process through the path {@code run} takes ({@link ConfigLoader},
 * then {@link PumpService#start}), on a free loopback port, driven over HTTP.
 */
@ExtendWith(VertxExtension.class)
class PumpServiceTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  /** Two pipelines: a heartbeat into a file, and one whose source explodes on request. */
  private static final String CONFIG = """
    http: { host: 127.0.0.1, port: 0, apiToken: "%s" }
    shutdownGrace: 2s
    pipelines:
      - id: beats
        source: { type: clock }
        triggers:
          - { type: webhook, id: beat-hook, name: beat }
          - { type: cron, id: new-year, schedule: "0 0 1 1 *", zone: UTC }
        sink: { type: file, path: %s }
      - id: fragile
        source: { type: class, class: "dev.pump.PumpServiceTest$ExplodingSource" }
        triggers:
          - { type: webhook, id: fragile-hook, name: fragile }
        sink: { type: log }
    """;

  @TempDir
  Path dir;

  private Path events;
  private PumpService service;
  private WebClient client;

  /** Throws from its cycle when the fire's args say {@code "explode": true}. */
  static final class ExplodingSource extends TriggerSource {
    ExplodingSource(SourceRuntime runtime, Pipeline pipeline) {
      super(runtime, pipeline);
    }

    @Override
    protected void cycle(TriggerEvent event) throws Exception {
      if (event.args().getBoolean("explode", false)) {
        throw new IllegalStateException("exploded on request");
      }
      process(event.toJson());
    }
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    events = dir.resolve("out").resolve("beats.jsonl");
    client = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    if (service != null) {
      service.close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private PumpService start(String apiToken) throws Exception {
    Path file = Files.writeString(dir.resolve("config.yaml"), CONFIG.formatted(apiToken, events));
    PumpConfig config = new ConfigLoader(Map.of()).load(file);
    service = PumpService.start(config).await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    return service;
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, JsonObject body, String token) throws Exception {
    HttpRequest<Buffer> request = client.request(method, service.port(), "127.0.0.1", path);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    Future<HttpResponse<Buffer>> response = body == null ? request.send() : request.sendJsonObject(body);
    return response.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, JsonObject body) throws Exception {
    return send(method, path, body, null);
  }

  private List<JsonObject> writtenEvents() throws IOException {
    if (!Files.exists(events)) {
      return List.of();
    }
    return Files.readAllLines(events).stream().filter(line -> !line.isBlank()).map(JsonObject::new).toList();
  }

  private int healthStatus() throws Exception {
    return send(HttpMethod.GET, "/health", null).statusCode();
  }

  @Test
  void listensOnTheFreePortItPickedForPort0() throws Exception {
    start("");

    assertThat(service.port()).isPositive();
    assertThat(service.baseUrl()).isEqualTo("http://127.0.0.1:" + service.port());
    assertThat(send(HttpMethod.GET, "/api/triggers", null).bodyAsJsonArray())
      .extracting(t -> ((JsonObject) t).getString("id"))
      .containsExactlyInAnyOrder("beat-hook", "new-year", "fragile-hook");
  }

  @Test
  void aWebhookFireLandsInTheFileSinkWithItsArgs() throws Exception {
    start("");

    HttpResponse<Buffer> response = send(HttpMethod.POST, "/webhooks/beat", new JsonObject().put("why", "test"));

    assertThat(response.statusCode()).isEqualTo(202);
    String firing = response.bodyAsJsonObject().getString("firing");
    assertThat(response.bodyAsJsonObject().getString("trigger")).isEqualTo("beat-hook");
    await().atMost(DEADLINE).until(() -> !writtenEvents().isEmpty());
    JsonObject event = writtenEvents().get(0);
    assertThat(event.getString("trigger")).isEqualTo("beat-hook");
    assertThat(event.getString("type")).isEqualTo("webhook");
    assertThat(event.getString("firing")).isEqualTo(firing);
    assertThat(event.getJsonObject("args")).isEqualTo(new JsonObject().put("why", "test"));
  }

  @Test
  void theDashboardIsServedAndTheApiListsRecentFiringsWithTheirOutcome() throws Exception {
    start("");

    HttpResponse<Buffer> page = send(HttpMethod.GET, "/ui/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString()).contains("vertx-pump");
    String firing = send(HttpMethod.POST, "/webhooks/beat", new JsonObject()).bodyAsJsonObject().getString("firing");

    await().atMost(DEADLINE).until(() -> "ran".equals(recentOutcome(firing)));
    JsonObject recent = send(HttpMethod.GET, "/api/triggers/beat-hook", null).bodyAsJsonObject()
      .getJsonArray("recentFirings").getJsonObject(0);
    assertThat(recent.getString("firing")).isEqualTo(firing);
    assertThat(recent.getString("node")).isNotBlank();
  }

  private String recentOutcome(String firing) throws Exception {
    var recent = send(HttpMethod.GET, "/api/triggers/beat-hook", null).bodyAsJsonObject().getJsonArray("recentFirings");
    for (int i = 0; i < recent.size(); i++) {
      if (firing.equals(recent.getJsonObject(i).getString("firing"))) {
        return recent.getJsonObject(i).getString("outcome");
      }
    }
    return null;
  }

  @Test
  void theApiPausesResumesAndFiresATrigger() throws Exception {
    start("");

    assertThat(send(HttpMethod.POST, "/api/triggers/beat-hook/pause", null).bodyAsJsonObject().getBoolean("paused"))
      .isTrue();
    assertThat(send(HttpMethod.POST, "/webhooks/beat", new JsonObject()).statusCode()).isEqualTo(409);
    assertThat(send(HttpMethod.POST, "/api/triggers/beat-hook/resume", null).bodyAsJsonObject().getBoolean("paused"))
      .isFalse();
    HttpResponse<Buffer> fired =
      send(HttpMethod.POST, "/api/triggers/beat-hook/fire", new JsonObject().put("manual", 1));

    assertThat(fired.statusCode()).isEqualTo(202);
    await().atMost(DEADLINE).until(() -> !writtenEvents().isEmpty());
    assertThat(writtenEvents()).hasSize(1);
    assertThat(writtenEvents().get(0).getJsonObject("args")).isEqualTo(new JsonObject().put("manual", 1));
    JsonObject trigger = send(HttpMethod.GET, "/api/triggers/beat-hook", null).bodyAsJsonObject();
    assertThat(trigger.getLong("fireCount")).isEqualTo(1);
  }

  @Test
  void cronNextAnswersWithTheOffsetOfTheZone() throws Exception {
    start("");

    HttpResponse<Buffer> response = send(HttpMethod.GET,
      "/api/cron/next?expr=0%209%20*%20*%201-5&zone=Europe/Prague&from=2026-03-27T00:00:00Z&n=2", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonArray("next"))
      .isEqualTo(new JsonArray().add("2026-03-27T09:00:00+01:00").add("2026-03-30T09:00:00+02:00"));
    assertThat(send(HttpMethod.GET, "/api/cron/next?expr=61%20*%20*%20*%20*", null).statusCode()).isEqualTo(400);
  }

  @Test
  void healthTurns503WhileAPipelineIsInErrorAnd200AfterClearError() throws Exception {
    start("");
    assertThat(healthStatus()).isEqualTo(200);

    send(HttpMethod.POST, "/webhooks/fragile", new JsonObject().put("explode", true));
    await().atMost(DEADLINE).until(() -> healthStatus() == 503);
    JsonObject pipeline = send(HttpMethod.GET, "/api/pipelines/fragile", null).bodyAsJsonObject();
    assertThat(pipeline.getBoolean("ready")).isFalse();
    assertThat(pipeline.getJsonObject("error").getString("message")).contains("exploded on request");

    assertThat(send(HttpMethod.POST, "/api/pipelines/fragile/clear-error", null).statusCode()).isEqualTo(200);
    assertThat(healthStatus()).isEqualTo(200);
  }

  @Test
  void metricsServeOurMetersInPrometheusFormat() throws Exception {
    start("");
    send(HttpMethod.POST, "/webhooks/beat", new JsonObject());

    await().atMost(DEADLINE).until(() -> send(HttpMethod.GET, "/metrics", null).bodyAsString()
      .contains("pump_pipeline_events_out_total{pipeline=\"beats\"} 1.0"));
    HttpResponse<Buffer> metrics = send(HttpMethod.GET, "/metrics", null);

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.getHeader("Content-Type")).startsWith("text/plain");
    assertThat(metrics.bodyAsString())
      .contains("pump_trigger_fires_total{trigger=\"beat-hook\",type=\"webhook\"} 1.0")
      .contains("pump_source_cycles_total{outcome=\"ok\",pipeline=\"beats\",source=\"beats\"} 1.0")
      .contains("pump_pipeline_ready{pipeline=\"fragile\"} 1.0");
  }

  @Test
  void withAnApiTokenTheApiRefusesRequestsWithoutIt() throws Exception {
    start("s3cret");

    HttpResponse<Buffer> without = send(HttpMethod.GET, "/api/triggers", null);
    HttpResponse<Buffer> wrong = send(HttpMethod.GET, "/api/triggers", null, "guess");
    HttpResponse<Buffer> with = send(HttpMethod.GET, "/api/triggers", null, "s3cret");

    assertThat(without.statusCode()).isEqualTo(401);
    assertThat(without.bodyAsJsonObject().getString("error")).isNotBlank();
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(with.statusCode()).isEqualTo(200);
    assertThat(send(HttpMethod.GET, "/health", null).statusCode()).isEqualTo(200);
  }

  @Test
  void closingKeepsWhatWasWrittenStopsServingAndIsSafeToRepeat() throws Exception {
    start("");
    assertThat(send(HttpMethod.POST, "/webhooks/beat", new JsonObject().put("n", 1)).statusCode()).isEqualTo(202);
    await().atMost(DEADLINE).until(() -> writtenEvents().size() == 1);

    service.close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    service.close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);

    assertThat(writtenEvents()).extracting(e -> e.getJsonObject("args").getInteger("n")).containsExactly(1);
    assertThatThrownBy(() -> send(HttpMethod.GET, "/health", null)).isNotNull();
    service = null;
  }

  @Test
  void aUserClassFailingInItsConstructorFailsTheStartWithItsKeyPath() throws Exception {
    PumpConfig config = PumpConfig.fromJson(new JsonObject("""
      {"http": {"port": 0}, "pipelines": [{"id": "p", "source": {"type": "clock"},
        "triggers": [{"type": "runonce", "id": "once"}],
        "sink": {"type": "class", "class": "dev.pump.PumpServiceTest$BrokenSink"}}]}
      """));

    assertThatThrownBy(() -> PumpService.start(config).toCompletionStage().toCompletableFuture().get())
      .isInstanceOf(ExecutionException.class)
      .cause()
      .isInstanceOf(InvalidConfigException.class)
      .hasMessageContaining("pipelines[0].sink.class: the constructor of 'dev.pump.PumpServiceTest$BrokenSink' "
        + "failed: IllegalStateException: broken on purpose");
  }

  @Test
  void aClusterHostThatIsAWildcardAddressIsRefusedBeforeAnythingStarts() throws Exception {
    PumpConfig config = PumpConfig.fromJson(new JsonObject("""
      {"cluster": {"enabled": true, "host": "0.0.0.0"}, "pipelines": [{"id": "p", "source": {"type": "clock"},
        "triggers": [{"type": "runonce", "id": "once"}], "sink": {"type": "log"}}]}
      """));

    assertThatThrownBy(() -> PumpService.start(config).toCompletionStage().toCompletableFuture().get())
      .cause()
      .isInstanceOf(InvalidConfigException.class)
      .hasMessage("invalid configuration: cluster.host: host '0.0.0.0' is a wildcard address: give the address "
        + "the other members reach this node at");
  }

  /** A sink that cannot be built. */
  static final class BrokenSink implements dev.pump.pipeline.Sink {
    BrokenSink() {
      throw new IllegalStateException("broken on purpose");
    }

    @Override
    public Future<Void> write(JsonObject event) {
      return Future.succeededFuture();
    }
  }
}
