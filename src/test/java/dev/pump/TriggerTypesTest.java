package dev.pump;

import dev.pump.pipeline.Pipeline;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.testing.SettableClock;
import dev.pump.trigger.OpportunisticTrigger;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.RunOnceTrigger;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Pub/sub, opportunistic and run-once triggers, each driving a real source. */
@ExtendWith(VertxExtension.class)
class TriggerTypesTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private SettableClock clock;
  private PumpApplication app;
  private RecordingSource source;

  @BeforeEach
  void setUp(Vertx vertx) {
    clock = SettableClock.at("2026-03-30T07:00:00Z");
    app = PumpApplication.builder().vertx(vertx).clock(clock).build();
    source = new RecordingSource(app, new Pipeline("p", new CollectingSink()));
  }

  @AfterEach
  void tearDown() throws Exception {
    source.releaseCycles();
    app.close().await(20, TimeUnit.SECONDS);
  }

  private void start() throws Exception {
    app.start().await(20, TimeUnit.SECONDS);
  }

  private TriggerEvent lastCycleEvent() {
    return source.cycleEvents().get(source.cycleEvents().size() - 1);
  }

  @Test
  void aPubSubJsonBodyBecomesArgsAndOtherBodiesAreWrapped(Vertx vertx) throws Exception {
    source.on(new PubSubTrigger(app, "force.run", "also.run"));
    start();

    Object[] bodies = {new JsonObject().put("key", "value"), "plain text", 42, true,
      new JsonArray().add(1).add(2), Buffer.buffer(new byte[] {1, 2, 3}), null};
    JsonObject[] expected = {
      new JsonObject().put("key", "value"),
      new JsonObject().put("body", "plain text"),
      new JsonObject().put("body", 42),
      new JsonObject().put("body", true),
      new JsonObject().put("body", new JsonArray().add(1).add(2)),
      new JsonObject().put("body", new byte[] {1, 2, 3}),
      new JsonObject()};
    for (int i = 0; i < bodies.length; i++) {
      int cycles = i + 1;
      vertx.eventBus().publish(i % 2 == 0 ? "force.run" : "also.run", bodies[i]);
      await().atMost(DEADLINE).until(() -> source.cycles() == cycles);
      assertThat(lastCycleEvent().args()).as("args for body %s", bodies[i]).isEqualTo(expected[i]);
    }
  }

  @Test
  void aPubSubRequestIsAnsweredWithTheFiringOrPaused(Vertx vertx) throws Exception {
    PubSubTrigger trigger = new PubSubTrigger(app, "ask").withId("asked");
    source.on(trigger);
    start();

    JsonObject reply = app.pubSub().request("ask", new JsonObject()).await(20, TimeUnit.SECONDS);
    assertThat(reply.getString("trigger")).isEqualTo("asked");
    await().atMost(DEADLINE).until(() -> source.cycles() == 1);
    assertThat(reply.getString("firing")).isEqualTo(lastCycleEvent().firing());

    trigger.pause();
    JsonObject paused = app.pubSub().request("ask", new JsonObject()).await(20, TimeUnit.SECONDS);
    assertThat(paused.getBoolean("paused")).isTrue();
    assertThat(trigger.skippedWhilePaused()).isEqualTo(1);
  }

  @Test
  void anOpportunisticTriggerFiresWhenIdleAtMostOncePerChilldown() throws Exception {
    OpportunisticTrigger idle = new OpportunisticTrigger(app).withChilldown(Duration.ofMinutes(10));
    source.on(idle);
    start();

    await().atMost(DEADLINE).until(() -> source.cycles() == 1); // idle at start
    idle.fireIfIdle().await(20, TimeUnit.SECONDS);
    clock.tick(Duration.ofMinutes(9));
    idle.fireIfIdle().await(20, TimeUnit.SECONDS);
    assertThat(idle.fireCount()).isEqualTo(1);

    clock.tick(Duration.ofMinutes(1));
    idle.fireIfIdle().await(20, TimeUnit.SECONDS);
    assertThat(idle.fireCount()).isEqualTo(2);
  }

  @Test
  void anOpportunisticTriggerWaitsWhileASourceCyclesOrAPipelineIsThrottled() throws Exception {
    OpportunisticTrigger idle = new OpportunisticTrigger(app).withChilldown(Duration.ofMillis(1));
    PubSubTrigger busy = new PubSubTrigger(app, "busy");
    RecordingSource other = new RecordingSource(app, new Pipeline("other", new CollectingSink()));
    other.on(busy);
    source.on(idle);
    other.holdCycles();
    start();
    await().atMost(DEADLINE).until(() -> idle.fireCount() >= 1);

    app.pubSub().publish("busy", new JsonObject());
    await().atMost(DEADLINE).until(other::isCycling);
    long fired = idle.fireCount();
    clock.tick(Duration.ofSeconds(1));
    idle.fireIfIdle().await(20, TimeUnit.SECONDS);
    assertThat(idle.fireCount()).isEqualTo(fired);

    other.releaseCycles();
    await().atMost(DEADLINE).until(() -> !other.isCycling());
    source.pipeline().throttle("full");
    clock.tick(Duration.ofSeconds(1));
    idle.fireIfIdle().await(20, TimeUnit.SECONDS);
    long whileThrottled = idle.fireCount();
    clock.tick(Duration.ofSeconds(1));
    idle.fireIfIdle().await(20, TimeUnit.SECONDS);
    assertThat(idle.fireCount()).isEqualTo(whileThrottled);

    source.pipeline().unthrottle("full");
    clock.tick(Duration.ofSeconds(1));
    idle.fireIfIdle().await(20, TimeUnit.SECONDS);
    assertThat(idle.fireCount()).isGreaterThan(whileThrottled);
  }

  @Test
  void aRunOnceTriggerFiresOnceWhenItsPipelineIsFirstReady() throws Exception {
    RunOnceTrigger once = new RunOnceTrigger(app).withId("at-start");
    source.on(once);
    source.pipeline().throttle("loading");
    start();
    assertThat(once.fireCount()).isEqualTo(1);
    await().during(Duration.ofMillis(200)).atMost(DEADLINE).until(() -> source.cycles() == 0);

    source.pipeline().unthrottle("loading");
    await().atMost(DEADLINE).until(() -> source.cycles() == 1);
    assertThat(lastCycleEvent().trigger()).isEqualTo("at-start");
    assertThat(lastCycleEvent().type()).isEqualTo("runonce");
    await().during(Duration.ofMillis(200)).atMost(DEADLINE).until(() -> source.cycles() == 1);
  }

  @Test
  void aManualFireCarriesItsArgsAndAPausedTriggerDoesNotFire() throws Exception {
    PubSubTrigger trigger = new PubSubTrigger(app, "unused");
    source.on(trigger);
    start();

    assertThat(trigger.fire(new JsonObject().put("by", "hand"))).isPresent();
    await().atMost(DEADLINE).until(() -> source.cycles() == 1);
    assertThat(lastCycleEvent().args().getString("by")).isEqualTo("hand");

    trigger.pause();
    assertThat(trigger.isPaused()).isTrue();
    assertThat(trigger.fire(new JsonObject())).isEmpty();
    trigger.resume();
    assertThat(trigger.fire(new JsonObject())).isPresent();
    await().atMost(DEADLINE).until(() -> source.cycles() == 2);
    assertThat(trigger.fireCount()).isEqualTo(2);
  }
}
