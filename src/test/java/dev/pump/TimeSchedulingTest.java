package dev.pump;

import dev.pump.pipeline.Pipeline;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.testing.SettableClock;
import dev.pump.testing.SteppableClock;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.PeriodicTrigger;
import dev.pump.trigger.Trigger;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The schedulers that wake time triggers (one timer per event loop for all of them): groups at one
 * slot, a clock stepped under them, and the JSON every other consumer of a trigger address sees.
 */
@ExtendWith(VertxExtension.class)
class TimeSchedulingTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private PumpApplication app;

  @AfterEach
  void tearDown() throws Exception {
    if (app != null) {
      app.close().await(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aGroupOfTriggersAtOneSlotFiresEachTriggerOnceAndNoneEarly(Vertx vertx) throws Exception {
    SettableClock clock = SettableClock.at("2026-03-30T07:02:10Z");
    app = PumpApplication.builder().vertx(vertx).clock(clock).nodeId("n1").build();
    List<TriggerEvent> fired = new CopyOnWriteArrayList<>();
    app.onFire((trigger, event) -> fired.add(event));
    List<Trigger> group = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      group.add(new CronTrigger(app, "*/5 * * * *", ZoneOffset.UTC).withId("cron-" + i));
    }
    for (int i = 0; i < 100; i++) { // due at the same instant, from another schedule
      group.add(new PeriodicTrigger(app, Duration.ofMinutes(5)).withId("periodic-" + i));
    }
    new RecordingSource(app, new Pipeline("p", new CollectingSink())).on(group.toArray(Trigger[]::new));
    app.start().await(20, TimeUnit.SECONDS);
    Instant slot = Instant.parse("2026-03-30T07:05:00Z");
    Instant periodicSlot = Instant.parse("2026-03-30T07:07:10Z");

    clock.set(slot.minusMillis(1));
    app.timeSchedulers().runDue().await(20, TimeUnit.SECONDS);
    assertThat(fired).isEmpty();

    clock.set(slot.plusMillis(3));
    app.timeSchedulers().runDue().await(20, TimeUnit.SECONDS);
    app.timeSchedulers().runDue().await(20, TimeUnit.SECONDS);
    assertThat(fired).hasSize(600).allSatisfy(event -> {
      assertThat(event.scheduledAt()).isEqualTo(slot);
      assertThat(event.firedAt()).isEqualTo(slot.plusMillis(3));
    });
    assertThat(fired.stream().map(TriggerEvent::trigger).distinct()).hasSize(600);

    clock.set(periodicSlot);
    app.timeSchedulers().runDue().await(20, TimeUnit.SECONDS);
    assertThat(fired).hasSize(700);
    assertThat(fired.subList(600, 700)).allSatisfy(event -> assertThat(event.scheduledAt()).isEqualTo(periodicSlot));
    assertThat(group).allSatisfy(trigger -> assertThat(trigger.fireCount()).isEqualTo(1));
  }

  @Test
  void theTimerAloneFiresAGroupAtItsSlotWithoutAnyoneAskingForIt(Vertx vertx) throws Exception {
    app = PumpApplication.builder().vertx(vertx).nodeId("n1").build();
    Map<String, List<Instant>> slots = new ConcurrentHashMap<>();
    app.onFire((trigger, event) -> slots.computeIfAbsent(trigger.id(), id -> new CopyOnWriteArrayList<>())
      .add(event.scheduledAt()));
    List<Trigger> group = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      group.add(new CronTrigger(app, "* * * * * *", ZoneOffset.UTC).withId("s" + i));
    }
    new RecordingSource(app, new Pipeline("p", new CollectingSink())).on(group.toArray(Trigger[]::new));
    app.start().await(20, TimeUnit.SECONDS);

    await().atMost(DEADLINE).until(() -> slots.size() == 200 && slots.values().stream().allMatch(l -> l.size() >= 2));
    app.close().await(20, TimeUnit.SECONDS);
    for (List<Instant> firedSlots : slots.values()) {
      assertThat(firedSlots).doesNotHaveDuplicates().isSorted();
    }
  }

  @Test
  void aClockSteppedBackAnHourFiresNothingEarlyOrTwiceAndSteppedForwardAgainFiresWithinSeconds(Vertx vertx)
      throws Exception {
    SteppableClock clock = new SteppableClock();
    app = PumpApplication.builder().vertx(vertx).clock(clock).nodeId("n1").build();
    List<TriggerEvent> fired = new CopyOnWriteArrayList<>();
    app.onFire((trigger, event) -> fired.add(event));
    CronTrigger everySecond = new CronTrigger(app, "* * * * * *", ZoneOffset.UTC).withId("tick");
    new RecordingSource(app, new Pipeline("p", new CollectingSink())).on(everySecond);
    app.start().await(20, TimeUnit.SECONDS);
    await().atMost(DEADLINE).until(() -> fired.size() >= 2);

    clock.step(Duration.ofHours(-1));
    int before = fired.size();
    // the armed slot is now an hour away: for a while, nothing fires (and certainly not early)
    await().during(Duration.ofMillis(2500)).atMost(DEADLINE).until(() -> fired.size() <= before + 1);

    clock.step(Duration.ofHours(1));
    int atStep = fired.size();
    await().atMost(DEADLINE).until(() -> fired.size() >= atStep + 3);
    assertThat(fired).allSatisfy(event -> assertThat(event.firedAt()).isAfterOrEqualTo(event.scheduledAt()));
    assertThat(fired.stream().map(TriggerEvent::firing)).doesNotHaveDuplicates();
    assertThat(fired.stream().map(TriggerEvent::scheduledAt)).isSorted();
  }

  @Test
  void aClockSteppedForwardAnHourFiresTheLatestMissedSlotWithinSeconds(Vertx vertx) throws Exception {
    SteppableClock clock = new SteppableClock();
    app = PumpApplication.builder().vertx(vertx).clock(clock).nodeId("n1").build();
    List<TriggerEvent> fired = new CopyOnWriteArrayList<>();
    app.onFire((trigger, event) -> fired.add(event));
    CronTrigger hourly = new CronTrigger(app, "0 0 * * * *", ZoneOffset.UTC).withId("hourly");
    new RecordingSource(app, new Pipeline("p", new CollectingSink())).on(hourly);
    app.start().await(20, TimeUnit.SECONDS);
    Instant armed = hourly.nextFireAt().orElseThrow();
    assertThat(fired).isEmpty();

    clock.step(Duration.ofHours(1));
    await().atMost(DEADLINE).until(() -> fired.size() == 1);
    assertThat(fired.get(0).scheduledAt()).isEqualTo(armed);
    assertThat(hourly.nextFireAt()).contains(armed.plus(Duration.ofHours(1)));
    await().during(Duration.ofMillis(1500)).atMost(DEADLINE).until(() -> fired.size() == 1);
  }

  @Test
  void aForeignConsumerOfTheTriggerAddressGetsTheDocumentedJsonAndItsOwnCopy(Vertx vertx) throws Exception {
    app = PumpApplication.builder().vertx(vertx).nodeId("n1").build();
    Trigger manual = new dev.pump.trigger.PubSubTrigger(app, "test.fire").withId("manual");
    RecordingSource source = new RecordingSource(app, new Pipeline("p", new CollectingSink()));
    source.on(manual);
    List<JsonObject> foreign = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Trigger.address("manual"), message -> {
      JsonObject body = message.body();
      foreign.add(body.copy());
      body.getJsonObject("args").put("tampered", true); // must not reach our source
    }).completion().await(20, TimeUnit.SECONDS);
    app.start().await(20, TimeUnit.SECONDS);

    TriggerEvent event = manual.fire(new JsonObject().put("key", "value")).orElseThrow();
    await().atMost(DEADLINE).until(() -> foreign.size() == 1 && source.cycles() == 1);

    JsonObject json = foreign.get(0);
    assertThat(json.fieldNames()).containsExactly("trigger", "type", "args", "scheduledAt", "firedAt", "node", "firing");
    assertThat(json.getString("trigger")).isEqualTo("manual");
    assertThat(json.getString("type")).isEqualTo("pubsub");
    assertThat(json.getJsonObject("args").getMap()).isEqualTo(Map.of("key", "value"));
    assertThat(json.getValue("scheduledAt")).isNull();
    assertThat(Instant.parse(json.getString("firedAt"))).isEqualTo(event.firedAt());
    assertThat(json.getString("node")).isEqualTo("n1");
    assertThat(json.getString("firing")).isEqualTo(event.firing()).startsWith("manual:");
    assertThat(TriggerEvent.fromJson(json)).isEqualTo(event);
    assertThat(source.cycleEvents().get(0).args().getMap()).isEqualTo(Map.of("key", "value"));
  }

  @Test
  void randomFiringIdsAreNamespacedByTriggerAndNeverRepeat(Vertx vertx) throws Exception {
    app = PumpApplication.builder().vertx(vertx).nodeId("n1").build();
    Trigger manual = new dev.pump.trigger.PubSubTrigger(app, "test.ids").withId("ids");
    app.start().await(20, TimeUnit.SECONDS);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(manual.fire(null).orElseThrow().firing());
    }
    assertThat(ids).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).startsWith("ids:"));
    assertThat(ids.stream().map(id -> id.substring(0, id.length() - 4)).collect(Collectors.toSet()).size())
      .isGreaterThan(1);
  }
}
