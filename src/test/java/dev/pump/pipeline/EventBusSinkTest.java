package dev.pump.pipeline;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
class EventBusSinkTest {

  @Test
  void rejectsABlankAddress(Vertx vertx) {
    assertThatThrownBy(() -> new EventBusSink(vertx, " "))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("address");
  }

  @Test
  void publishesEachEventToEveryConsumerOfTheAddress(Vertx vertx) throws Exception {
    BlockingQueue<JsonObject> first = new LinkedBlockingQueue<>();
    BlockingQueue<JsonObject> second = new LinkedBlockingQueue<>();
    MessageConsumer<JsonObject> a = vertx.eventBus().consumer("events.out", m -> first.add(m.body()));
    MessageConsumer<JsonObject> b = vertx.eventBus().consumer("events.out", m -> second.add(m.body()));
    a.completion().await(10, TimeUnit.SECONDS);
    b.completion().await(10, TimeUnit.SECONDS);
    EventBusSink sink = new EventBusSink(vertx, "events.out");

    sink.write(new JsonObject().put("n", 1)).await(10, TimeUnit.SECONDS);
    sink.write(new JsonObject().put("n", 2)).await(10, TimeUnit.SECONDS);

    assertThat(first.poll(10, TimeUnit.SECONDS)).isEqualTo(new JsonObject().put("n", 1));
    assertThat(first.poll(10, TimeUnit.SECONDS)).isEqualTo(new JsonObject().put("n", 2));
    assertThat(second.poll(10, TimeUnit.SECONDS)).isEqualTo(new JsonObject().put("n", 1));
    assertThat(second.poll(10, TimeUnit.SECONDS)).isEqualTo(new JsonObject().put("n", 2));
  }

  @Test
  void deliversThroughAPipeline(Vertx vertx) throws Exception {
    BlockingQueue<JsonObject> got = new LinkedBlockingQueue<>();
    vertx.eventBus().<JsonObject>consumer("events.out", m -> got.add(m.body())).completion().await(10, TimeUnit.SECONDS);
    Pipeline pipeline = new Pipeline("to-bus", List.of(e -> e.put("seen", true)),
      new EventBusSink(vertx, "events.out"));

    pipeline.process(new JsonObject().put("n", 1)).await(10, TimeUnit.SECONDS);

    assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo(new JsonObject().put("n", 1).put("seen", true));
    assertThat(pipeline.counters().eventsOut()).isEqualTo(1);
  }
}
