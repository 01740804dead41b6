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

import java.util.List;

import static dev.pump.http.WebhookFixture.DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An unsigned webhook cannot choose the firing id its event carries. */
@ExtendWith(VertxExtension.class)
class WebhookFiringIdTest {

  private WebhookFixture pump;

  @BeforeEach
  void start(Vertx vertx) {
    pump = WebhookFixture.start(vertx, app -> List.of(new WebhookTrigger(app, "deploy").withId("deploy")));
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
}
