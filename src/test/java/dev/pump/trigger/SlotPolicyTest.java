package dev.pump.trigger;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The slot policy alone: no Vert.x, no clock, every "now" given by the test. */
class SlotPolicyTest {

  private static final Instant T0 = Instant.parse("2026-03-30T07:02:10Z");
  /** Every five minutes on the epoch grid. */
  private static final Function<Instant, Optional<Instant>> EVERY_5_MIN = after -> {
    long step = 300;
    return Optional.of(Instant.ofEpochSecond(Math.floorDiv(after.getEpochSecond(), step) * step + step));
  };

  private static SlotPolicy policy(CatchUp catchUp, int limit, Duration deadline) {
    SlotPolicy policy = new SlotPolicy(EVERY_5_MIN, Duration.ofSeconds(1), catchUp, limit, deadline);
    policy.start(T0);
    policy.arm();
    return policy;
  }

  private static Instant at(String time) {
    return Instant.parse("2026-03-30T" + time + "Z");
  }

  @Test
  void theFirstSlotIsTheFirstAfterTheStart() {
    assertThat(policy(CatchUp.NONE, 1, null).armed()).isEqualTo(at("07:05:00"));
  }

  @Test
  void nothingIsDueBeforeTheArmedSlot() {
    SlotPolicy policy = policy(CatchUp.NONE, 1, null);
    assertThat(policy.due(at("07:04:59.999"), false).toFire()).isEmpty();
    assertThat(policy.armed()).isEqualTo(at("07:05:00"));
  }

  @Test
  void aTimelyWakeUpFiresTheArmedSlotAndArmsTheNextOneAfterIt() {
    SlotPolicy policy = policy(CatchUp.NONE, 1, null);
    assertThat(policy.due(at("07:05:00.004"), false).toFire()).containsExactly(at("07:05:00"));
    assertThat(policy.arm()).isEqualTo(at("07:10:00"));
    assertThat(policy.missed()).isZero();
  }

  @Test
  void aSlotIsHandledOnceHoweverOftenItIsAskedFor() {
    SlotPolicy policy = policy(CatchUp.NONE, 1, null);
    policy.due(at("07:05:00"), false);
    policy.arm();
    assertThat(policy.due(at("07:05:00"), false).toFire()).isEmpty();
    assertThat(policy.due(at("07:06:00"), false).toFire()).isEmpty();
  }

  @Test
  void afterAStallOnlyTheLatestSlotFiresAndTheOthersCountAsMissed() {
    SlotPolicy policy = policy(CatchUp.LATEST, 10, null);
    assertThat(policy.due(at("07:31:00"), false).toFire()).containsExactly(at("07:30:00"));
    assertThat(policy.missed()).isEqualTo(5);
    assertThat(policy.arm()).isEqualTo(at("07:35:00"));
  }

  @Test
  void catchUpAllFiresTheMostRecentMissedSlotsUpToTheLimitOldestFirst() {
    SlotPolicy policy = policy(CatchUp.ALL, 3, null);
    assertThat(policy.due(at("07:31:00"), false).toFire())
      .containsExactly(at("07:20:00"), at("07:25:00"), at("07:30:00"));
    assertThat(policy.missed()).isEqualTo(3);
    assertThat(policy.caughtUp()).isEqualTo(2);
  }

  @Test
  void slotsOlderThanTheStartingDeadlineAreDropped() {
    SlotPolicy policy = policy(CatchUp.ALL, 10, Duration.ofMinutes(7));
    assertThat(policy.due(at("07:31:00"), false).toFire()).containsExactly(at("07:25:00"), at("07:30:00"));
    assertThat(policy.missed()).isEqualTo(4);
  }

  @Test
  void aLongStallIsFoundFromNowWithoutWalkingEverySlot() {
    SlotPolicy policy = policy(CatchUp.LATEST, 1, null);
    Instant aYearLater = at("07:06:00").plus(Duration.ofDays(365));
    List<Instant> fired = policy.due(aYearLater, false).toFire();
    assertThat(fired).containsExactly(EVERY_5_MIN.apply(aYearLater.minusSeconds(300)).orElseThrow());
    assertThat(policy.missed()).isGreaterThan(SlotPolicy.MAX_SCAN);
  }

  @Test
  void slotsDueWhilePausedAreSkippedAndTheLatestFiresOnResume() {
    SlotPolicy policy = policy(CatchUp.LATEST, 10, null);
    SlotPolicy.Due due = policy.due(at("07:05:00"), true);
    assertThat(due.toFire()).isEmpty();
    assertThat(due.skippedWhilePaused()).containsExactly(at("07:05:00"));
    policy.arm();
    policy.due(at("07:10:00"), true);
    policy.arm();
    assertThat(policy.resume(at("07:12:00"))).containsExactly(at("07:10:00"));
    assertThat(policy.resume(at("07:12:00"))).isEmpty();
  }

  @Test
  void withoutACatchUpPolicySkippedSlotsStaySkipped() {
    SlotPolicy policy = policy(CatchUp.NONE, 10, null);
    policy.due(at("07:05:00"), true);
    policy.arm();
    assertThat(policy.resume(at("07:06:00"))).isEmpty();
  }

  @Test
  void onStartTheSlotsSinceTheLastFiredOneAreCaughtUpPerThePolicy() {
    SlotPolicy latest = new SlotPolicy(EVERY_5_MIN, Duration.ZERO, CatchUp.LATEST, 10, null);
    assertThat(latest.catchUpAfter(at("06:40:00"), at("07:02:10"))).containsExactly(at("07:00:00"));
    SlotPolicy all = new SlotPolicy(EVERY_5_MIN, Duration.ZERO, CatchUp.ALL, 2, null);
    assertThat(all.catchUpAfter(at("06:40:00"), at("07:02:10"))).containsExactly(at("06:55:00"), at("07:00:00"));
    SlotPolicy none = new SlotPolicy(EVERY_5_MIN, Duration.ZERO, CatchUp.NONE, 10, null);
    assertThat(none.catchUpAfter(at("06:40:00"), at("07:02:10"))).isEmpty();
  }

  @Test
  void withoutAMinimumGapTheScheduleIsAskedWhetherALaterSlotIsDueToo() {
    SlotPolicy policy = new SlotPolicy(EVERY_5_MIN, Duration.ZERO, CatchUp.LATEST, 10, null);
    policy.start(T0);
    policy.arm();
    assertThat(policy.due(at("07:10:00.5"), false).toFire()).containsExactly(at("07:10:00"));
    assertThat(policy.missed()).isEqualTo(1);
  }
}
