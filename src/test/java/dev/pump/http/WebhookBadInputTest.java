package dev.pump.http;

import dev.pump.trigger.TriggerEvent;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static dev.pump.http.WebhookFixture.DEADLINE;
import static dev.pump.http.WebhookFixture.IDLE_TIMEOUT;
import static dev.pump.http.WebhookFixture.MAX_BODY;
import static dev.pump.http.WebhookFixture.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad input never costs a fire or the process: each case asserts the status, that the webhook did
 * not fire, and that the service still answers a valid webhook afterwards.
 */
@ExtendWith(VertxExtension.class)
class WebhookBadInputTest {

  private WebhookFixture pump;
  private WebhookTrigger hook;

  @BeforeEach
  void start(Vertx vertx) {
    pump = WebhookFixture.start(vertx, app -> List.of(hook = new WebhookTrigger(app, "deploy").withId("deploy")));
  }

  @AfterEach
  void stop() {
    pump.close();
  }

  /** One bad request: what is sent and the status it must get. */
  record Case(String name, HttpMethod method, String path, byte[] body, List<String> headers, int status) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case post(String name, String body, int status, String... headers) {
    return post(name, body.getBytes(StandardCharsets.UTF_8), status, headers);
  }

  private static Case post(String name, byte[] body, int status, String... headers) {
    return new Case(name, HttpMethod.POST, "/webhooks/deploy", body, List.of(headers), status);
  }

  private static Case request(String name, HttpMethod method, String path, int status) {
    return new Case(name, method, path, method == HttpMethod.POST ? "{}".getBytes() : null, List.of(), status);
  }

