package dev.pump.pipeline;

import dev.pump.PumpApplication;
import dev.pump.source.ClockSource;
import dev.pump.trigger.PubSubTrigger;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
class HttpSinkTest {

  private static final HttpSink.Options FAST =
    new HttpSink.Options(5, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(5));

  private Vertx vertx;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpSink sink;
  private PumpApplication app;

  private record Received(String method, String contentType, JsonObject body) {
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
  }

  @AfterEach
  void tearDown() throws Exception {
    if (app != null) {
      app.close().await(10, TimeUnit.SECONDS);
    }
    if (sink != null) {
      sink.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Starts a fake remote on a free loopback port that records each request, then answers as told. */
  private String remote(Handler<HttpServerRequest> answer) throws Exception {
    HttpServer server = vertx.createHttpServer()
      .requestHandler(request -> request.body().onSuccess(body -> {
        received.add(new Received(request.method().name(), request.getHeader("Content-Type"),
          body.length() == 0 ? null : body.toJsonObject()));
        answer.handle(request);
      }))
      .listen(0, "127.0.0.1")
      .await(10, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + server.actualPort() + "/events";
  }

  private static Handler<HttpServerRequest> answering(int... statuses) {
    AtomicInteger calls = new AtomicInteger();
    return request -> {
      int n = Math.min(calls.getAndIncrement(), statuses.length - 1);
      request.response().setStatusCode(statuses[n]).end();
    };
  }

  @Test
  void rejectsAMalformedUrlNamingIt() {
    assertThatThrownBy(() -> new HttpSink(vertx, "not a url", FAST))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'not a url'");
    assertThatThrownBy(() -> new HttpSink(vertx, "ftp://example.com/x", FAST))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ftp://example.com/x'");
    assertThatThrownBy(() -> new HttpSink(vertx, "http:///path", FAST))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'http:///path'").hasMessageContaining("host");
    assertThatThrownBy(() -> new HttpSink(vertx, "/events", FAST))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'/events'");
  }

  @Test
  void rejectsOptionsThatCannotWorkNamingTheOption() {
    assertThatThrownBy(() -> new HttpSink.Options(0, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1)))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts").hasMessageContaining("0");
    assertThatThrownBy(() -> new HttpSink.Options(3, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1)))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBackoff");
    assertThatThrownBy(() -> new HttpSink.Options(3, Duration.ZERO, Duration.ZERO, Duration.ZERO))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
  }

  @Test
  void defaultsAreFiveAttemptsFrom200msUpTo10sWithA10sTimeout() {
    assertThat(HttpSink.Options.defaults()).isEqualTo(
      new HttpSink.Options(5, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(10)));
  }

  @Test
  void backoffDoublesAfterEachFailedAttemptUpToTheMaximum() {
    HttpSink.Options options = new HttpSink.Options(10, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1));

    assertThat(List.of(1, 2, 3, 4, 5, 9).stream().map(attempt -> HttpSink.backoff(options, attempt).toMillis()))
      .containsExactly(200L, 400L, 800L, 1000L, 1000L, 1000L);
  }

  @Test
  void postsTheEventAsJson() throws Exception {
    sink = new HttpSink(vertx, remote(answering(200)), FAST);

    sink.write(new JsonObject().put("key", "value")).await(10, TimeUnit.SECONDS);

    assertThat(received).containsExactly(new Received("POST", "application/json", new JsonObject().put("key", "value")));
    assertThat(sink.retries()).isZero();
  }

  @Test
  void retriesAServerThatAnswers500TwiceThenSucceedsOn202() throws Exception {
    sink = new HttpSink(vertx, remote(answering(500, 500, 202)), FAST);

    sink.write(new JsonObject().put("n", 1)).await(10, TimeUnit.SECONDS);

    assertThat(received).hasSize(3).allSatisfy(r -> assertThat(r.body()).isEqualTo(new JsonObject().put("n", 1)));
    assertThat(sink.retries()).isEqualTo(2);
    assertThat(sink.givenUp()).isZero();
  }

