package dev.pump.source;

import dev.pump.PumpApplication;
import dev.pump.pipeline.Pipeline;
import dev.pump.pipeline.Sink;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.RunOnceTrigger;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class ClockSourceTest {

  private final BlockingQueue<JsonObject> written = new LinkedBlockingQueue<>();
  private final Sink collecting = event -> {
    written.add(event);
    return Future.succeededFuture();
  };
  private PumpApplication app;

  @BeforeEach
  void setUp(Vertx vertx) {
    app = PumpApplication.builder().vertx(vertx).nodeId("node-a").build();
  }

  @AfterEach
  void tearDown() throws Exception {
    app.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void emitsTheTriggerEventWithItsArgs(Vertx vertx) throws Exception {
    new ClockSource(app, new Pipeline("heartbeat", collecting)).on(new PubSubTrigger(app, "t").withId("forced"));
    app.start().await(10, TimeUnit.SECONDS);

    vertx.eventBus().publish("t", new JsonObject().put("key", "value"));

    JsonObject event = written.poll(10, TimeUnit.SECONDS);
    assertThat(event).isNotNull();
    TriggerEvent read = TriggerEvent.fromJson(event);
    assertThat(read.trigger()).isEqualTo("forced");
    assertThat(read.type()).isEqualTo("pubsub");
    assertThat(read.args()).isEqualTo(new JsonObject().put("key", "value"));
    assertThat(read.node()).isEqualTo("node-a");
    assertThat(read.scheduledAt()).isNull();
    assertThat(read.firedAt()).isBeforeOrEqualTo(Instant.now());
    assertThat(read.firing()).isNotBlank();
    assertThat(event.fieldNames()).containsExactlyInAnyOrder(
      "trigger", "type", "args", "scheduledAt", "firedAt", "node", "firing");
  }

  @Test
  void emitsOneEventPerCycle(Vertx vertx) throws Exception {
    Pipeline pipeline = new Pipeline("heartbeat", collecting);
    new ClockSource(app, pipeline).on(new PubSubTrigger(app, "t"));
    BlockingQueue<Boolean> cycleFailed = new LinkedBlockingQueue<>();
    app.onCycle((source, event, took, failed) -> cycleFailed.add(failed));
    app.start().await(10, TimeUnit.SECONDS);

    for (int n = 1; n <= 3; n++) {
      vertx.eventBus().publish("t", new JsonObject().put("n", n));
      assertThat(cycleFailed.poll(10, TimeUnit.SECONDS)).isFalse();
      assertThat(written.poll(10, TimeUnit.SECONDS).getJsonObject("args").getInteger("n")).isEqualTo(n);
    }
    assertThat(written).isEmpty();
    assertThat(pipeline.counters().eventsOut()).isEqualTo(3);
  }

  @Test
  void emitsTheRunOnceFireAtStart() throws Exception {
    new ClockSource(app, new Pipeline("once", collecting)).on(new RunOnceTrigger(app).withId("at-start"));
    app.start().await(10, TimeUnit.SECONDS);

    JsonObject event = written.poll(10, TimeUnit.SECONDS);
    assertThat(event).isNotNull();
    assertThat(event.getString("trigger")).isEqualTo("at-start");
    assertThat(event.getString("type")).isEqualTo("runonce");
    assertThat(event.getJsonObject("args")).isEqualTo(new JsonObject());
  }
}
