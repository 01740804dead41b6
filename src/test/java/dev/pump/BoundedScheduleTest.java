package dev.pump;

import dev.pump.pipeline.Pipeline;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.testing.SettableClock;
import dev.pump.trigger.Backfill;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.PeriodicTrigger;
import dev.pump.trigger.TimeTrigger;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Bounded and shaped schedules in a running application, the clock moved by hand: startAt, endAt,
 * maxFires, exclusions and pauseOnFailure.
 */
@ExtendWith(VertxExtension.class)
class BoundedScheduleTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final ZoneId PRAGUE = ZoneId.of("Europe/Prague");

  private SettableClock clock;
  private PumpApplication app;
  private Pipeline pipeline;
  private RecordingSource source;
  private final List<Boolean> cycleFailed = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    clock = SettableClock.at("2026-12-23T20:00:00Z");
    app = PumpApplication.builder().vertx(vertx).clock(clock).nodeId("n1").build();
    pipeline = new Pipeline("p", new CollectingSink());
    source = new RecordingSource(app, pipeline);
  }

  @AfterEach
  void tearDown() throws Exception {
    app.close().await(20, TimeUnit.SECONDS);
  }

  private void startWith(TimeTrigger trigger) throws Exception {
    source.on(trigger);
    app.start().await(20, TimeUnit.SECONDS);
    // after the trigger's own listener: when the test hears of a cycle, the trigger has counted it
    app.onCycle((s, event, took, failed) -> cycleFailed.add(failed));
  }

  private void at(String iso, TimeTrigger trigger) throws Exception {
    clock.set(Instant.parse(iso));
    trigger.checkDue().await(20, TimeUnit.SECONDS);
  }

  private List<String> firings() {
    return source.cycleEvents().stream().map(TriggerEvent::firing).toList();
  }

  @Test
  void aBadExclusionIsRejectedWhenTheTriggerIsBuilt() {
    CronTrigger cron = new CronTrigger(app, "0 9 * * *", PRAGUE);
    assertThatThrownBy(() -> cron.withExclusions(List.of("2026-12-25", "xmas")))
      .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("\"xmas\" is not a date");
    assertThatThrownBy(() -> cron.withPauseOnFailure(-1)).hasMessageContaining("pauseOnFailure");
  }

  @Test
  void aHolidayCalendarKeepsItsDaysFromFiringAndCountsThem() throws Exception {
    CronTrigger cron = new CronTrigger(app, "0 9 * * *", PRAGUE).withId("daily");
    cron.withExclusions(List.of("2026-12-24..2026-12-26"));
    startWith(cron);
    // 09:00 in Prague is 08:00Z; the 24th to the 26th are excluded
    assertThat(cron.nextFireAt()).contains(Instant.parse("2026-12-27T08:00:00Z"));

    at("2026-12-27T08:00:00Z", cron);
    await().atMost(DEADLINE).until(() -> source.cycles() == 1);
    assertThat(firings()).containsExactly("daily@2026-12-27T08:00:00Z");
    JsonObject bounds = cron.snapshot().getJsonObject("bounds");
    assertThat(bounds.getLong("excludedSlots")).isEqualTo(3);
    assertThat(bounds.getString("words")).isEqualTo("except on 2026-12-24 to 2026-12-26");
    assertThat(bounds.getJsonArray("exclude").getList()).containsExactly("2026-12-24..2026-12-26");
  }

  @Test
  void maxFiresEndsTheScheduleAndTheSnapshotSaysWhy() throws Exception {
    CronTrigger cron = new CronTrigger(app, "0 * * * *", ZoneId.of("UTC")).withId("hourly");
    cron.withMaxFires(2);
    startWith(cron);

    at("2026-12-23T21:00:00Z", cron);
    at("2026-12-23T22:00:00Z", cron);
    at("2026-12-23T23:00:00Z", cron);

    assertThat(cron.fireCount()).isEqualTo(2);
    assertThat(cron.nextFireAt()).isEmpty();
    JsonObject snapshot = cron.snapshot();
    assertThat(snapshot.getString("nextFireAt")).isNull();
    assertThat(snapshot.getJsonObject("bounds").getString("ended")).isEqualTo("maxFires 2 reached");
    assertThat(snapshot.getJsonObject("bounds").getLong("fired")).isEqualTo(2);
  }

  @Test
  void aPeriodicTriggerWithStartAtCountsItsSlotsFromIt() throws Exception {
    PeriodicTrigger periodic = new PeriodicTrigger(app, Duration.ofMinutes(30)).withId("half-hourly");
    periodic.withStartAt(Instant.parse("2026-12-23T21:10:00Z")).withEndAt(Instant.parse("2026-12-23T21:40:00Z"));
    startWith(periodic);
    assertThat(periodic.nextFireAt()).contains(Instant.parse("2026-12-23T21:10:00Z"));

    at("2026-12-23T21:10:00Z", periodic);
    at("2026-12-23T21:40:00Z", periodic);
    at("2026-12-23T22:10:00Z", periodic);

    await().atMost(DEADLINE).until(() -> source.cycles() == 2);
    assertThat(firings()).containsExactly("half-hourly@2026-12-23T21:10:00Z", "half-hourly@2026-12-23T21:40:00Z");
    assertThat(periodic.ended()).contains("endAt 2026-12-23T21:40:00Z passed");
  }

  @Test
  void aPeriodicFireAtStartBeforeStartAtDoesNotHappen() throws Exception {
    PeriodicTrigger periodic = new PeriodicTrigger(app, Duration.ofHours(1)).withFireAtStart(true);
    periodic.withStartAt(Instant.parse("2026-12-24T00:00:00Z"));
    startWith(periodic);
    assertThat(periodic.fireCount()).isZero();
    assertThat(periodic.nextFireAt()).contains(Instant.parse("2026-12-24T00:00:00Z"));
  }

  @Test
  void failedCyclesInARowPauseTheTriggerWithTheReasonAndASuccessResetsTheCount() throws Exception {
    CronTrigger cron = new CronTrigger(app, "0 * * * *", ZoneId.of("UTC")).withId("hourly");
    cron.withPauseOnFailure(2);
    startWith(cron);

    failingCycleAt("2026-12-23T21:00:00Z", cron);
    assertThat(cron.consecutiveFailures()).isEqualTo(1);
    cycleAt("2026-12-23T22:00:00Z", cron, false);
    assertThat(cron.consecutiveFailures()).isZero();
    failingCycleAt("2026-12-23T23:00:00Z", cron);
    assertThat(cron.isPaused()).isFalse();
    failingCycleAt("2026-12-24T00:00:00Z", cron);

    await().atMost(DEADLINE).until(cron::isPaused);
    assertThat(cron.pausedReason()).contains(
      "paused after 2 failed cycle(s) in a row (pauseOnFailure: 2), the last for firing hourly@2026-12-24T00:00:00Z");
    assertThat(cron.snapshot().getString("pausedReason")).startsWith("paused after 2 failed cycle(s)");
    at("2026-12-24T01:00:00Z", cron);
    assertThat(cron.skippedWhilePaused()).isEqualTo(1);

    cron.resume();
    assertThat(cron.pausedReason()).isEmpty();
    assertThat(cron.consecutiveFailures()).isZero();
    cycleAt("2026-12-24T02:00:00Z", cron, false);
  }

  @Test
  void aBackfillLeavesExcludedSlotsOutAndCountsThem() throws Exception {
    CronTrigger cron = new CronTrigger(app, "0 9 * * *", PRAGUE).withId("daily");
    cron.withExclusions(List.of("2026-12-20"));
    startWith(cron);
    List<String> fired = new CopyOnWriteArrayList<>();
    app.onFire((trigger, event) -> fired.add(event.firing()));

    Backfill backfill = cron.backfill(Instant.parse("2026-12-18T00:00:00Z"), Instant.parse("2026-12-22T00:00:00Z"), 100)
      .await(20, TimeUnit.SECONDS);
    clock.set(clock.instant().plusSeconds(1));
    backfill.advance().await(20, TimeUnit.SECONDS);

    await().atMost(DEADLINE).until(() -> backfill.state() == Backfill.State.DONE);
    assertThat(fired).containsExactly("daily@2026-12-18T08:00:00Z", "daily@2026-12-19T08:00:00Z",
      "daily@2026-12-21T08:00:00Z");
    assertThat(backfill.toJson().getLong("excluded")).isEqualTo(1);
    assertThatThrownBy(() -> cron.backfill(Instant.parse("2026-12-18T00:00:00Z"), Instant.parse("2026-12-22T00:00:00Z"), 0)
      .await(20, TimeUnit.SECONDS)).hasMessage("rate must be a whole number of slots per second from 1 to 1000, got 0");
  }

  private void failingCycleAt(String iso, TimeTrigger trigger) throws Exception {
    source.failNextCycle(new IllegalStateException("the test failed this cycle"));
    cycleAt(iso, trigger, true);
    pipeline.clearError();
  }

  private void cycleAt(String iso, TimeTrigger trigger, boolean failed) throws Exception {
    int before = cycleFailed.size();
    at(iso, trigger);
    await().atMost(DEADLINE).until(() -> cycleFailed.size() == before + 1);
    assertThat(cycleFailed.get(before)).isEqualTo(failed);
  }
}
