package dev.pump.http;

import dev.pump.trigger.Trigger;
import dev.pump.trigger.TriggerEvent;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static dev.pump.http.PumpFixture.DEADLINE;
import static dev.pump.http.PumpFixture.NINE_IN_PRAGUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
class FiringLogTest {

  private PumpFixture pump;
  private FiringLog log;

  @BeforeEach
  void start(Vertx vertx) {
    pump = PumpFixture.start(vertx, f -> { });
    log = new FiringLog(vertx, pump.app, 100);
    log.start().await();
  }

  @AfterEach
  void stop() {
    log.stop().await();
    pump.close();
  }

  @Test
  void refusesMissingArgumentsAndACapacityBelowOne(Vertx vertx) {
    assertThatNullPointerException().isThrownBy(() -> new FiringLog(null, pump.app, 1)).withMessage("vertx");
    assertThatNullPointerException().isThrownBy(() -> new FiringLog(vertx, null, 1)).withMessage("view");
    assertThatIllegalArgumentException().isThrownBy(() -> new FiringLog(vertx, pump.app, 0))
      .withMessage("capacity must be >= 1, got 0");
    assertThatIllegalArgumentException().isThrownBy(() -> log.recent(-1)).withMessage("n must be >= 0, got -1");
  }

  @Test
  void recordsEveryFireOfEveryTriggerNewestFirst() {
    TriggerEvent first = pump.webhook.fire(new JsonObject().put("a", 1)).orElseThrow();
    pump.app.pubSub().publish("force.run", new JsonObject());

    List<JsonObject> recent = awaitEntries(2);

    assertThat(recent.get(0).getString("trigger")).isEqualTo("forced");
    assertThat(recent.get(0).getString("type")).isEqualTo("pubsub");
    assertThat(recent.get(1)).isEqualTo(new JsonObject()
      .put("trigger", "hook").put("type", "webhook").put("scheduledAt", null)
      .put("firedAt", first.firedAt().toString()).put("node", "node-a").put("firing", first.firing())
      .put("latenessMs", null).put("outcome", "fired"));
  }

  @Test
  void latenessIsTheTimeFromTheSlotToTheFire() {
    pump.clock.set(NINE_IN_PRAGUE.plusMillis(250));
    pump.cron.checkDue().await();

    JsonObject entry = awaitEntries(1).get(0);

    assertThat(entry.getString("firing")).isEqualTo("daily@2026-03-30T07:00:00Z");
    assertThat(entry.getString("scheduledAt")).isEqualTo("2026-03-30T07:00:00Z");
    assertThat(entry.getString("firedAt")).isEqualTo("2026-03-30T07:00:00.250Z");
    assertThat(entry.getLong("latenessMs")).isEqualTo(250);
  }

  @Test
  void keepsOnlyTheLastCapacityEntries(Vertx vertx) {
    FiringLog small = new FiringLog(vertx, pump.app, 3);
    small.start().await();
    try {
      for (int i = 0; i < 5; i++) {
        pump.webhook.fire(new JsonObject().put("i", i));
      }
      await().atMost(DEADLINE).until(() -> log.recent(10).size() == 5);

      assertThat(small.recent(10)).hasSize(3);
      assertThat(small.recent(10).stream().map(e -> e.getString("firing")))
        .containsExactlyElementsOf(log.recent(3).stream().map(e -> e.getString("firing")).toList());
    } finally {
      small.stop().await();
    }
  }

  @Test
  void recentOfOneTriggerLeavesTheOthersOut() {
    pump.webhook.fire(null);
    pump.app.pubSub().publish("force.run", new JsonObject());
    pump.webhook.fire(null);
    awaitEntries(3);

    assertThat(log.recent("hook", 10)).hasSize(2).allMatch(e -> e.getString("trigger").equals("hook"));
    assertThat(log.recent("hook", 1)).hasSize(1);
    assertThat(log.recent("nope", 10)).isEmpty();
  }

  @Test
  void entriesAreCopiesThatCallersCannotChange() {
    pump.webhook.fire(null);
    awaitEntries(1).get(0).put("trigger", "changed");

    assertThat(log.recent(1).get(0).getString("trigger")).isEqualTo("hook");
  }

