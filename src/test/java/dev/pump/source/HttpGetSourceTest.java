package dev.pump.source;

import dev.pump.PumpApplication;
import dev.pump.pipeline.Pipeline;
import dev.pump.trigger.PubSubTrigger;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
class HttpGetSourceTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private Vertx vertx;
  private PumpApplication app;
  private final BlockingQueue<JsonObject> written = new LinkedBlockingQueue<>();
  private final BlockingQueue<Boolean> cycleFailed = new LinkedBlockingQueue<>();
  private final Pipeline pipeline = new Pipeline("fetched", event -> {
    written.add(event);
    return Future.succeededFuture();
  });

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    app = PumpApplication.create(vertx);
    app.onCycle((source, event, took, failed) -> cycleFailed.add(failed));
  }

  @AfterEach
  void tearDown() throws Exception {
    app.close().await(10, TimeUnit.SECONDS);
  }

  /** A fake remote on a free loopback port; the handler answers each GET. */
  private String remote(Handler<HttpServerRequest> answer) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(answer)
      .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + server.actualPort() + "/data";
  }

  private static Handler<HttpServerRequest> answering(int status, String body) {
    return request -> request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
  }

  /** Starts a source on {@code url}, fires it once and waits until the cycle has ended normally. */
  private HttpGetSource fetchOnce(String url, Duration timeout) throws Exception {
    HttpGetSource source = new HttpGetSource(app, pipeline, url, timeout);
    source.withId("getter").on(new PubSubTrigger(app, "t"));
    app.start().await(10, TimeUnit.SECONDS);
    fireAndAwaitCycle();
    return source;
  }

  private void fireAndAwaitCycle() throws InterruptedException {
    vertx.eventBus().publish("t", new JsonObject());
    assertThat(cycleFailed.poll(10, TimeUnit.SECONDS)).as("a cycle ended in time, without failure").isFalse();
  }

  private List<JsonObject> writtenEvents() {
    List<JsonObject> events = new ArrayList<>();
    written.drainTo(events);
    return events;
  }

  private void assertOneWarningAndStillReady(String expected) {
    assertThat(pipeline.counters().warnings()).isEqualTo(1);
    assertThat(pipeline.snapshot().getString("lastWarning")).isEqualTo("source 'getter': " + expected);
    assertThat(pipeline.isReady()).isTrue();
    assertThat(pipeline.error()).isEmpty();
    assertThat(written).isEmpty();
  }

  @Test
  void rejectsAMalformedUrlNamingItAndRegistersNothing() {
    assertThatThrownBy(() -> new HttpGetSource(app, pipeline, "htp:/nowhere", TIMEOUT))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'htp:/nowhere'");
    assertThatThrownBy(() -> new HttpGetSource(app, pipeline, "http://exa mple.com/", TIMEOUT))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'http://exa mple.com/'");
    assertThatThrownBy(() -> new HttpGetSource(app, pipeline, "http://localhost/", Duration.ZERO))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThat(app.sources()).isEmpty();
  }

  @Test
  void emitsAJsonObjectAsItIs() throws Exception {
    AtomicInteger gets = new AtomicInteger();
    String url = remote(request -> {
      gets.incrementAndGet();
      answering(200, "{\"temperature\":21.5,\"unit\":\"C\"}").handle(request);
    });

    fetchOnce(url, TIMEOUT);

    assertThat(writtenEvents()).containsExactly(new JsonObject().put("temperature", 21.5).put("unit", "C"));
    assertThat(gets).hasValue(1);
    assertThat(pipeline.counters().warnings()).isZero();
  }

  @Test
  void emitsAJsonArrayAsOneEventPerElementWrappingWhatIsNotAnObject() throws Exception {
    String url = remote(answering(200, "[{\"a\":1}, 2, \"three\", null, [4], {\"b\":5}]"));

    fetchOnce(url, TIMEOUT);

    assertThat(writtenEvents()).containsExactly(
      new JsonObject().put("a", 1),
      new JsonObject().put("value", 2),
      new JsonObject().put("value", "three"),
      new JsonObject().putNull("value"),
      new JsonObject().put("value", new JsonArray().add(4)),
      new JsonObject().put("b", 5));
  }

  @Test
  void fetchesAgainOnEveryFire() throws Exception {
    AtomicInteger gets = new AtomicInteger();
    String url = remote(request -> answering(200, "{\"n\":" + gets.incrementAndGet() + "}").handle(request));

    fetchOnce(url, TIMEOUT);
    fireAndAwaitCycle();

    assertThat(writtenEvents()).containsExactly(new JsonObject().put("n", 1), new JsonObject().put("n", 2));
  }

  @Test
  void warnsAboutA503AndStaysReady() throws Exception {
    String url = remote(answering(503, "{\"error\":\"busy\"}"));

    fetchOnce(url, TIMEOUT);

    assertOneWarningAndStillReady("GET " + url + " answered 503");
  }

  @Test
  void keepsFetchingAfterAWarning() throws Exception {
    AtomicInteger gets = new AtomicInteger();
    String url = remote(request -> answering(gets.incrementAndGet() == 1 ? 503 : 200, "{\"ok\":true}").handle(request));

    fetchOnce(url, TIMEOUT);
    fireAndAwaitCycle();

    assertThat(pipeline.counters().warnings()).isEqualTo(1);
    assertThat(writtenEvents()).containsExactly(new JsonObject().put("ok", true));
  }

  @Test
  void warnsAboutABodyThatIsNotJson() throws Exception {
    String url = remote(answering(200, "<html>hello</html>"));

    fetchOnce(url, TIMEOUT);

    assertThat(pipeline.snapshot().getString("lastWarning"))
      .startsWith("source 'getter': GET " + url + " answered 200 with a body that is not JSON");
    assertThat(pipeline.counters().warnings()).isEqualTo(1);
    assertThat(pipeline.isReady()).isTrue();
    assertThat(written).isEmpty();
  }

  @Test
  void warnsAboutAnEmptyBodyButNotAbout204() throws Exception {
    AtomicInteger gets = new AtomicInteger();
    String url = remote(request -> answering(gets.incrementAndGet() == 1 ? 200 : 204, "").handle(request));

    fetchOnce(url, TIMEOUT);
    fireAndAwaitCycle();

    assertThat(pipeline.counters().warnings()).isEqualTo(1);
    assertThat(pipeline.snapshot().getString("lastWarning")).contains("answered 200 with a body that is not JSON (empty body)");
    assertThat(written).isEmpty();
  }

  @Test
  void warnsAboutATimeoutAgainstAServerThatNeverAnswers() throws Exception {
    String url = remote(request -> { /* never answers */ });

    fetchOnce(url, Duration.ofMillis(200));

    assertOneWarningAndStillReady("GET " + url + " timed out after 200 ms");
  }

  @Test
  void warnsAboutAConnectionError() throws Exception {
    HttpServer gone = vertx.createHttpServer().requestHandler(r -> r.response().end())
      .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    String url = "http://127.0.0.1:" + gone.actualPort() + "/data";
    gone.close().await(10, TimeUnit.SECONDS);

    fetchOnce(url, TIMEOUT);

    assertThat(pipeline.snapshot().getString("lastWarning")).startsWith("source 'getter': GET " + url + " failed: ");
    assertThat(pipeline.counters().warnings()).isEqualTo(1);
    assertThat(pipeline.isReady()).isTrue();
  }
}
