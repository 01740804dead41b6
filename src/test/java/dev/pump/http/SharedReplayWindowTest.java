package dev.pump.http;

import dev.pump.trigger.WebhookTrigger;
import dev.pump.trigger.WebhookTrigger.Signature;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static dev.pump.http.WebhookFixture.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cluster's replay window and this node's quorum, on a Vert.x that is not clustered (its map is local):
 * what the window does when the quorum is gone before the write, or goes while the write is on its way.
 */
@ExtendWith(VertxExtension.class)
class SharedReplayWindowTest {

  private static final String MAP = "test-deliveries";
  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
    "0123456789abcdef0123456789abcdef".getBytes());

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable each : opened) {
      each.close();
    }
  }

  @Test
  void aWindowNeedsAQuorumToAskAndATtl(Vertx vertx) {
    assertThatThrownBy(() -> new SharedReplayWindow(vertx, "me", MAP, null)).hasMessage("quorumPresent");
    assertThatThrownBy(() -> new SharedReplayWindow(vertx, "me", MAP).record("hook", "id", 0))
      .hasMessage("ttlMillis must be at least 1, got 0");
  }

  @Test
  void aDeliveryIsRecordedOnceAndIsAReplayAfterwardsOnAnyWindowOfTheMap(Vertx vertx) {
    assertThat(within(new SharedReplayWindow(vertx, "a", MAP).record("hook", "msg", 60_000))).isTrue();
    assertThat(within(new SharedReplayWindow(vertx, "b", MAP).record("hook", "msg", 60_000))).isFalse();
  }

  @Test
  void aNodeWithoutTheQuorumRecordsNothing(Vertx vertx) {
    SharedReplayWindow alone = new SharedReplayWindow(vertx, "a", MAP, () -> false);

    assertThatThrownBy(() -> within(alone.record("hook", "msg", 60_000)))
      .isInstanceOf(SharedReplayWindow.NoQuorum.class)
      .hasMessage("this node does not see the cluster's quorum");
    assertThat(within(new SharedReplayWindow(vertx, "b", MAP).record("hook", "msg", 60_000)))
      .as("nothing was written: another node takes the delivery").isTrue();
  }

  @Test
  void aDeliveryWrittenAsTheQuorumIsLostIsNotAcceptedAndItsRecordIsRemoved(Vertx vertx) {
    SharedReplayWindow losing = new SharedReplayWindow(vertx, "a", MAP, presentOnlyBeforeTheWrite());

    assertThatThrownBy(() -> within(losing.record("hook", "msg", 60_000)))
      .isInstanceOf(SharedReplayWindow.NoQuorum.class)
      .hasMessage("this node lost the cluster's quorum while recording the delivery");
    assertThat(within(new SharedReplayWindow(vertx, "b", MAP).record("hook", "msg", 60_000)))
      .as("the sender's retry gets through where the quorum is").isTrue();
  }

  @Test
  void aWebhookWrittenAsTheQuorumIsLostIsAnswered503WithWhyAndDoesNotFire(Vertx vertx) {
    WebhookFixture pump = WebhookFixture.start(vertx, app -> List.of(
      new WebhookTrigger(app, "std").withId("std").withSecret(SECRET)));
    opened.add(pump);
    WebhookTrigger hook = pump.app.webhook("std").orElseThrow();
    // the fixture's application, served with a replay window whose node loses its quorum during each write
    HttpServer server = within(vertx.createHttpServer().requestHandler(HttpRoutes.applicationRouter(vertx,
        name -> name.equals("std") ? Optional.of(hook) : Optional.empty(), WebhookFixture.MAX_BODY, () -> false,
        new SharedReplayWindow(vertx, "a", MAP, presentOnlyBeforeTheWrite())))
      .listen(0, "127.0.0.1"));
    opened.add(() -> within(server.close()));
    WebClient client = WebClient.create(vertx);
    opened.add(client::close);
    long timestamp = System.currentTimeMillis() / 1000;
    String body = "{}";

    HttpResponse<Buffer> answer = within(client.post(server.actualPort(), "127.0.0.1", "/webhooks/std")
      .putHeader("Content-Type", "application/json").putHeader("webhook-id", "msg_1")
      .putHeader("webhook-timestamp", Long.toString(timestamp))
      .putHeader("webhook-signature", WebhookFixture.standardSignature(
        WebhookTrigger.keyOf(SECRET, Signature.STANDARD), "msg_1", timestamp, body))
      .sendBuffer(Buffer.buffer(body)));

    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(503);
    assertThat(answer.getHeader("Retry-After")).isEqualTo("5");
    assertThat(answer.bodyAsJsonObject().getString("error"))
      .isEqualTo("this node lost the cluster's quorum while recording the delivery: cannot tell whether another "
        + "node took this delivery; retry later");
    pump.assertStillAnswers();
    assertThat(pump.source.cycleEvents()).extracting(e -> e.firing()).doesNotContain("msg_1");
  }

  /** A quorum seen when asked before the write and gone when asked after it, as if lost meanwhile. */
  private static BooleanSupplier presentOnlyBeforeTheWrite() {
    AtomicInteger asked = new AtomicInteger();
    return () -> asked.incrementAndGet() == 1;
  }
}