  @Test
  void givesUpAfterMaxAttemptsAgainstAServerThatAlwaysAnswers500() throws Exception {
    HttpSink.Options threeAttempts = new HttpSink.Options(3, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(5));
    String url = remote(answering(500));
    sink = new HttpSink(vertx, url, threeAttempts);

    assertThatThrownBy(() -> sink.write(new JsonObject()).await(10, TimeUnit.SECONDS))
      .isInstanceOf(IOException.class)
      .hasMessage("POST " + url + " gave up after 3 attempts; last one answered 500");
    assertThat(received).hasSize(3);
    assertThat(sink.givenUp()).isEqualTo(1);
    assertThat(sink.retries()).isEqualTo(2);
  }

  @Test
  void timesOutAgainstAServerThatNeverAnswers() throws Exception {
    HttpSink.Options quickTimeout = new HttpSink.Options(2, Duration.ofMillis(5), Duration.ofMillis(5), Duration.ofMillis(200));
    sink = new HttpSink(vertx, remote(request -> { /* never answers */ }), quickTimeout);

    assertThatThrownBy(() -> sink.write(new JsonObject()).await(10, TimeUnit.SECONDS))
      .isInstanceOf(IOException.class)
      .hasMessageContaining("gave up after 2 attempts")
      .hasMessageContaining("timed out");
    assertThat(received).hasSize(2);
    assertThat(sink.givenUp()).isEqualTo(1);
  }

  @Test
  void retriesAConnectionErrorAndSaysSoWhenGivingUp() throws Exception {
    HttpServer gone = vertx.createHttpServer().requestHandler(r -> r.response().end())
      .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    String url = "http://127.0.0.1:" + gone.actualPort() + "/events";
    gone.close().await(10, TimeUnit.SECONDS);
    HttpSink.Options twoAttempts = new HttpSink.Options(2, Duration.ofMillis(5), Duration.ofMillis(5), Duration.ofSeconds(5));
    sink = new HttpSink(vertx, url, twoAttempts);

    assertThatThrownBy(() -> sink.write(new JsonObject()).await(10, TimeUnit.SECONDS))
      .isInstanceOf(IOException.class)
      .hasMessageContaining("gave up after 2 attempts; last one failed");
    assertThat(sink.retries()).isEqualTo(1);
    assertThat(sink.givenUp()).isEqualTo(1);
  }

  @Test
  void failsWritesAfterClose() throws Exception {
    sink = new HttpSink(vertx, remote(answering(200)), FAST);
    sink.close().await(10, TimeUnit.SECONDS);

    assertThatThrownBy(() -> sink.write(new JsonObject()).await(10, TimeUnit.SECONDS))
      .isInstanceOf(IOException.class).hasMessageContaining("closed");
    assertThat(received).isEmpty();
  }

