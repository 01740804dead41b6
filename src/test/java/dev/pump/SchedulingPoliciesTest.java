package dev.pump;

import dev.pump.pipeline.Pipeline;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.testing.SettableClock;
import dev.pump.trigger.CatchUp;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.FiringMode;
import dev.pump.trigger.SlotLedger;
import dev.pump.trigger.TimeTrigger;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Catch-up, starting deadline, jitter, spread and cluster claims of time triggers, driven by a
 * clock moved by hand and a ledger that remembers the last fired slot.
 */
@ExtendWith(VertxExtension.class)
class SchedulingPoliciesTest {

  private static final ZoneId UTC = ZoneId.of("UTC");

  private final SettableClock clock = SettableClock.at("2026-03-30T07:31:00Z");
  private final List<PumpApplication> apps = new ArrayList<>();
  private RecordingSource source;

  @AfterEach
  void tearDown() throws Exception {
    for (PumpApplication app : apps) {
      app.close().await(20, TimeUnit.SECONDS);
    }
  }

  private PumpApplication app(Vertx vertx, SlotLedger ledger) {
    PumpApplication app = PumpApplication.builder().vertx(vertx).clock(clock).slotLedger(ledger).build();
    apps.add(app);
    source = new RecordingSource(app, new Pipeline("p" + apps.size(), new CollectingSink()));
    return app;
  }

  private static SlotLedger ledgerWithLastSlot(String triggerId, String slot) {
    SlotLedger ledger = SlotLedger.inMemory();
    ledger.recordFired(triggerId, Instant.parse(slot));
    return ledger;
  }

  private void start(PumpApplication app, TimeTrigger trigger) throws Exception {
    source.on(trigger);
    app.start().await(20, TimeUnit.SECONDS);
  }

  private void at(String iso, TimeTrigger trigger) throws Exception {
    clock.set(Instant.parse(iso));
    trigger.checkDue().await(20, TimeUnit.SECONDS);
  }

  private static List<String> slotsOf(List<TriggerEvent> fired) {
    return fired.stream().map(e -> e.scheduledAt().toString()).toList();
  }

  /** Every fire the trigger published, in order, whether or not a cycle merged it. */
  private static List<TriggerEvent> firesOf(PumpApplication app) {
    List<TriggerEvent> fires = new ArrayList<>();
    app.onFire((t, e) -> fires.add(e));
    return fires;
  }

  @Test
  void illegalPolicyArgumentsAreRefused(Vertx vertx) {
    CronTrigger cron = new CronTrigger(app(vertx, SlotLedger.inMemory()), "* * * * *", UTC);
    assertThatThrownBy(() -> cron.withCatchUp(CatchUp.ALL, 0, null))
      .hasMessage("catchUpLimit must be at least 1, got 0");
    assertThatThrownBy(() -> cron.withCatchUp(CatchUp.ALL, 5, Duration.ZERO))
      .hasMessage("startingDeadline must be positive, got PT0S");
    assertThatThrownBy(() -> cron.withJitter(Duration.ofSeconds(-1)))
      .hasMessage("jitter must not be negative, got PT-1S");
  }

  @Test
  void withCatchUpNoneSlotsMissedWhileDownAreNotFired(Vertx vertx) throws Exception {
    PumpApplication app = app(vertx, ledgerWithLastSlot("c", "2026-03-30T07:00:00Z"));
    List<TriggerEvent> fires = firesOf(app);
    start(app, new CronTrigger(app, "*/5 * * * *", UTC).withId("c"));
    assertThat(fires).isEmpty();
  }

  @Test
  void withCatchUpLatestTheMostRecentSlotMissedWhileDownFiresOnceAtStart(Vertx vertx) throws Exception {
    PumpApplication app = app(vertx, ledgerWithLastSlot("c", "2026-03-30T07:00:00Z"));
    List<TriggerEvent> fires = firesOf(app);
    CronTrigger cron = new CronTrigger(app, "*/5 * * * *", UTC).withId("c");
    cron.withCatchUp(CatchUp.LATEST, 10, null);
    start(app, cron);

    assertThat(slotsOf(fires)).containsExactly("2026-03-30T07:30:00Z");
    assertThat(fires.get(0).firing()).isEqualTo("c@2026-03-30T07:30:00Z");
    assertThat(cron.caughtUpSlots()).isEqualTo(1);
    assertThat(cron.nextFireAt()).contains(Instant.parse("2026-03-30T07:35:00Z"));
  }

