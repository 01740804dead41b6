package dev.pump.http;

import dev.pump.trigger.TriggerEvent;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.pump.http.WebhookFixture.DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Headers made to trick: a forged delivery id, a token of other bytes that US-ASCII would turn into '?'. */
@ExtendWith(VertxExtension.class)
class WebhookHostileHeadersTest {

  private WebhookFixture pump;

  @BeforeEach
  void start(Vertx vertx) {
    pump = WebhookFixture.start(vertx, app -> List.of(new WebhookTrigger(app, "deploy").withId("deploy"),
      new WebhookTrigger(app, "guarded").withId("guarded").withToken("ab??")));
  }

  @AfterEach
  void stop() {
    pump.close();
  }

  @Test
  void anUnsignedWebhookIdIsKeptOnlyInsideTheTriggersNamespace() {
    String forged = "every-minute@2026-12-01T07:36:00Z";

    HttpResponse<Buffer> response = pump.post("/webhooks/deploy", "{}", "webhook-id", forged);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.bodyAsJsonObject().getString("firing")).isEqualTo("deploy/unsigned:" + forged);
    TriggerEvent event = await().atMost(DEADLINE).until(() -> pump.source.cycleEvents().stream()
      .filter(e -> e.trigger().equals("deploy")).findFirst().orElse(null), e -> e != null);
    assertThat(event.firing()).isEqualTo("deploy/unsigned:" + forged).isNotEqualTo(forged);
  }

  @Test
  void anUnsignedWebhookWithoutIdGetsAFiringIdNoCallerChose() {
    HttpResponse<Buffer> response = pump.post("/webhooks/deploy", "{}");

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.bodyAsJsonObject().getString("firing")).doesNotContain("unsigned:").isNotBlank();
  }

  @Test
  void aTokenIsComparedAsTheBytesSentNotAfterAnAsciiEncodingThatMakesThemQuestionMarks() throws Exception {
    // "ab" then the UTF-8 bytes of "é" (C3 A9): as US-ASCII they would read "ab??", the token
    byte[] utf8 = "ab\u00e9".getBytes(StandardCharsets.UTF_8);
    assertThat(rawStatus(utf8)).isEqualTo(401);
    assertThat(rawStatus("ab??".getBytes(StandardCharsets.US_ASCII))).isEqualTo(202);
  }

  /** Sends a webhook whose bearer token is exactly {@code token}'s bytes; returns the status. */
  private int rawStatus(byte[] token) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", pump.port)) {
      socket.setSoTimeout((int) DEADLINE.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write("POST /webhooks/guarded HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nAuthorization: Bearer "
        .getBytes(StandardCharsets.US_ASCII));
      out.write(token);
      out.write("\r\nConnection: close\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(statusLine.substring(9, 12));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"POST /webhooks/deploy HTTP/3.0\r\nHost: x\r\n\r\n",
    "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "POST /webhooks/deploy HTTP/1.2\r\nHost: x\r\n\r\n"})
  void anUnsupportedHttpVersionGetsAJson501AndTheConnectionClosedFiringNothing(String request) throws Exception {
    String answer = raw(request.getBytes(StandardCharsets.US_ASCII));

    assertThat(answer).matches("(?s)HTTP/\\d\\.\\d 501 .*").containsIgnoringCase("content-type: application/json")
      .contains("{\"error\":\"HTTP version not supported: this server speaks HTTP/1.1\"}");
    assertThat(pump.source.cycleEvents()).noneMatch(e -> e.trigger().equals("deploy"));
    pump.assertStillAnswers();
  }

  @Test
  void aWebSocketHandshakeIsRefusedAndTheServiceGoesOn() throws Exception {
    String answer = raw(("GET /webhooks/deploy HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
      .getBytes(StandardCharsets.US_ASCII));

    assertThat(answer).startsWith("HTTP/1.1 404 ");
    pump.assertStillAnswers();
  }

  /** Sends {@code request} as bytes; returns everything read until the server closes the connection. */
  private String raw(byte[] request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", pump.port)) {
      socket.setSoTimeout((int) DEADLINE.toMillis());
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
