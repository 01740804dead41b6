package dev.pump.http;

import dev.pump.trigger.TriggerEvent;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs on a Vert.x instance of its own, made with {@link PumpMetrics#withPrometheus}, under a unique registry name. */
class PumpMetricsTest {

  private final String registryName = "pump-metrics-test-" + UUID.randomUUID();
  private Vertx vertx;
  private PrometheusMeterRegistry registry;
  private PumpMetrics metrics;
  private PumpFixture pump;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx(PumpMetrics.withPrometheus(new VertxOptions(), registryName));
    registry = PumpMetrics.prometheusRegistry(registryName).orElseThrow();
    pump = PumpFixture.start(vertx, f -> {
      metrics = new PumpMetrics(registry, f.app);
      f.app.onFire(metrics::onFire);
      f.app.onCycle((source, event, took, failed) -> metrics.onCycle(source.id(), source.pipeline().id(), took, failed));
      metrics.bindPipelines();
      PumpMetrics.mountScrape(f.app.router(), registry);
    });
  }

  @AfterEach
  void stop() {
    try {
      pump.close();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void theScrapeHasOurMetersAfterAFireAndACycle() throws InterruptedException {
    assertThat(pump.post("/webhooks/hook", "{}").statusCode()).isEqualTo(202);
    assertThat(pump.nextCycleFailed()).isFalse();

    HttpResponse<Buffer> response = pump.get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    String text = response.bodyAsString();
    assertThat(sample(text, "pump_trigger_fires_total", "trigger=\"hook\"", "type=\"webhook\"")).isEqualTo(1);
    assertThat(sample(text, "pump_source_cycles_total", "source=\"collector\"", "pipeline=\"main\"",
      "outcome=\"ok\"")).isEqualTo(1);
    assertThat(sample(text, "pump_source_cycle_duration_seconds_count", "source=\"collector\"", "pipeline=\"main\""))
      .isEqualTo(1);
    assertThat(sample(text, "pump_pipeline_events_in_total", "pipeline=\"main\"")).isEqualTo(1);
    assertThat(sample(text, "pump_pipeline_events_out_total", "pipeline=\"main\"")).isEqualTo(1);
    assertThat(sample(text, "pump_pipeline_events_dropped_total", "pipeline=\"main\"")).isZero();
    assertThat(sample(text, "pump_pipeline_cycles_total", "pipeline=\"main\"")).isEqualTo(1);
    assertThat(sample(text, "pump_pipeline_fires_merged_total", "pipeline=\"main\"")).isZero();
    assertThat(sample(text, "pump_pipeline_errors_total", "pipeline=\"main\"")).isZero();
    assertThat(sample(text, "pump_pipeline_warnings_total", "pipeline=\"main\"")).isZero();
    assertThat(sample(text, "pump_pipeline_ready", "pipeline=\"main\"")).isEqualTo(1);
  }

  @Test
  void vertxAndJvmMetersAreInTheSameScrape() {
    pump.get("/metrics");

    String text = pump.get("/metrics").bodyAsString();

    assertThat(text).contains("vertx_http_server_requests_total").contains("jvm_memory_used_bytes");
  }

  @Test
  void aLateSlotIsRecordedAsLateness() throws InterruptedException {
    pump.clock.set(PumpFixture.NINE_IN_PRAGUE.plusMillis(2500));
    pump.cron.checkDue().await();
    assertThat(pump.nextCycleFailed()).isFalse();

    Timer lateness = registry.get("pump.trigger.fire.lateness").tag("trigger", "daily").timer();
    assertThat(lateness.count()).isEqualTo(1);
    assertThat(lateness.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2500);
    String text = pump.get("/metrics").bodyAsString();
    assertThat(sample(text, "pump_trigger_fire_lateness_seconds_count", "trigger=\"daily\"")).isEqualTo(1);
    assertThat(sample(text, "pump_trigger_fire_lateness_seconds_bucket", "trigger=\"daily\"", "le=\"1.0\"")).isZero();
    assertThat(sample(text, "pump_trigger_fire_lateness_seconds_bucket", "trigger=\"daily\"", "le=\"5.0\""))
      .isEqualTo(1);
    assertThat(sample(text, "pump_trigger_fires_total", "trigger=\"daily\"", "type=\"cron\"")).isEqualTo(1);
  }

  @Test
  void aFireWithoutASlotHasNoLateness() throws InterruptedException {
    pump.post("/webhooks/hook", "{}");
    pump.nextCycleFailed();

    assertThat(registry.find("pump.trigger.fire.lateness").tag("trigger", "hook").timers()).isEmpty();
  }

  @Test
  void everyTriggerSourceAndPipelineSeriesIsScrapedAtZeroBeforeAnyFire() {
    String text = pump.get("/metrics").bodyAsString();

    assertThat(sample(text, "pump_trigger_fires_total", "trigger=\"hook\"", "type=\"webhook\"")).isZero();
    assertThat(sample(text, "pump_trigger_fires_total", "trigger=\"daily\"", "type=\"cron\"")).isZero();
    assertThat(sample(text, "pump_trigger_fires_total", "trigger=\"forced\"", "type=\"pubsub\"")).isZero();
    assertThat(sample(text, "pump_trigger_fire_lateness_seconds_count", "trigger=\"daily\"")).isZero();
    assertThat(text).as("only time triggers have a lateness")
      .doesNotContain("pump_trigger_fire_lateness_seconds_count{trigger=\"hook\"");
    assertThat(sample(text, "pump_source_cycles_total", "source=\"collector\"", "pipeline=\"main\"",
      "outcome=\"ok\"")).isZero();
    assertThat(sample(text, "pump_source_cycles_total", "source=\"collector\"", "pipeline=\"main\"",
      "outcome=\"failed\"")).isZero();
    assertThat(sample(text, "pump_source_cycle_duration_seconds_count", "source=\"collector\"",
      "pipeline=\"main\"")).isZero();
    assertThat(sample(text, "pump_pipeline_events_in_total", "pipeline=\"main\"")).isZero();
    assertThat(sample(text, "pump_pipeline_cycles_total", "pipeline=\"main\"")).isZero();
    assertThat(pump.webhook.fireCount()).as("nothing fired before the scrape").isZero();
  }

  @Test
  void aFailedCycleIsCountedAndTheReadyGaugeDrops() throws InterruptedException {
    pump.source.failNext = new IllegalStateException("boom");
    pump.post("/webhooks/hook", "{}");
    assertThat(pump.nextCycleFailed()).isTrue();

    String text = pump.get("/metrics").bodyAsString();

    assertThat(sample(text, "pump_source_cycles_total", "source=\"collector\"", "outcome=\"failed\"")).isEqualTo(1);
    assertThat(sample(text, "pump_pipeline_errors_total", "pipeline=\"main\"")).isEqualTo(1);
    assertThat(sample(text, "pump_pipeline_ready", "pipeline=\"main\"")).isZero();
    pump.pipeline.clearError();
    assertThat(sample(pump.get("/metrics").bodyAsString(), "pump_pipeline_ready", "pipeline=\"main\"")).isEqualTo(1);
  }

  @Test
  void bindingPipelinesTwiceRegistersEachMeterOnce() {
    SimpleMeterRegistry simple = new SimpleMeterRegistry();
    PumpMetrics twice = new PumpMetrics(simple, pump.app);

    twice.bindPipelines();
    twice.bindPipelines();

    assertThat(simple.find("pump.pipeline.ready").gauges()).hasSize(1);
    assertThat(simple.find("pump.pipeline.events.in").functionCounters()).hasSize(1);
  }

  @Test
  void aPipelineNotBoundYetIsBoundByItsFirstCycle() {
    SimpleMeterRegistry simple = new SimpleMeterRegistry();
    PumpMetrics lazy = new PumpMetrics(simple, pump.app);

    lazy.onCycle("collector", "main", Duration.ofMillis(3), false);

    assertThat(simple.get("pump.pipeline.ready").tag("pipeline", "main").gauge().value()).isEqualTo(1);
    assertThat(simple.get("pump.source.cycle.duration").tag("source", "collector").timer().count()).isEqualTo(1);
  }

  @Test
  void aFireMarkedEarlierThanItsSlotCountsAsOnTime() {
    SimpleMeterRegistry simple = new SimpleMeterRegistry();
    Instant slot = Instant.parse("2026-03-30T07:00:00Z");

    new PumpMetrics(simple, pump.app).onFire(pump.cron, new TriggerEvent("daily", "cron", null, slot,
      slot.minusMillis(5), "node-a", "daily@" + slot));

    assertThat(simple.get("pump.trigger.fire.lateness").timer().totalTime(TimeUnit.NANOSECONDS)).isZero();
  }

  @Test
  void theScrapeAnswers503WhenMetricsAreNotEnabled() throws Exception {
    Router router = Router.router(vertx);
    HttpErrors.install(router);
    PumpMetrics.mountScrape(router, Optional::empty);
    int port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
    WebClient client = WebClient.create(vertx);
    try {
      HttpResponse<Buffer> response = client.get(port, "127.0.0.1", "/metrics").send()
        .await(PumpFixture.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.bodyAsJsonObject().getString("error")).startsWith("metrics are not enabled");
    } finally {
      client.close();
    }
  }

  @Test
  void withPrometheusLeavesTheGivenOptionsAlone() {
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(3);

    VertxOptions enabled = PumpMetrics.withPrometheus(options);

    assertThat(options.getMetricsOptions()).isNotInstanceOf(MicrometerMetricsOptions.class);
    assertThat(enabled.getEventLoopPoolSize()).isEqualTo(3);
    assertThat(enabled.getMetricsOptions().isEnabled()).isTrue();
    assertThat(((MicrometerMetricsOptions) enabled.getMetricsOptions()).getPrometheusOptions().isEnabled()).isTrue();
  }

  @Test
  void theBuilderFindsTheMetricsFactoryByItselfOrTakesARegistryOfOnesOwn() {
    String found = "pump-found-" + UUID.randomUUID();
    String own = "pump-own-" + UUID.randomUUID();
    String none = "pump-none-" + UUID.randomUUID();
    PrometheusMeterRegistry mine = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<Vertx> instances = List.of(
      Vertx.builder().with(PumpMetrics.withPrometheus(new VertxOptions(), found)).build(),
      Vertx.builder().with(PumpMetrics.withPrometheus(new VertxOptions(), own))
        .withMetrics(new MicrometerMetricsFactory(mine)).build(),
      Vertx.builder().with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setRegistryName(none)))
        .build());
    try {
      assertThat(PumpMetrics.prometheusRegistry(found)).isPresent();
      assertThat(PumpMetrics.prometheusRegistry(own)).containsSame(mine);
      assertThat(PumpMetrics.prometheusRegistry(none)).isEmpty();
    } finally {
      instances.forEach(v -> v.close().await());
    }
    assertThat(PumpMetrics.prometheusRegistry(found)).as("closing Vert.x removes its registry").isEmpty();
  }

  /** The value of the one sample of {@code name} carrying every label given. */
  private static double sample(String text, String name, String... labels) {
    List<String> lines = text.lines()
      .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
      .filter(line -> Arrays.stream(labels).allMatch(line::contains))
      .toList();
    assertThat(lines).as("samples of %s with %s in:%n%s", name, Arrays.toString(labels), text).hasSize(1);
    String line = lines.get(0);
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }
}