  @Test
  void withCatchUpAllTheMostRecentSlotsUpToTheLimitFireOldestFirst(Vertx vertx) throws Exception {
    PumpApplication app = app(vertx, ledgerWithLastSlot("c", "2026-03-30T07:00:00Z"));
    List<TriggerEvent> fires = firesOf(app);
    CronTrigger cron = new CronTrigger(app, "*/5 * * * *", UTC).withId("c");
    cron.withCatchUp(CatchUp.ALL, 3, null);
    start(app, cron);

    assertThat(slotsOf(fires)).containsExactly(
      "2026-03-30T07:20:00Z", "2026-03-30T07:25:00Z", "2026-03-30T07:30:00Z");
  }

  @Test
  void slotsOlderThanTheStartingDeadlineAreNeverCaughtUp(Vertx vertx) throws Exception {
    PumpApplication app = app(vertx, ledgerWithLastSlot("c", "2026-03-30T07:00:00Z"));
    List<TriggerEvent> fires = firesOf(app);
    CronTrigger cron = new CronTrigger(app, "*/5 * * * *", UTC).withId("c");
    cron.withCatchUp(CatchUp.ALL, 100, Duration.ofMinutes(12));
    start(app, cron);

    // 07:31 - 12 min = 07:19: 07:05, 07:10 and 07:15 are too old
    assertThat(slotsOf(fires)).containsExactly(
      "2026-03-30T07:20:00Z", "2026-03-30T07:25:00Z", "2026-03-30T07:30:00Z");
  }

  @Test
  void aClockSteppedForwardFollowsTheCatchUpPolicyForTheSlotsItSkipped(Vertx vertx) throws Exception {
    clock.set(Instant.parse("2026-03-30T07:02:00Z"));
    PumpApplication app = app(vertx, SlotLedger.inMemory());
    List<TriggerEvent> fires = firesOf(app);
    CronTrigger cron = new CronTrigger(app, "*/5 * * * *", UTC).withId("c");
    cron.withCatchUp(CatchUp.ALL, 4, null);
    start(app, cron);

    at("2026-03-30T07:41:00Z", cron);  // the clock jumps 39 minutes: 07:05 ... 07:40 were skipped
    assertThat(slotsOf(fires)).containsExactly("2026-03-30T07:25:00Z", "2026-03-30T07:30:00Z",
      "2026-03-30T07:35:00Z", "2026-03-30T07:40:00Z");
    assertThat(cron.missedSlots()).isEqualTo(4);
    at("2026-03-30T07:41:00Z", cron);
    assertThat(fires).hasSize(4);
  }

  @Test
  void aResumedTriggerFollowsTheCatchUpPolicyForSlotsSkippedWhilePaused(Vertx vertx) throws Exception {
    clock.set(Instant.parse("2026-03-30T07:02:00Z"));
    PumpApplication app = app(vertx, SlotLedger.inMemory());
    List<TriggerEvent> fires = firesOf(app);
    CronTrigger cron = new CronTrigger(app, "*/5 * * * *", UTC).withId("c");
    cron.withCatchUp(CatchUp.LATEST, 10, null);
    start(app, cron);

    cron.pause();
    at("2026-03-30T07:05:00Z", cron);
    at("2026-03-30T07:10:00Z", cron);
    assertThat(fires).isEmpty();
    clock.set(Instant.parse("2026-03-30T07:12:00Z"));
    cron.resume();
    cron.checkDue().await(20, TimeUnit.SECONDS);

    assertThat(slotsOf(fires)).containsExactly("2026-03-30T07:10:00Z");
  }

