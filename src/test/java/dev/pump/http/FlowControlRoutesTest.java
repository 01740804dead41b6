package dev.pump.http;

import dev.pump.trigger.FlowControl;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Flow control of event triggers through their doors: webhook deliveries, manual fires, pub/sub
 * messages; the clock moved by hand and held fires released with {@code releaseDueFlow()}.
 */
@ExtendWith(VertxExtension.class)
class FlowControlRoutesTest {

  private PumpFixture pump;
  private final List<TriggerEvent> fired = new CopyOnWriteArrayList<>();

  private void start(Vertx vertx, Consumer<PumpFixture> flow) {
    pump = PumpFixture.start(vertx, f -> {
      ManagementApi.mount(ApiRouter.mount(f.app.router(), vertx, ApiAuth.create(null)), f.app, 1024, null);
      f.app.onFire((trigger, event) -> fired.add(event));
      flow.accept(f);
    });
  }

  @AfterEach
  void stop() {
    if (pump != null) {
      pump.close();
    }
  }

  @Test
  void aWebhookOverItsFlowRateLimitIs429AndCounted(Vertx vertx) {
    start(vertx, f -> f.webhook.withFlowControl(
      new FlowControl("/account_id", new FlowControl.Rate(1, Duration.ofMinutes(1)), null, null, null, 100)));

    assertThat(pump.post("/webhooks/hook", "{\"account_id\": \"a\"}").statusCode()).isEqualTo(202);
    HttpResponse<Buffer> second = pump.post("/webhooks/hook", "{\"account_id\": \"a\"}");
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(second.bodyAsJsonObject().getString("error")).isEqualTo("rate limit of 1 per PT1M exceeded for key 'a'");
    assertThat(pump.post("/webhooks/hook", "{\"account_id\": \"b\"}").statusCode()).isEqualTo(202);

    pump.clock.tick(Duration.ofMinutes(1));
    assertThat(pump.post("/webhooks/hook", "{\"account_id\": \"a\"}").statusCode()).isEqualTo(202);
    assertThat(fired).hasSize(3);
    JsonObject flow = pump.get("/api/triggers/hook").bodyAsJsonObject().getJsonObject("flow");
    assertThat(flow.getLong("dropped")).isEqualTo(1);
    assertThat(flow.getJsonObject("rateLimit")).isEqualTo(new JsonObject().put("limit", 1).put("period", "PT1M"));
  }

  @Test
  void debouncedManualFiresAreHeldThenFireOnceWithTheLastArgsAndTheCount(Vertx vertx) throws Exception {
    start(vertx, f -> f.pubsub.withFlowControl(new FlowControl(null, null,
      new FlowControl.Debounce(Duration.ofSeconds(5), Duration.ofMinutes(1)), null, null, 100)));

    HttpResponse<Buffer> first = pump.post("/api/triggers/forced/fire", "{\"n\": 1}");
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(first.bodyAsJsonObject()).isEqualTo(new JsonObject().put("trigger", "forced")
      .put("held", "debounced (1 event(s))"));
    pump.clock.tick(Duration.ofSeconds(2));
    pump.post("/api/triggers/forced/fire", "{\"n\": 2}");
    JsonObject stream = pump.get("/api/triggers/forced").bodyAsJsonObject().getJsonObject("flow")
      .getJsonArray("streams").getJsonObject(0);
    assertThat(stream.getJsonObject("debounce")).isEqualTo(new JsonObject().put("count", 2)
      .put("fireAt", "2026-03-30T06:59:07Z"));
    assertThat(pump.pubsub.releaseDueFlow()).isZero();

    pump.clock.tick(Duration.ofSeconds(5));
    assertThat(pump.pubsub.releaseDueFlow()).isEqualTo(1);
    assertThat(fired).singleElement().satisfies(event -> assertThat(event.args())
      .isEqualTo(new JsonObject().put("n", 2).put("debounce", new JsonObject().put("count", 2))));
    assertThat(pump.source.nextEvent().args().getJsonObject("debounce").getLong("count")).isEqualTo(2);
  }

  @Test
  void aBatchOfPubSubMessagesFiresOnceWithTheEventsInArrivalOrder(Vertx vertx) {
    start(vertx, f -> f.pubsub.withFlowControl(new FlowControl(null, null, null,
      new FlowControl.Batch(3, Duration.ofSeconds(30)), null, 100)));

    JsonObject reply = pump.app.pubSub().request("force.run", new JsonObject().put("n", 1)).await();
    assertThat(reply).isEqualTo(new JsonObject().put("trigger", "forced").put("held", "batched (1 of 3)"));
    pump.app.pubSub().request("force.run", new JsonObject().put("n", 2)).await();
    JsonObject third = pump.app.pubSub().request("force.run", new JsonObject().put("n", 3)).await();

    assertThat(third.getString("firing")).isNotNull();
    assertThat(fired).singleElement().satisfies(event -> assertThat(event.args().getJsonArray("events").stream()
      .map(e -> ((JsonObject) e).getInteger("n"))).containsExactly(1, 2, 3));
  }

  @Test
  void aThrottledManualFireWaitsThenIsRefusedWith429(Vertx vertx) {
    start(vertx, f -> f.pubsub.withFlowControl(new FlowControl(null, null, null, null,
      new FlowControl.Throttle(1, Duration.ofSeconds(10), 1), 100)));

    assertThat(pump.post("/api/triggers/forced/fire", "{}").bodyAsJsonObject().getString("firing")).isNotNull();
    assertThat(pump.post("/api/triggers/forced/fire", "{}").bodyAsJsonObject().getString("held"))
      .isEqualTo("throttled to 1 per PT10S: waiting (1 of at most 1)");
    HttpResponse<Buffer> third = pump.post("/api/triggers/forced/fire", "{}");
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.bodyAsJsonObject().getString("error")).isEqualTo("throttled to 1 per PT10S and 1 fire(s) already waiting");
    JsonObject stream = pump.get("/api/triggers/forced").bodyAsJsonObject().getJsonObject("flow")
      .getJsonArray("streams").getJsonObject(0);
    assertThat(stream.getString("nextAllowedAt")).isEqualTo("2026-03-30T06:59:10Z");
    assertThat(stream.getInteger("waiting")).isEqualTo(1);

    pump.clock.tick(Duration.ofSeconds(10));
    assertThat(pump.pubsub.releaseDueFlow()).isEqualTo(1);
    assertThat(fired).hasSize(2);
  }

  @Test
  void timeTriggersTakeBoundsNotFlowControl(Vertx vertx) {
    start(vertx, f -> { });
    assertThatThrownBy(() -> pump.cron.withFlowControl(new FlowControl(null, new FlowControl.Rate(1, Duration.ofSeconds(1)),
      null, null, null, 1))).isInstanceOf(IllegalArgumentException.class)
      .hasMessageStartingWith("flow control applies to event triggers");
  }
}
