package dev.pump;

import dev.pump.pipeline.Pipeline;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.testing.SettableClock;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.PeriodicTrigger;
import dev.pump.trigger.TimeTrigger;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cron and periodic triggers with the clock moved by hand: the clock decides what is due, the
 * timer only wakes the trigger, so these tests never wait for real time to pass.
 */
@ExtendWith(VertxExtension.class)
class TimeTriggerTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final ZoneId UTC = ZoneId.of("UTC");

  private SettableClock clock;
  private PumpApplication app;
  private CollectingSink sink;
  private RecordingSource source;

  @BeforeEach
  void setUp(Vertx vertx) {
    clock = SettableClock.at("2026-03-30T07:02:10Z");
    app = PumpApplication.builder().vertx(vertx).clock(clock).nodeId("n1").build();
    sink = new CollectingSink();
    source = new RecordingSource(app, new Pipeline("p", sink));
  }

  @AfterEach
  void tearDown() throws Exception {
    app.close().await(20, TimeUnit.SECONDS);
  }

  private void startWith(TimeTrigger trigger) throws Exception {
    source.on(trigger);
    app.start().await(20, TimeUnit.SECONDS);
  }

  private void at(String iso, TimeTrigger trigger) throws Exception {
    clock.set(Instant.parse(iso));
    trigger.checkDue().await(20, TimeUnit.SECONDS);
  }

  private List<String> firings() {
    return source.cycleEvents().stream().map(TriggerEvent::firing).toList();
  }

  @Test
  void aCronSlotFiresOnceAtItsInstantWithTheSlotAsFiringId() throws Exception {
    CronTrigger cron = new CronTrigger(app, "*/5 * * * *", UTC).withId("every-5");
    startWith(cron);
    assertThat(cron.nextFireAt()).contains(Instant.parse("2026-03-30T07:05:00Z"));

    at("2026-03-30T07:05:00.003Z", cron);
    await().atMost(DEADLINE).until(() -> sink.events().size() == 1);

    TriggerEvent event = source.cycleEvents().get(0);
    assertThat(event.scheduledAt()).isEqualTo(Instant.parse("2026-03-30T07:05:00Z"));
    assertThat(event.firedAt()).isEqualTo(Instant.parse("2026-03-30T07:05:00.003Z"));
    assertThat(event.firing()).isEqualTo("every-5@2026-03-30T07:05:00Z");
    assertThat(event.type()).isEqualTo("cron");
    assertThat(cron.nextFireAt()).contains(Instant.parse("2026-03-30T07:10:00Z"));
    assertThat(cron.fireCount()).isEqualTo(1);
    assertThat(cron.lastFiredAt()).contains(Instant.parse("2026-03-30T07:05:00.003Z"));
  }

  @Test
  void aSlotNeverFiresBeforeItsInstant() throws Exception {
    CronTrigger cron = new CronTrigger(app, "*/5 * * * *", UTC);
    startWith(cron);

    at("2026-03-30T07:04:59.999Z", cron);
    await().during(Duration.ofMillis(200)).atMost(DEADLINE).until(() -> cron.fireCount() == 0);
    at("2026-03-30T07:05:00Z", cron);
    assertThat(cron.fireCount()).isEqualTo(1);
  }

  @Test
  void aSlotFiresOnlyOnceHoweverOftenTheTriggerWakesUp() throws Exception {
    CronTrigger cron = new CronTrigger(app, "*/5 * * * *", UTC);
    startWith(cron);

    at("2026-03-30T07:05:00Z", cron);
    at("2026-03-30T07:05:00Z", cron);
    at("2026-03-30T07:06:00Z", cron);
    assertThat(cron.fireCount()).isEqualTo(1);
  }

  @Test
  void aClockSteppedBackwardsDoesNotFireASlotAgain() throws Exception {
    CronTrigger cron = new CronTrigger(app, "*/5 * * * *", UTC).withId("c");
    startWith(cron);
    at("2026-03-30T07:05:00Z", cron);
    at("2026-03-30T07:01:00Z", cron);   // NTP stepped the clock back
    at("2026-03-30T07:05:00Z", cron);
    assertThat(cron.fireCount()).isEqualTo(1);
    at("2026-03-30T07:10:00Z", cron);
    assertThat(cron.fireCount()).isEqualTo(2);
    await().atMost(DEADLINE).until(() -> source.cycles() == 2);
    assertThat(firings()).containsExactly("c@2026-03-30T07:05:00Z", "c@2026-03-30T07:10:00Z");
  }

  @Test
  void afterALongStallOnlyTheMostRecentSlotFiresAndTheOthersAreCountedAsMissed() throws Exception {
    CronTrigger cron = new CronTrigger(app, "*/5 * * * *", UTC).withId("c");
    startWith(cron);

    at("2026-03-30T07:31:00Z", cron); // slots 07:05 ... 07:30 all passed
    assertThat(cron.fireCount()).isEqualTo(1);
    assertThat(cron.missedSlots()).isEqualTo(5);
    await().atMost(DEADLINE).until(() -> source.cycles() == 1);
    assertThat(firings()).containsExactly("c@2026-03-30T07:30:00Z");
    assertThat(cron.nextFireAt()).contains(Instant.parse("2026-03-30T07:35:00Z"));
  }

  @Test
  void slotsThatPassWhilePausedAreSkippedNotBurstLater() throws Exception {
    CronTrigger cron = new CronTrigger(app, "*/5 * * * *", UTC).withId("c");
    startWith(cron);

    cron.pause();
    at("2026-03-30T07:05:00Z", cron);
    at("2026-03-30T07:10:00Z", cron);
    assertThat(cron.fireCount()).isZero();
    assertThat(cron.skippedWhilePaused()).isEqualTo(2);

    cron.resume();
    at("2026-03-30T07:12:00Z", cron);
    assertThat(cron.fireCount()).isZero();
    at("2026-03-30T07:15:00Z", cron);
    assertThat(cron.fireCount()).isEqualTo(1);
    await().atMost(DEADLINE).until(() -> source.cycles() == 1);
    assertThat(firings()).containsExactly("c@2026-03-30T07:15:00Z");
  }

  @Test
  void aZonedCronFiresAtLocalTime() throws Exception {
    CronTrigger cron = new CronTrigger(app, "0 9 * * 1", ZoneId.of("Europe/Prague"));
    startWith(cron);
    // the clock says Monday 2026-03-30 09:02 in Prague (CEST, +02:00): this Monday's 09:00 has passed
    assertThat(cron.nextFireAt()).contains(Instant.parse("2026-04-06T07:00:00Z"));
    assertThat(cron.nextFireTimes(2)).containsExactly(
      Instant.parse("2026-04-06T07:00:00Z"), Instant.parse("2026-04-13T07:00:00Z"));
    assertThat(cron.snapshot().getString("zone")).isEqualTo("Europe/Prague");
    assertThat(cron.snapshot().getString("spec")).isEqualTo("0 9 * * 1");
  }

  @Test
  void aPeriodicTriggerKeepsItsRateWithoutDriftOverThousandsOfPeriods() throws Exception {
    Instant start = clock.instant();
    PeriodicTrigger periodic = new PeriodicTrigger(app, Duration.ofMillis(1500)).withId("tick");
    startWith(periodic);

    for (int n = 1; n <= 5_000; n++) {
      // each wake-up is late by up to 40 ms; lateness must not accumulate
      Instant slot = start.plusMillis(1500L * n);
      clock.set(slot.plusMillis(n % 41));
      periodic.checkDue().await(20, TimeUnit.SECONDS);
      assertThat(periodic.nextFireAt()).contains(slot.plusMillis(1500));
    }
    assertThat(periodic.fireCount()).isEqualTo(5_000);
    assertThat(periodic.missedSlots()).isZero();
    assertThat(periodic.lastFiredAt()).contains(start.plusMillis(1500L * 5_000 + 5_000 % 41));
  }

  @Test
  void aPeriodicTriggerCanFireAtStartOnceThePipelineIsReady() throws Exception {
    source.pipeline().throttle("warming up");
    PeriodicTrigger periodic = new PeriodicTrigger(app, Duration.ofHours(1)).withFireAtStart(true).withId("p");
    startWith(periodic);
    assertThat(periodic.fireCount()).isEqualTo(1);
    await().during(Duration.ofMillis(200)).atMost(DEADLINE).until(() -> source.cycles() == 0);

    source.pipeline().unthrottle("warming up");
    await().atMost(DEADLINE).until(() -> source.cycles() == 1);
    assertThat(source.cycleEvents().get(0).scheduledAt()).isEqualTo(Instant.parse("2026-03-30T07:02:10Z"));
    assertThat(periodic.nextFireAt()).contains(Instant.parse("2026-03-30T08:02:10Z"));
  }

  @Test
  void aStoppedTimeTriggerHasNoNextFire() throws Exception {
    PeriodicTrigger periodic = new PeriodicTrigger(app, Duration.ofMinutes(1));
    startWith(periodic);
    assertThat(periodic.nextFireAt()).isPresent();
    app.close().await(20, TimeUnit.SECONDS);
    assertThat(periodic.nextFireAt()).isEmpty();
  }
}