  static Stream<Case> badRequests() {
    return Stream.of(
      post("malformed JSON", "{not json", 400),
      post("truncated JSON", "{\"a\": [1, 2", 400),
      post("two JSON values", "{} {}", 400),
      post("a JSON array", "[1,2]", 400),
      post("a JSON string", "\"text\"", 400),
      post("a JSON number", "42", 400),
      post("JSON true", "true", 400),
      post("JSON null", "null", 400),
      post("100 000 nested arrays", "[".repeat(100_000) + "]".repeat(100_000), 400),
      post("100 000 nested objects", "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000), 400),
      post("1000 nested objects, readable but too deep to write", "{\"a\":".repeat(999) + "{}" + "}".repeat(999), 400),
      post("991 nested arrays in an object", "{\"a\":" + "[".repeat(990) + "]".repeat(990) + "}", 400),
      post("a number of 100 000 digits", "{\"n\":" + "9".repeat(100_000) + "}", 400),
      post("a number of 100 000 decimals", "{\"n\":0." + "1".repeat(100_000) + "}", 400),
      post("a number beyond double", "{\"n\":1e999999}", 400),
      post("a negative number beyond double", "{\"n\":-1e400}", 400),
      post("a string over the body limit", "{\"s\":\"" + "x".repeat((int) MAX_BODY) + "\"}", 413),
      post("invalid UTF-8", bytes("{\"a\":\"", new byte[] {(byte) 0xff, (byte) 0xfe}, "\"}"), 400),
      post("an overlong UTF-8 encoding", bytes("{\"a\":\"", new byte[] {(byte) 0xc0, (byte) 0xaf}, "\"}"), 400),
      post("a lone UTF-8 continuation byte", bytes("{\"", new byte[] {(byte) 0x80}, "\":1}"), 400),
      post("a NUL byte", bytes("{\"a\":1}", new byte[] {0}, ""), 400),
      post("text/plain", "{}", 415, "Content-Type", "text/plain"),
      post("a form", "a=1", 415, "Content-Type", "application/x-www-form-urlencoded"),
      post("multipart", "--x\r\n\r\n--x--", 415, "Content-Type", "multipart/form-data; boundary=x"),
      post("XML", "<a/>", 415, "Content-Type", "application/xml"),
      post("a garbage content type", "{}", 415, "Content-Type", ";;;"),
      post("10 MB with a Content-Length", new byte[10 * 1024 * 1024], 413),
      request("an unknown name", HttpMethod.POST, "/webhooks/nope", 404),
      request("an encoded traversal", HttpMethod.POST, "/webhooks/..%2f..%2fetc%2fpasswd", 404),
      request("an encoded dot-dot", HttpMethod.POST, "/webhooks/%2e%2e", 404),
      request("a double-encoded traversal", HttpMethod.POST, "/webhooks/..%252fdeploy", 404),
      request("a traversal to another webhook", HttpMethod.POST, "/webhooks/deploy%2f..%2fping", 404),
      request("a plain traversal", HttpMethod.POST, "/webhooks/../webhooks/nope", 404),
      request("an extra segment", HttpMethod.POST, "/webhooks/deploy/more", 404),
      request("no name", HttpMethod.POST, "/webhooks/", 404),
      request("GET", HttpMethod.GET, "/webhooks/deploy", 405),
      request("PUT", HttpMethod.PUT, "/webhooks/deploy", 405),
      request("DELETE", HttpMethod.DELETE, "/webhooks/deploy", 405),
      request("PATCH", HttpMethod.PATCH, "/webhooks/deploy", 405),
      new Case("headers of 16 KiB", HttpMethod.POST, "/webhooks/deploy", "{}".getBytes(),
        List.of("X-Big", "x".repeat(16 * 1024)), 431),
      new Case("a request line of 10 KiB", HttpMethod.POST, "/webhooks/deploy?" + "q".repeat(10 * 1024),
        "{}".getBytes(), List.of(), 414));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void aBadRequestIsRefusedAndFiresNothing(Case bad) {
    HttpResponse<Buffer> response = pump.send(bad.method(), bad.path(), bad.body() == null ? null
      : Buffer.buffer(bad.body()), bad.headers().toArray(String[]::new));

    assertThat(response.statusCode()).isEqualTo(bad.status());
    if (bad.method() != HttpMethod.HEAD) {
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
      assertThat(response.bodyAsJsonObject().getString("error")).isNotBlank();
    }
    assertThat(hook.fireCount()).isZero();
    pump.assertStillAnswers();
    assertThat(pump.source.cycleEvents()).allMatch(e -> e.trigger().equals("ping"));
  }

  // -----------------------------------------------------------------------------------------------
  // odd but valid: each fires exactly once

  static Stream<Case> oddButValidRequests() {
    return Stream.of(
      post("an empty body", "", 202),
      post("a blank body", " \r\n\t ", 202),
      post("an empty body sent as JSON", "", 202, "Content-Type", "application/json"),
      post("JSON with a charset", "{\"a\":1}", 202, "Content-Type", "application/json; charset=utf-8"),
      post("a +json media type", "{\"a\":1}", 202, "Content-Type", "application/cloudevents+json"),
      post("a string just under the body limit", "{\"s\":\"" + "x".repeat((int) MAX_BODY - 10) + "\"}", 202),
      post("a number of 900 digits", "{\"n\":" + "9".repeat(900) + "}", 202),
      post("900 nested arrays", "{\"a\":" + "[".repeat(900) + "]".repeat(900) + "}", 202),
      post("990 nested arrays in an object", "{\"a\":" + "[".repeat(989) + "]".repeat(989) + "}", 202),
      post("escaped and astral characters", "{\"a\":\"\\u0000\\ud83d\\ude00 \u00e9\u4e2d\"}", 202));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oddButValidRequests")
  void anOddButValidRequestFiresOnce(Case odd) {
    HttpResponse<Buffer> response = pump.send(odd.method(), odd.path(), Buffer.buffer(odd.body()),
      odd.headers().toArray(String[]::new));

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(hook.fireCount()).isEqualTo(1);
    await().atMost(DEADLINE).until(() -> pump.source.cycleEvents().stream()
      .anyMatch(e -> e.trigger().equals("deploy")));
    pump.assertStillAnswers();
  }

  // -----------------------------------------------------------------------------------------------
  // what a plain request cannot show

  @Test
  void tenMegabytesSentInChunksAreRefusedWith413() {
    HttpClient client = pump.vertx.createHttpClient();
    try {
      HttpClientResponse response = within(client.request(new RequestOptions().setMethod(HttpMethod.POST)
          .setHost("127.0.0.1").setPort(pump.port).setURI("/webhooks/deploy"))
        .compose(request -> {
          request.setChunked(true);
          Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
          for (int i = 0; i < 160; i++) {
            request.write(chunk);
          }
          request.end();
          return request.response();
        }));
      assertThat(response.statusCode()).isEqualTo(413);
    } finally {
      client.close();
    }
    assertThat(hook.fireCount()).isZero();
    pump.assertStillAnswers();
  }

  @Test
  void aClientSendingItsHeadersOneByteASecondIsCutOff() throws Exception {
    byte[] head = "POST /webhooks/deploy HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}"
      .getBytes(StandardCharsets.US_ASCII);
    try (Socket socket = new Socket("127.0.0.1", pump.port)) {
      socket.setSoTimeout(200);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      long deadline = System.nanoTime() + IDLE_TIMEOUT.multipliedBy(5).toNanos();
      boolean closed = false;
      int sent = 0;
      long nextByte = System.nanoTime();
      while (!closed && System.nanoTime() < deadline) {
        if (System.nanoTime() >= nextByte && sent < head.length) {
          try {
            out.write(head[sent++]);
            out.flush();
          } catch (IOException e) {
            closed = true;              // the server closed, and the write noticed first
          }
          nextByte += Duration.ofSeconds(1).toNanos();
        }
        closed |= readsEndOfStream(in);
      }
      assertThat(closed).as("the server closed the connection of a client that sent %d bytes of its head", sent)
        .isTrue();
      assertThat(sent).as("bytes sent before the server gave up").isLessThan(head.length);
    }
    assertThat(hook.fireCount()).isZero();
    pump.assertStillAnswers();
  }

  @Test
  void aClientSendingItsBodyOneByteASecondGets408() throws Exception {
    byte[] body = ("{\"a\":\"" + "x".repeat(30) + "\"}").getBytes(StandardCharsets.US_ASCII);
    try (Socket socket = new Socket("127.0.0.1", pump.port)) {
      socket.setSoTimeout(200);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /webhooks/deploy HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + body.length
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder answer = new StringBuilder();
      long deadline = System.nanoTime() + IDLE_TIMEOUT.multipliedBy(5).toNanos();
      int sent = 0;
      long nextByte = System.nanoTime();
      boolean closed = false;
      while (!closed && System.nanoTime() < deadline) {
        if (System.nanoTime() >= nextByte && sent < body.length) {
          try {
            out.write(body[sent++]);
            out.flush();
          } catch (IOException e) {
            closed = true;
          }
          nextByte += Duration.ofSeconds(1).toNanos();
        }
        closed |= readInto(in, answer);
      }
      assertThat(closed).as("the server closed the connection").isTrue();
      assertThat(answer.toString()).startsWith("HTTP/1.1 408 ").contains("\"error\":\"request not received within");
    }
    assertThat(hook.fireCount()).isZero();
    pump.assertStillAnswers();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "Content-Length: 100\r\n\r\n{\"a\":",
    "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"a\":",
    "Content-Length: 100\r\n\r\n"})
  void aClientThatStopsSendingItsBodyGets408BeforeTheIdleTimeoutClosesIt(String headAndPart) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", pump.port)) {
      socket.setSoTimeout(200);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /webhooks/deploy HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headAndPart)
        .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder answer = new StringBuilder();
      long deadline = System.nanoTime() + IDLE_TIMEOUT.multipliedBy(5).toNanos();
      boolean closed = false;
      while (!closed && System.nanoTime() < deadline) {
        closed = readInto(in, answer);
      }
      assertThat(closed).as("the server closed the connection").isTrue();
      assertThat(answer.toString()).startsWith("HTTP/1.1 408 ").contains("application/json")
        .contains("\"error\":\"request not received within");
    }
    assertThat(hook.fireCount()).isZero();
    pump.assertStillAnswers();
  }

  /** @return true at end of stream or a reset; false when nothing came within the socket's timeout */
  private static boolean readsEndOfStream(InputStream in) throws IOException {
    return readInto(in, new StringBuilder());
  }

  private static boolean readInto(InputStream in, StringBuilder answer) throws IOException {
    byte[] buffer = new byte[4096];
    try {
      int n = in.read(buffer);
      if (n < 0) {
        return true;
      }
      answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
      return false;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;                      // reset by the server
    }
  }

  // -----------------------------------------------------------------------------------------------
  // the event bus: whatever is published, the pub/sub trigger fires and nothing breaks

  @Test
  void pubSubMessagesOfEveryShapeFireWithoutBreakingAnything() {
    String huge = "y".repeat(5 * 1024 * 1024);
    Object[] bodies = {null, "text", 42, 4.5e300, true, new JsonArray().add(1).add("two"),
      Buffer.buffer(new byte[] {0, (byte) 0xff, 1}), new byte[] {(byte) 0xc0, (byte) 0xaf}, huge,
      new JsonObject().put("big", huge), new JsonObject()};
    for (Object body : bodies) {
      pump.vertx.eventBus().publish("bus.topic", body);
    }
    // garbage straight on the address sources consume: ignored, counted by the source
    pump.vertx.eventBus().publish("pump.trigger.deploy", "not an event");
    pump.vertx.eventBus().publish("pump.trigger.deploy", new JsonObject().put("trigger", 1));

    await().atMost(DEADLINE).until(() -> pump.bus.fireCount() == bodies.length);
    await().atMost(DEADLINE).until(() -> pump.source.cycleEvents().stream()
      .anyMatch(e -> e.trigger().equals("bus")));
    List<JsonObject> args = pump.source.cycleEvents().stream().filter(e -> e.trigger().equals("bus"))
      .map(TriggerEvent::args).toList();
    assertThat(args).allSatisfy(a -> assertThat(a).isNotNull());
    assertThat(hook.fireCount()).isZero();
    pump.assertStillAnswers();
    // and a request/reply sender of an odd body gets its answer
    JsonObject reply = (JsonObject) within(pump.vertx.eventBus().request("bus.topic", "ping?",
      new DeliveryOptions().setSendTimeout(DEADLINE.toMillis()))).body();
    assertThat(reply.getString("trigger")).isEqualTo("bus");
  }

  @Test
  void pubSubArgumentsWrapEveryBodyThatIsNotAnObject() {
    pump.vertx.eventBus().publish("bus.topic", new JsonArray().add("a"));

    await().atMost(DEADLINE).until(() -> pump.source.cycleEvents().stream().anyMatch(e -> e.trigger().equals("bus")));
    TriggerEvent event = pump.source.cycleEvents().stream().filter(e -> e.trigger().equals("bus")).findFirst()
      .orElseThrow();
    assertThat(event.args()).isEqualTo(new JsonObject().put("body", new JsonArray().add("a")));
  }

  private static byte[] bytes(String head, byte[] middle, String tail) {
    byte[] a = head.getBytes(StandardCharsets.UTF_8);
    byte[] c = tail.getBytes(StandardCharsets.UTF_8);
    byte[] all = Arrays.copyOf(a, a.length + middle.length + c.length);
    System.arraycopy(middle, 0, all, a.length, middle.length);
    System.arraycopy(c, 0, all, a.length + middle.length, c.length);
    return all;
  }
}