  @Test
  void aSpreadTriggerFiresAtTheSameStableOffsetAfterEverySlot(Vertx vertx) throws Exception {
    clock.set(Instant.parse("2026-03-30T07:02:00Z"));
    PumpApplication app = app(vertx, SlotLedger.inMemory());
    List<TriggerEvent> fires = firesOf(app);
    CronTrigger cron = new CronTrigger(app, "*/5 * * * *", UTC).withId("nightly-report");
    cron.withSpread(Duration.ofSeconds(30));
    CronTrigger other = new CronTrigger(app, "*/5 * * * *", UTC).withId("nightly-export");
    other.withSpread(Duration.ofSeconds(30));
    start(app, cron);

    Duration offset = cron.spreadOffset();
    assertThat(offset).isBetween(Duration.ZERO, Duration.ofSeconds(30));
    assertThat(other.spreadOffset()).isNotEqualTo(offset);
    for (String slot : List.of("2026-03-30T07:05:00Z", "2026-03-30T07:10:00Z")) {
      Instant due = Instant.parse(slot).plus(offset);
      at(due.minusMillis(1).toString(), cron);
      int before = fires.size();
      assertThat(fires.stream().filter(e -> e.trigger().equals("nightly-report"))).hasSize(before);
      at(due.toString(), cron);
      TriggerEvent fired = fires.stream().filter(e -> e.trigger().equals("nightly-report"))
        .reduce((a, b) -> b).orElseThrow();
      assertThat(fired.scheduledAt()).isEqualTo(Instant.parse(slot));
      assertThat(fired.firedAt()).isEqualTo(due);
    }
  }

  @Test
  void aJitteredFireLandsWithinTheJitterAfterItsSlot(Vertx vertx) throws Exception {
    clock.set(Instant.parse("2026-03-30T07:02:00Z"));
    PumpApplication app = app(vertx, SlotLedger.inMemory());
    List<TriggerEvent> fires = firesOf(app);
    CronTrigger cron = new CronTrigger(app, "*/5 * * * *", UTC).withId("j");
    cron.withJitter(Duration.ofSeconds(20));
    start(app, cron);

    Instant slot = Instant.parse("2026-03-30T07:05:00Z");
    for (int s = 0; s <= 20 && fires.isEmpty(); s++) {
      at(slot.plusSeconds(s).toString(), cron);
    }
    assertThat(fires).hasSize(1);
    assertThat(fires.get(0).scheduledAt()).isEqualTo(slot);
    assertThat(fires.get(0).firedAt()).isBetween(slot, slot.plusSeconds(20));
  }

  @Test
  void aClusterOnceSlotClaimedByAnotherNodeDoesNotFireHere(Vertx vertx) throws Exception {
    clock.set(Instant.parse("2026-03-30T07:02:00Z"));
    PumpApplication app = app(vertx, claimsLostToAnotherNode());
    List<TriggerEvent> fires = firesOf(app);
    CronTrigger once = new CronTrigger(app, "*/5 * * * *", UTC).withId("once");
    CronTrigger everywhere = new CronTrigger(app, "*/5 * * * *", UTC).withId("everywhere");
    everywhere.withMode(FiringMode.EVERY_NODE);
    source.on(everywhere);
    start(app, once);

    at("2026-03-30T07:05:00Z", once);
    everywhere.checkDue().await(20, TimeUnit.SECONDS);
    assertThat(fires).extracting(TriggerEvent::trigger).containsExactly("everywhere");
    assertThat(once.lostClaims()).isEqualTo(1);
    assertThat(once.snapshot().getJsonObject("policy").getString("mode")).isEqualTo("cluster-once");
  }

  private static SlotLedger claimsLostToAnotherNode() {
    return new SlotLedger() {
      @Override
      public Future<Boolean> claim(String triggerId, Instant slot) {
        return Future.succeededFuture(false);
      }

      @Override
      public Future<Optional<Instant>> lastFired(String triggerId) {
        return Future.succeededFuture(Optional.empty());
      }

      @Override
      public Future<Void> recordFired(String triggerId, Instant slot) {
        return Future.succeededFuture();
      }
    };
  }
}
