package dev.pump.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** From the moment shutdown begins, fires are refused with 503 rather than accepted and dropped. */
@ExtendWith(VertxExtension.class)
class ShutdownRefusalTest {

  private PumpFixture pump;

  @BeforeEach
  void start(Vertx vertx) {
    pump = PumpFixture.withApiAndHealth(vertx);
  }

  @AfterEach
  void stop() {
    pump.close();
  }

  @Test
  void webhooksAndManualFiresGet503WithRetryAfterOnceShutdownBegins() {
    assertThat(pump.post("/webhooks/hook", "{}").statusCode()).isEqualTo(202);
    long firedBefore = pump.webhook.fireCount();

    pump.app.beginClosing();
    HttpResponse<Buffer> webhook = pump.post("/webhooks/hook", "{}");
    HttpResponse<Buffer> manual = pump.post("/api/triggers/hook/fire", "{}");

    for (HttpResponse<Buffer> refused : java.util.List.of(webhook, manual)) {
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.getHeader("Retry-After")).isEqualTo("5");
      assertThat(refused.bodyAsJsonObject().getString("error")).startsWith("shutting down");
    }
    assertThat(pump.webhook.fireCount()).isEqualTo(firedBefore);
    assertThat(pump.get("/api/pipelines").statusCode()).as("reads still answer").isEqualTo(200);
  }
}