  @Test
  void listenersHearEachNewEntryUntilRemoved() {
    List<JsonObject> heard = new CopyOnWriteArrayList<>();
    Consumer<JsonObject> listener = heard::add;
    log.addListener(listener);

    TriggerEvent fired = pump.webhook.fire(null).orElseThrow();
    await().atMost(DEADLINE).until(() -> heard.size() == 1);
    assertThat(heard.get(0).getString("firing")).isEqualTo(fired.firing());

    log.removeListener(listener);
    pump.webhook.fire(null);
    awaitEntries(2);
    assertThat(heard).hasSize(1);
  }

  @Test
  void anOutcomeUpdatesTheEntryAndIsHeardAgain() {
    List<JsonObject> heard = new CopyOnWriteArrayList<>();
    log.addListener(heard::add);
    TriggerEvent fired = pump.webhook.fire(null).orElseThrow();
    awaitEntries(1);

    assertThat(log.recordOutcome(fired.firing(), "failed")).isTrue();
    assertThat(log.recordOutcome("unknown-firing", "ok")).isFalse();

    assertThat(log.recent(1).get(0).getString("outcome")).isEqualTo("failed");
    await().atMost(DEADLINE).until(() -> heard.size() == 2);
    assertThat(heard.get(1).getString("outcome")).isEqualTo("failed");
  }

  @Test
  void seesFiresPublishedByAnyoneOnTheTriggersAddressAndIgnoresOtherMessages(Vertx vertx) {
    TriggerEvent remote = new TriggerEvent("hook", "webhook", null, null, Instant.parse("2026-03-30T06:59:30Z"),
      "node-b", "from-node-b");
    vertx.eventBus().publish(Trigger.address("hook"), new JsonObject().put("not", "an event"));
    vertx.eventBus().publish(Trigger.address("hook"), remote.toJson());

    JsonObject entry = awaitEntries(1).get(0);

    assertThat(entry.getString("node")).isEqualTo("node-b");
    assertThat(entry.getString("firing")).isEqualTo("from-node-b");
    assertThat(log.recent(10)).hasSize(1);
  }

  @Test
  void afterStopNothingMoreIsRecordedButEntriesStay() {
    pump.webhook.fire(null);
    awaitEntries(1);

    log.stop().await();
    pump.webhook.fire(null);
    await().atMost(DEADLINE).until(() -> pump.webhook.fireCount() == 2);
    pump.app.pubSub().publish("force.run", new JsonObject());

    await().during(Duration.ofMillis(200)).atMost(DEADLINE).until(() -> log.recent(10).size() == 1);
  }

  @Test
  void refreshFollowsTriggersAddedAfterStart() {
    WebhookTrigger late = new WebhookTrigger(pump.app, "late").withId("late");
    pump.app.start().await();
    log.refresh().await();

    late.fire(null);

    await().atMost(DEADLINE).until(() -> log.recent("late", 1).size() == 1);
  }

  @Test
  void theTimelineCountsFiresPerTriggerAndMinuteOverTheLastHour() {
    Instant start = pump.clock.instant();                // 06:59:00Z
    pump.webhook.fire(null);
    pump.webhook.fire(null);
    pump.clock.set(start.plusSeconds(61));               // 07:00:01Z
    pump.webhook.fire(null);
    pump.app.pubSub().publish("force.run", new JsonObject());
    awaitEntries(4);

    JsonObject timeline = log.timeline(pump.clock.instant());

    assertThat(timeline.getString("from")).isEqualTo("2026-03-30T06:01:00Z");
    assertThat(timeline.getString("to")).isEqualTo("2026-03-30T07:01:00Z");
    assertThat(timeline.getInteger("bucketSeconds")).isEqualTo(60);
    JsonArray hook = timeline.getJsonObject("counts").getJsonArray("hook");
    assertThat(hook).hasSize(60);
    assertThat(hook.stream().skip(56).toList()).containsExactly(0, 0, 2, 1);
    assertThat(timeline.getJsonObject("counts").getJsonArray("forced").getInteger(59)).isEqualTo(1);
    assertThat(timeline.getJsonObject("counts").getJsonArray("daily").stream()).allMatch(n -> n.equals(0));

    JsonObject anHourLater = log.timeline(start.plus(Duration.ofMinutes(60)));
    assertThat(anHourLater.getJsonObject("counts").getJsonArray("hook").stream().skip(57).toList())
      .containsExactly(0, 0, 0);
    assertThat(anHourLater.getJsonObject("counts").getJsonArray("hook").getInteger(0)).isEqualTo(1);
  }

  private List<JsonObject> awaitEntries(int n) {
    await().atMost(DEADLINE).until(() -> log.recent(100).size() == n);
    return log.recent(100);
  }
}
