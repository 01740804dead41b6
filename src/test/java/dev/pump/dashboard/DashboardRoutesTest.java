package dev.pump.dashboard;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's routes over HTTP, without a browser: page, assets, stream and its auth, cron in words. */
class DashboardRoutesTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private DashboardFixture pump;
  private Vertx vertx;
  private WebClient client;

  private void start(DashboardFixture fixture) {
    pump = fixture;
    vertx = Vertx.vertx();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(fixture.port)
      .setFollowRedirects(false));
  }

  @AfterEach
  void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (pump != null) {
      pump.close();
    }
  }

  @Test
  void theRootAndUiWithoutSlashRedirectToTheDashboard() {
    start(new DashboardFixture(""));

    for (String path : new String[] {"/", "/ui"}) {
      HttpResponse<Buffer> response = get(path, null);
      assertThat(response.statusCode()).isEqualTo(302);
      assertThat(response.getHeader("Location")).isEqualTo("/ui/");
    }
  }

  @Test
  void servesThePageAndItsAssetsFromTheClassPathUnderAStrictPolicy() {
    start(new DashboardFixture(""));

    HttpResponse<Buffer> page = get("/ui/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(page.getHeader("Content-Security-Policy")).contains("default-src 'self'", "script-src 'self'");
    assertThat(page.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(page.bodyAsString()).contains("<title>vertx-pump dashboard</title>", "app.js", "app.css");

    HttpResponse<Buffer> script = get("/ui/app.js", null);
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.getHeader("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(get("/ui/app.css", null).getHeader("Content-Type")).isEqualTo("text/css; charset=utf-8");
    assertThat(get("/ui/favicon.svg", null).getHeader("Content-Type")).isEqualTo("image/svg+xml");

    HttpResponse<Buffer> again = send(client.request(HttpMethod.GET, "/ui/app.js")
      .putHeader("If-None-Match", script.getHeader("ETag")));
    assertThat(again.statusCode()).isEqualTo(304);

    HttpResponse<Buffer> missing = get("/ui/../pom.xml", null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(get("/ui/secret.txt", null).bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", "not found"));
  }

  @Test
  void thePageLoadsNothingFromAnotherOrigin() throws IOException {
    for (String file : new String[] {"index.html", "app.js", "app.css", "favicon.svg"}) {
      String text = resource("webroot/" + file);
      Matcher url = Pattern.compile("(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}").matcher(text);
      while (url.find()) {
        assertThat(url.group()).as("a URL in " + file).isEqualTo("http://www.w3.org"); // SVG namespace, not a fetch
      }
    }
  }

  @Test
  void theStreamSendsTheStateAtOnceAndEachFiringAsItHappens() throws Exception {
    start(new DashboardFixture("", () -> new JsonArray().add(new JsonObject().put("node", "node-a").put("self", true))));

    try (Sse sse = Sse.open(vertx, pump.port, "/api/stream", null)) {
      assertThat(sse.status).isEqualTo(200);
      assertThat(sse.contentType).isEqualTo("text/event-stream; charset=utf-8");
      JsonObject state = sse.next("state");
      assertThat(state.getString("node")).isEqualTo("node-a");
      assertThat(state.getBoolean("tokenRequired")).isFalse();
      assertThat(state.getJsonArray("triggers").stream().map(t -> ((JsonObject) t).getString("schedule")))
        .containsExactly("on each POST /webhooks/hook", "at 09:00, Monday to Friday");
      assertThat(state.getJsonArray("pipelines").getJsonObject(0).getString("id")).isEqualTo("orders");
      assertThat(state.getJsonArray("pipelines").getJsonObject(0).getJsonArray("sources")).hasSize(1);
      assertThat(state.getJsonArray("firings")).isEmpty();
      assertThat(state.getJsonObject("timeline").getJsonObject("counts").fieldNames())
        .containsExactlyInAnyOrder("hook", "weekday-nine");
      assertThat(state.getJsonArray("members").getJsonObject(0).getString("node")).isEqualTo("node-a");

      String firing = pump.webhook.fire(null).orElseThrow().firing();

      assertThat(sse.next("firing").getString("firing")).isEqualTo(firing);
      JsonObject later = sse.next("state");
      assertThat(later.getJsonArray("firings").getJsonObject(0).getString("firing")).isEqualTo(firing);
      assertThat(later.getJsonArray("triggers").getJsonObject(0).getLong("fireCount")).isEqualTo(1);
    }
  }

  @Test
  void withoutClusterTheMembersAreNull() throws Exception {
    start(new DashboardFixture(""));

    try (Sse sse = Sse.open(vertx, pump.port, "/api/stream", null)) {
      JsonObject state = sse.next("state");
      assertThat(state.containsKey("members")).isTrue();
      assertThat(state.getValue("members")).isNull();
    }
  }

  @Test
  void withATokenTheStreamTakesItAsHeaderOrAsQueryParameterAndNothingElse() throws Exception {
    start(new DashboardFixture("s3cret"));

    try (Sse none = Sse.open(vertx, pump.port, "/api/stream", null)) {
      assertThat(none.status).isEqualTo(401);
      assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
    }
    try (Sse wrong = Sse.open(vertx, pump.port, "/api/stream?access_token=guess", null)) {
      assertThat(wrong.status).isEqualTo(401);
      assertThat(wrong.body()).contains("invalid bearer token");
    }
    try (Sse query = Sse.open(vertx, pump.port, "/api/stream?access_token=s3cret", null)) {
      assertThat(query.status).isEqualTo(200);
      assertThat(query.next("state").getBoolean("tokenRequired")).isTrue();
    }
    try (Sse header = Sse.open(vertx, pump.port, "/api/stream", "Bearer s3cret")) {
      assertThat(header.status).isEqualTo(200);
    }
    // the query parameter is for the event stream only
    assertThat(get("/api/triggers?access_token=s3cret", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/triggers", "Bearer s3cret").statusCode()).isEqualTo(200);
  }

  @Test
  void cronDescribeGivesTheWordsOrTheMessageOfAnInvalidExpression() {
    start(new DashboardFixture(""));

    HttpResponse<Buffer> ok = get("/api/cron/describe?expr=" + encode("*/5 * * * 1-5"), null);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("expr", "*/5 * * * 1-5").put("description", "every 5 minutes, Monday to Friday"));

    HttpResponse<Buffer> bad = get("/api/cron/describe?expr=" + encode("61 * * * *"), null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("error")).startsWith("expr: ").contains("minute 61 is out of range 0-59");

    assertThat(get("/api/cron/describe", null).statusCode()).isEqualTo(400);
  }

  @Test
  void cronDescribeReadsTheQuartzDayFormsAndRefusesAScheduleThatNeverFires() {
    start(new DashboardFixture(""));

    assertThat(get("/api/cron/describe?expr=" + encode("0 17 ? * 5L"), null).bodyAsJsonObject()
      .getString("description")).isEqualTo("at 17:00, on the last Friday of the month");
    assertThat(get("/api/cron/describe?expr=" + encode("0 9 ? * MON#1"), null).bodyAsJsonObject()
      .getString("description")).isEqualTo("at 09:00, on the first Monday of the month");

    HttpResponse<Buffer> never = get("/api/cron/describe?expr=" + encode("0 0 30 2 *"), null);
    assertThat(never.statusCode()).isEqualTo(400);
    assertThat(never.bodyAsJsonObject().getString("error"))
      .isEqualTo("expr: \"0 0 30 2 *\": never fires: February has no day 30");
  }

  @Test
  void cronDescribeIsBehindTheSameAuth() {
    start(new DashboardFixture("s3cret"));

    assertThat(get("/api/cron/describe?expr=" + encode("@daily"), null).statusCode()).isEqualTo(401);
    assertThat(get("/api/cron/describe?expr=" + encode("@daily"), "Bearer s3cret").bodyAsJsonObject()
      .getString("description")).isEqualTo("every day at 00:00");
  }

  @Test
  void theManagementApiListsATriggersRecentFiringsFromTheLog() {
    start(new DashboardFixture(""));
    String first = pump.webhook.fire(null).orElseThrow().firing();
    String second = pump.webhook.fire(null).orElseThrow().firing();
    org.awaitility.Awaitility.await().atMost(DEADLINE).until(() -> pump.log.recent(10).size() == 2);

    JsonArray recent = get("/api/triggers/hook", null).bodyAsJsonObject().getJsonArray("recentFirings");

    assertThat(recent.stream().map(f -> ((JsonObject) f).getString("firing"))).containsExactly(second, first);
    assertThat(get("/api/triggers/weekday-nine", null).bodyAsJsonObject().getJsonArray("recentFirings")).isEmpty();
  }

  // -------------------------------------------------------------------------------------------------

  private HttpResponse<Buffer> get(String path, String authorization) {
    var request = client.request(HttpMethod.GET, path);
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return send(request);
  }

  private static HttpResponse<Buffer> send(io.vertx.ext.web.client.HttpRequest<Buffer> request) {
    try {
      return request.send().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within " + DEADLINE, e);
    }
  }

  private static String encode(String text) {
    return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = DashboardRoutesTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A minimal Server-Sent Events reader: the response's status and headers, then events as they come. */
  private static final class Sse implements AutoCloseable {
    private final HttpClient http;
    private final StringBuilder raw = new StringBuilder();
    private final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
    private HttpClientResponse response;
    int status;
    String contentType;

    private Sse(HttpClient http) {
      this.http = http;
    }

    static Sse open(Vertx vertx, int port, String path, String authorization) throws Exception {
      HttpClient http = vertx.createHttpClient();
      Sse sse = new Sse(http);
      RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setURI(path);
      if (authorization != null) {
        options.putHeader("Authorization", authorization);
      }
      // the body handler is set as the response arrives, on its event loop, so no chunk is missed
      sse.response = http.request(options)
        .compose(request -> request.send().map(response -> response.handler(sse::onData)))
        .await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      sse.status = sse.response.statusCode();
      sse.contentType = sse.response.getHeader("Content-Type");
      return sse;
    }

    String header(String name) {
      return response.getHeader(name);
    }

    /** The whole body of a refusal. */
    String body() throws InterruptedException {
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      synchronized (raw) {
        while (raw.indexOf("}") < 0 && System.nanoTime() < deadline) {
          raw.wait(50);
        }
        return raw.toString();
      }
    }

    private void onData(Buffer data) {
      synchronized (raw) {
        raw.append(data.toString(StandardCharsets.UTF_8));
        raw.notifyAll();
        int end;
        while ((end = raw.indexOf("\n\n")) >= 0) {
          String block = raw.substring(0, end);
          raw.delete(0, end + 2);
          String event = null;
          String json = null;
          for (String line : block.split("\n")) {
            if (line.startsWith("event: ")) {
              event = line.substring(7);
            } else if (line.startsWith("data: ")) {
              json = line.substring(6);
            }
          }
          if (event != null && json != null) {
            events.add(new String[] {event, json});
          }
        }
      }
    }

    /** The next event named {@code name}, skipping others. */
    JsonObject next(String name) throws InterruptedException {
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (true) {
        String[] event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (event == null) {
          throw new AssertionError("no '" + name + "' event within " + DEADLINE);
        }
        if (event[0].equals(name)) {
          return new JsonObject(event[1]);
        }
      }
    }

    @Override
    public void close() {
      http.close().await();
    }
  }
}