  @Test
  void aWorkerThatBlocksItsOwnContextOnAWriteDoesNotDeadlock() throws Exception {
    sink = new HttpSink(vertx, remote(answering(500, 202)), FAST);
    CompletableFuture<String> outcome = new CompletableFuture<>();
    DeploymentOptions oneWorkerThread = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)
      .setWorkerPoolName("http-sink-test-worker").setWorkerPoolSize(1);

    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        // blocks the only thread of this worker context, as a source's cycle may
        try {
          sink.write(new JsonObject()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
          outcome.complete("written on " + Thread.currentThread().getName());
        } catch (Exception e) {
          outcome.complete("failed: " + e);
        }
        return Future.succeededFuture();
      }
    }, oneWorkerThread).await(10, TimeUnit.SECONDS);

    assertThat(outcome.get(10, TimeUnit.SECONDS)).startsWith("written on http-sink-test-worker");
    assertThat(received).hasSize(2);
  }

  @Test
  void completesWritesOnItsOwnEventLoopNotOnTheCallersContext() throws Exception {
    sink = new HttpSink(vertx, remote(answering(200)), FAST);
    CompletableFuture<Boolean> onCallersContext = new CompletableFuture<>();

    vertx.executeBlocking(() -> {
      Context caller = Vertx.currentContext();
      sink.write(new JsonObject()).onComplete(ar -> onCallersContext.complete(Vertx.currentContext() == caller));
      return null;
    }).await(10, TimeUnit.SECONDS);

    assertThat(onCallersContext.get(10, TimeUnit.SECONDS)).isFalse();
  }

  @Test
  void aSourceWorkerWaitingOnTheSinkThroughRetriesDoesNotDeadlock() throws Exception {
    sink = new HttpSink(vertx, remote(answering(500, 202)), FAST);
    Pipeline pipeline = new Pipeline("to-http", sink);
    app = PumpApplication.create(vertx);
    new ClockSource(app, pipeline).on(new PubSubTrigger(app, "t").withId("forced"));
    BlockingQueue<Boolean> cycleFailed = new LinkedBlockingQueue<>();
    app.onCycle((source, event, took, failed) -> cycleFailed.add(failed));
    app.start().await(10, TimeUnit.SECONDS);

    vertx.eventBus().publish("t", new JsonObject().put("key", "value"));

    assertThat(cycleFailed.poll(10, TimeUnit.SECONDS)).as("cycle ended in time, without failure").isFalse();
    assertThat(received).hasSize(2);
    assertThat(received.get(1).body().getString("trigger")).isEqualTo("forced");
    assertThat(received.get(1).body().getJsonObject("args")).isEqualTo(new JsonObject().put("key", "value"));
    assertThat(pipeline.counters().eventsOut()).isEqualTo(1);
    assertThat(pipeline.isReady()).isTrue();
  }

  @Test
  void aSinkThatGivesUpLeavesThePipelineNotReadyUntilTheRemoteIsBackThenDeliversTheEvent() throws Exception {
    HttpSink.Options twoAttempts = new HttpSink.Options(2, Duration.ofMillis(5), Duration.ofMillis(5), Duration.ofSeconds(5));
    AtomicBoolean down = new AtomicBoolean(true);
    sink = new HttpSink(vertx, remote(request -> request.response().setStatusCode(down.get() ? 503 : 200).end()),
      twoAttempts);
    Pipeline pipeline = new Pipeline("to-http", sink).withSinkRetry(Duration.ofMillis(5), Duration.ofMillis(20));
    app = PumpApplication.create(vertx);
    new ClockSource(app, pipeline).on(new PubSubTrigger(app, "t"));
    BlockingQueue<Boolean> cycleFailed = new LinkedBlockingQueue<>();
    app.onCycle((source, event, took, failed) -> cycleFailed.add(failed));
    app.start().await(10, TimeUnit.SECONDS);

    vertx.eventBus().publish("t", new JsonObject());

    await().atMost(Duration.ofSeconds(10)).until(() -> sink.givenUp() >= 1 && pipeline.sinkFailure().isPresent());
    assertThat(pipeline.isReady()).isFalse();
    assertThat(pipeline.error()).isEmpty();
    assertThat(pipeline.sinkFailure().orElseThrow().message()).contains("gave up after 2 attempts; last one answered 503");

    down.set(false);

    assertThat(cycleFailed.poll(10, TimeUnit.SECONDS)).as("cycle ended in time, without failure").isFalse();
    assertThat(pipeline.isReady()).isTrue();
    assertThat(pipeline.counters().eventsOut()).isEqualTo(1);
    assertThat(pipeline.counters().eventsDropped()).isZero();
    assertThat(pipeline.counters().errors()).isZero();
  }

  @Test
  void whileTheSinkRetriesOnItsOwnThePipelineIsNotReady() throws Exception {
    HttpSink.Options manyAttempts = new HttpSink.Options(1000, Duration.ofMillis(5), Duration.ofMillis(5),
      Duration.ofSeconds(5));
    AtomicBoolean down = new AtomicBoolean(true);
    sink = new HttpSink(vertx, remote(request -> request.response().setStatusCode(down.get() ? 503 : 200).end()),
      manyAttempts);
    Pipeline pipeline = new Pipeline("to-http", sink);

    Future<Void> written = pipeline.process(new JsonObject());

    await().atMost(Duration.ofSeconds(10)).until(() -> sink.trouble().isPresent());
    assertThat(pipeline.isReady()).isFalse();
    assertThat(pipeline.snapshot().getString("sinkTrouble")).contains("answered 503");
    down.set(false);
    written.await(10, TimeUnit.SECONDS);
    assertThat(sink.trouble()).isEmpty();
    assertThat(pipeline.isReady()).isTrue();
    assertThat(sink.givenUp()).isZero();
  }
}
