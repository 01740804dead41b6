package dev.pump.http;

import dev.pump.PumpApplication;
import dev.pump.pipeline.Pipeline;
import dev.pump.source.SourceRuntime;
import dev.pump.source.TriggerSource;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Future;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.healthchecks.Status;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
class HealthRoutesTest {

  private PumpFixture pump;

  @AfterEach
  void stop() {
    if (pump != null) {
      pump.close();
    }
  }

  @Test
  void healthIsUpWhenEveryPipelineIsReady(Vertx vertx) {
    pump = PumpFixture.withApiAndHealth(vertx);

    HttpResponse<Buffer> response = pump.get("/health");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject health = response.bodyAsJsonObject();
    assertThat(health.getString("outcome")).isEqualTo("UP");
    assertThat(health.getJsonArray("checks")).containsExactly(
      new JsonObject().put("id", "pipeline.main").put("status", "UP"));
  }

  @Test
  void aFailedCycleMakesHealthDownUntilTheErrorIsCleared(Vertx vertx) throws InterruptedException {
    pump = PumpFixture.withApiAndHealth(vertx);
    pump.source.failNext = new IllegalStateException("disk full");
    pump.post("/api/triggers/hook/fire");
    assertThat(pump.nextCycleFailed()).isTrue();

    HttpResponse<Buffer> down = pump.get("/health");
    assertThat(down.statusCode()).isEqualTo(503);
    JsonObject check = down.bodyAsJsonObject().getJsonArray("checks").getJsonObject(0);
    assertThat(check.getString("id")).isEqualTo("pipeline.main");
    assertThat(check.getString("status")).isEqualTo("DOWN");
    assertThat(check.getJsonObject("data").getJsonObject("error").getString("message"))
      .isEqualTo("IllegalStateException: disk full");
    assertThat(check.getJsonObject("data").getJsonObject("error").getString("where")).isEqualTo("source 'collector'");

    assertThat(pump.post("/api/pipelines/main/clear-error").statusCode()).isEqualTo(200);
    assertThat(pump.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void aThrottledPipelineIsDownWithItsThrottles(Vertx vertx) {
    pump = PumpFixture.withApiAndHealth(vertx);

    pump.pipeline.throttle("backpressure");
    HttpResponse<Buffer> down = pump.get("/health");
    pump.pipeline.unthrottle("backpressure");

    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.bodyAsJsonObject().getString("outcome")).isEqualTo("DOWN");
    assertThat(down.bodyAsJsonObject().getJsonArray("checks").getJsonObject(0).getJsonObject("data"))
      .isEqualTo(new JsonObject().put("throttles", new JsonArray().add("backpressure")));
    assertThat(pump.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void livenessStaysUpWhileAPipelineIsFailingAndThrottledAndReadinessIsDown(Vertx vertx) throws InterruptedException {
    pump = PumpFixture.withApiAndHealth(vertx);
    pump.source.failNext = new IllegalStateException("sink down");
    pump.post("/api/triggers/hook/fire");
    assertThat(pump.nextCycleFailed()).isTrue();
    pump.pipeline.throttle("backpressure");

    HttpResponse<Buffer> live = pump.get("/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.bodyAsJsonObject().getString("outcome")).isEqualTo("UP");
    JsonObject check = live.bodyAsJsonObject().getJsonArray("checks").getJsonObject(0);
    assertThat(check.getString("id")).isEqualTo("eventLoops");
    assertThat(check.getString("status")).isEqualTo("UP");
    assertThat(check.getJsonObject("data").getInteger("eventLoops")).isPositive();

    assertThat(pump.get("/health/ready").statusCode()).isEqualTo(503);
    assertThat(pump.get("/health").statusCode()).isEqualTo(503);
  }

  @Test
  void readinessAndTheOldHealthRouteGiveTheSameAnswer(Vertx vertx) {
    pump = PumpFixture.withApiAndHealth(vertx);
    pump.pipeline.throttle("backpressure");

    HttpResponse<Buffer> ready = pump.get("/health/ready");
    HttpResponse<Buffer> health = pump.get("/health");

    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.bodyAsJsonObject()).isEqualTo(health.bodyAsJsonObject());
    assertThat(ready.bodyAsJsonObject().getJsonArray("checks").getJsonObject(0).getString("id"))
      .isEqualTo("pipeline.main");
    pump.pipeline.unthrottle("backpressure");
    assertThat(pump.get("/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void anEventLoopThatDoesNotTurnMakesTheLivenessCheckDown() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    CountDownLatch release = new CountDownLatch(1);
    try {
      ContextInternal asker = (ContextInternal) vertx.getOrCreateContext();
      // created while every loop turns: it finds them then, as HealthRoutes.mount does at start
      Handler<Promise<Status>> check = EventLoopsCheck.procedure(vertx, Duration.ofMillis(200));
      Promise<Status> turning = Promise.promise();
      asker.runOnContext(v -> check.handle(turning));
      assertThat(turning.future().await(PumpFixture.DEADLINE.toMillis(), TimeUnit.MILLISECONDS).isOk()).isTrue();
      EventExecutor stuck = StreamSupport.stream(((VertxInternal) vertx).nettyEventLoopGroup().spliterator(), false)
        .filter(loop -> loop != asker.nettyEventLoop()).findFirst().orElseThrow();
      stuck.execute(() -> {
        try {
          release.await(PumpFixture.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });

      Promise<Status> result = Promise.promise();
      asker.runOnContext(v -> check.handle(result));
      Status status = result.future().await(PumpFixture.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

      assertThat(status.isOk()).isFalse();
      assertThat(status.getData()).isEqualTo(new JsonObject().put("eventLoops", 2).put("answered", 1)
        .put("deadlineMs", 200L));
    } finally {
      release.countDown();
      vertx.close().await();
    }
  }

  @Test
  void theLivenessCheckRefusesADeadlineThatIsNotPositive(Vertx vertx) {
    assertThatThrownBy(() -> EventLoopsCheck.procedure(vertx, Duration.ZERO))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("deadline must be > 0, got PT0S");
  }

  @Test
  void aPipelineBuiltAfterMountingGetsItsCheck(Vertx vertx) {
    pump = PumpFixture.withApiAndHealth(vertx);

    Pipeline late = new Pipeline("late", event -> Future.succeededFuture());
    new IdleSource(pump.app, late);
    late.throttle("not yet");

    HttpResponse<Buffer> response = pump.get("/health");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.bodyAsJsonObject().getJsonArray("checks").stream()
      .map(c -> ((JsonObject) c).getString("id") + "=" + ((JsonObject) c).getString("status")))
      .containsExactlyInAnyOrder("pipeline.main=UP", "pipeline.late=DOWN");
  }

  @Test
  void anApplicationWithoutPipelinesIsUp(Vertx vertx) throws Exception {
    PumpApplication empty = PumpApplication.builder().vertx(vertx).build();
    HealthRoutes.mount(empty.router(), vertx, empty);
    int port = empty.listen(0, "127.0.0.1").await().actualPort();
    WebClient client = WebClient.create(vertx);
    try {
      HttpResponse<Buffer> response = client.get(port, "127.0.0.1", "/health").send()
        .await(PumpFixture.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("status", "UP").put("checks", new JsonArray()).put("outcome", "UP"));
    } finally {
      client.close();
      empty.close().await();
    }
  }

  /** A source that is never deployed: it only brings its pipeline into the application. */
  private static final class IdleSource extends TriggerSource {
    IdleSource(SourceRuntime runtime, Pipeline pipeline) {
      super(runtime, pipeline);
    }

    @Override
    protected void cycle(TriggerEvent event) {
    }
  }

  @Test
  void aFailingSinkMakesTheStatusDownWithWhyAndSinceWhenUntilItWritesAgain() {
    AtomicBoolean down = new AtomicBoolean(true);
    Pipeline pipeline = new Pipeline("flaky", event -> down.get()
      ? Future.failedFuture(new IOException("No space left on device"))
      : Future.succeededFuture())
      .withSinkRetry(Duration.ofMillis(5), Duration.ofMillis(20));

    Future<Void> processed = pipeline.process(new JsonObject());

    await().atMost(Duration.ofSeconds(10))
      .until(() -> pipeline.sinkFailure().isPresent());
    Status status = HealthRoutes.status(pipeline);
    assertThat(status.isOk()).isFalse();
    assertThat(status.getData().getJsonObject("sinkFailing").getString("message")).contains("No space left on device");
    assertThat(status.getData().getJsonObject("sinkFailing").getString("at")).isNotBlank();

    down.set(false);
    await().atMost(Duration.ofSeconds(10)).until(processed::succeeded);
    assertThat(HealthRoutes.status(pipeline).isOk()).isTrue();
  }

  @Test
  void theClusterCheckIsDownOnAMemberThatDoesNotSeeAQuorumAndSaysSo() {
    JsonObject quorum = new JsonObject().put("required", 2).put("present", false).put("since", "2026-12-03T09:00:00Z");
    JsonObject state = new JsonObject().put("active", true).put("name", "c").put("node", "node-a").put("size", 1)
      .put("safe", true).put("quorum", quorum);

    Status minority = HealthRoutes.clusterStatus(state);
    assertThat(minority.isOk()).isFalse();
    assertThat(minority.getData().getJsonObject("quorum")).isEqualTo(quorum);

    quorum.put("present", true);
    assertThat(HealthRoutes.clusterStatus(state).isOk()).isTrue();
    assertThat(HealthRoutes.clusterStatus(state.copy().put("active", false)).isOk()).as("not a member").isFalse();
  }
}
