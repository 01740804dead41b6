package dev.pump.trigger;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bounded and shaped schedules in the slot policy alone: no Vert.x, every "now" given by the test. */
class ScheduleBoundsTest {

  private static final ZoneId UTC = ZoneOffset.UTC;
  /** Every hour on the hour. */
  private static final Function<Instant, Optional<Instant>> HOURLY = after -> {
    long step = 3600;
    return Optional.of(Instant.ofEpochSecond(Math.floorDiv(after.getEpochSecond(), step) * step + step));
  };
  private static final Function<Instant, Optional<Instant>> EVERY_MINUTE = after ->
    Optional.of(Instant.ofEpochSecond(Math.floorDiv(after.getEpochSecond(), 60) * 60 + 60));

  private static Instant at(String iso) {
    return Instant.parse(iso);
  }

  private static SlotPolicy started(Function<Instant, Optional<Instant>> schedule, CatchUp catchUp,
                                    ScheduleBounds bounds, String now) {
    SlotPolicy policy = new SlotPolicy(schedule, Duration.ofSeconds(1), catchUp, 10, null, bounds);
    policy.start(at(now));
    policy.arm();
    return policy;
  }

  private static ScheduleBounds excluding(String... rules) {
    return ScheduleBounds.NONE.withExclusions(List.of(rules).stream().map(r -> SlotExclusion.parse(r, UTC)).toList());
  }

  /** Fires what is due at {@code now} and arms the next slot, as the trigger does. */
  private static List<Instant> wake(SlotPolicy policy, String now) {
    List<Instant> fired = policy.due(at(now), false).toFire();
    policy.arm();
    return fired;
  }

  @Test
  void boundsRejectAStartThatIsNotBeforeTheEndAndANegativeLimit() {
    assertThatThrownBy(() -> new ScheduleBounds(at("2026-12-02T00:00:00Z"), at("2026-12-01T00:00:00Z"), 0, List.of()))
      .hasMessage("startAt (2026-12-02T00:00:00Z) must be before endAt (2026-12-01T00:00:00Z)");
    assertThatThrownBy(() -> ScheduleBounds.NONE.withMaxFires(-1))
      .hasMessage("maxFires must be at least 1 (or 0 for no limit), got -1");
  }

  @Test
  void exclusionsNameTheFormTheyFailed() {
    assertThatThrownBy(() -> SlotExclusion.parse("2026-13-01", UTC))
      .hasMessageStartingWith("\"2026-13-01\": \"2026-13-01\" is not a valid date");
    assertThatThrownBy(() -> SlotExclusion.parse("2026-12-26..2026-12-24", UTC))
      .hasMessage("\"2026-12-26..2026-12-24\": the range ends (2026-12-24) before it starts (2026-12-26)");
    assertThatThrownBy(() -> SlotExclusion.parse("12/25..12/26", UTC))
      .hasMessage("\"12/25..12/26\": \"12/25\" is not a date such as 2026-12-25");
    assertThatThrownBy(() -> SlotExclusion.parse("61 * * * *", UTC))
      .hasMessageStartingWith("\"61 * * * *\" is not a date (2026-12-25), a date range (2026-12-24..2026-12-26) or a cron expression");
    assertThatThrownBy(() -> SlotExclusion.parse(" ", UTC)).hasMessageStartingWith("an exclusion must not be empty");
  }

  @Test
  void aDateIsReadInTheTriggersZone() {
    SlotExclusion christmasInPrague = SlotExclusion.parse("2026-12-25", ZoneId.of("Europe/Prague"));
    assertThat(christmasInPrague.excludes(at("2026-12-24T23:30:00Z"))).isTrue();   // 00:30 on the 25th in Prague
    assertThat(christmasInPrague.excludes(at("2026-12-25T23:30:00Z"))).isFalse();  // 00:30 on the 26th
    SlotExclusion christmasInUtc = SlotExclusion.parse("2026-12-25", UTC);
    assertThat(christmasInUtc.excludes(at("2026-12-24T23:30:00Z"))).isFalse();
  }

  @Test
  void aCronExclusionMatchesTheMinuteOfTheSlot() {
    SlotExclusion weekends = SlotExclusion.parse("* * * * 0,6", UTC);
    assertThat(weekends.excludes(at("2026-12-05T09:00:00Z"))).isTrue();    // a Saturday
    assertThat(weekends.excludes(at("2026-12-07T09:00:42Z"))).isFalse();   // a Monday
    SlotExclusion lunch = SlotExclusion.parse("0-59 12 * * *", UTC);
    assertThat(lunch.excludes(at("2026-12-07T12:59:59Z"))).isTrue();
    assertThat(lunch.excludes(at("2026-12-07T13:00:00Z"))).isFalse();
  }

  @Test
  void noSlotBeforeStartAtIsArmed() {
    ScheduleBounds bounds = ScheduleBounds.NONE.withStartAt(at("2026-12-01T09:30:00Z"));
    SlotPolicy policy = started(HOURLY, CatchUp.NONE, bounds, "2026-11-30T07:10:00Z");
    assertThat(policy.armed()).isEqualTo(at("2026-12-01T10:00:00Z"));
  }

  @Test
  void aSlotAtStartAtItselfFires() {
    ScheduleBounds bounds = ScheduleBounds.NONE.withStartAt(at("2026-12-01T10:00:00Z"));
    assertThat(started(HOURLY, CatchUp.NONE, bounds, "2026-11-30T07:10:00Z").armed()).isEqualTo(at("2026-12-01T10:00:00Z"));
  }

  @Test
  void theScheduleEndsAfterEndAtAndSaysWhy() {
    ScheduleBounds bounds = ScheduleBounds.NONE.withEndAt(at("2026-12-01T10:00:00Z"));
    SlotPolicy policy = started(HOURLY, CatchUp.NONE, bounds, "2026-12-01T08:10:00Z");
    assertThat(wake(policy, "2026-12-01T09:00:00Z")).containsExactly(at("2026-12-01T09:00:00Z"));
    assertThat(policy.armed()).isEqualTo(at("2026-12-01T10:00:00Z"));
    assertThat(policy.ended()).isNull();

    assertThat(wake(policy, "2026-12-01T10:00:00Z")).containsExactly(at("2026-12-01T10:00:00Z"));
    assertThat(policy.armed()).isNull();
    assertThat(policy.ended()).isEqualTo("endAt 2026-12-01T10:00:00Z passed");
    assertThat(policy.due(at("2026-12-01T12:00:00Z"), false).toFire()).isEmpty();
  }

  @Test
  void maxFiresEndsTheScheduleAfterThatManyFires() {
    SlotPolicy policy = started(HOURLY, CatchUp.NONE, ScheduleBounds.NONE.withMaxFires(2), "2026-12-01T08:10:00Z");
    assertThat(wake(policy, "2026-12-01T09:00:00Z")).hasSize(1);
    assertThat(policy.ended()).isNull();
    assertThat(wake(policy, "2026-12-01T10:00:00Z")).hasSize(1);
    assertThat(policy.ended()).isEqualTo("maxFires 2 reached");
    assertThat(policy.armed()).isNull();
    assertThat(policy.fired()).isEqualTo(2);
  }

  @Test
  void catchUpNeverFiresMoreThanMaxFiresAllows() {
    SlotPolicy policy = started(HOURLY, CatchUp.ALL, ScheduleBounds.NONE.withMaxFires(3), "2026-12-01T08:10:00Z");
    assertThat(wake(policy, "2026-12-01T09:00:00Z")).hasSize(1);
    // stalled for five slots: ALL would fire all five, two are left
    assertThat(wake(policy, "2026-12-01T14:00:30Z"))
      .containsExactly(at("2026-12-01T10:00:00Z"), at("2026-12-01T11:00:00Z"));
    assertThat(policy.ended()).isEqualTo("maxFires 3 reached");
    assertThat(policy.armed()).isNull();
  }

  @Test
  void anExcludedDayIsSkippedAndCountedOnceItsSlotsHavePassed() {
    SlotPolicy policy = started(HOURLY, CatchUp.NONE, excluding("2026-12-25"), "2026-12-24T22:10:00Z");
    assertThat(wake(policy, "2026-12-24T23:00:00Z")).containsExactly(at("2026-12-24T23:00:00Z"));
    assertThat(policy.armed()).isEqualTo(at("2026-12-26T00:00:00Z"));
    assertThat(policy.excluded()).isZero();   // Christmas has not happened yet

    assertThat(wake(policy, "2026-12-26T00:00:00Z")).containsExactly(at("2026-12-26T00:00:00Z"));
    assertThat(policy.excluded()).isEqualTo(24);
  }

  @Test
  void aStallCountsOnlyTheExcludedSlotsThatHavePassed() {
    SlotPolicy policy = started(HOURLY, CatchUp.ALL, excluding("0-59 10 * * *"), "2026-12-01T08:10:00Z");
    assertThat(wake(policy, "2026-12-01T09:00:00Z")).hasSize(1);
    // stalled from 09:00 to 12:30: 11:00 and 12:00 fire, 10:00 is excluded
    assertThat(wake(policy, "2026-12-01T12:30:00Z")).containsExactly(at("2026-12-01T11:00:00Z"), at("2026-12-01T12:00:00Z"));
    assertThat(policy.excluded()).isEqualTo(1);
    assertThat(policy.armed()).isEqualTo(at("2026-12-01T13:00:00Z"));
  }

  @Test
  void aLongExcludedRangeIsJumpedOverNotWalkedForEver() {
    // every minute, a whole year excluded: more than MAX_SCAN slots in a row
    SlotPolicy policy = started(EVERY_MINUTE, CatchUp.NONE, excluding("2027-01-01..2027-12-31"), "2026-12-31T23:58:30Z");
    assertThat(wake(policy, "2026-12-31T23:59:00Z")).hasSize(1);
    assertThat(policy.armed()).isEqualTo(at("2028-01-01T00:00:00Z"));
  }

  @Test
  void aScheduleWhollyExcludedEndsAndSaysWhy() {
    SlotPolicy policy = started(EVERY_MINUTE, CatchUp.NONE, excluding("* * * * *"), "2026-12-01T00:00:30Z");
    assertThat(policy.armed()).isNull();
    assertThat(policy.ended()).isEqualTo("no slot outside the exclusions among the next 100000 slots");
  }

  @Test
  void anExtraFireAtStartRespectsTheBoundsAndCountsTowardsMaxFires() {
    ScheduleBounds bounds = new ScheduleBounds(at("2026-12-01T00:00:00Z"), null, 1, List.of());
    assertThat(started(HOURLY, CatchUp.NONE, bounds, "2026-11-30T08:10:00Z").admitsFireAt(at("2026-11-30T08:10:00Z")))
      .isFalse();
    SlotPolicy policy = started(HOURLY, CatchUp.NONE, bounds, "2026-12-01T08:10:00Z");
    assertThat(policy.admitsFireAt(at("2026-12-01T08:10:00Z"))).isTrue();
    assertThat(policy.ended()).isEqualTo("maxFires 1 reached");
    assertThat(policy.admitsFireAt(at("2026-12-01T08:10:00Z"))).isFalse();
  }

  @Test
  void theBoundsReadAsWords() {
    ScheduleBounds bounds = new ScheduleBounds(at("2026-12-01T00:00:00Z"), at("2027-01-01T00:00:00Z"), 10,
      List.of(SlotExclusion.parse("2026-12-25", UTC), SlotExclusion.parse("2026-12-30..2026-12-31", UTC),
        SlotExclusion.parse("* * * * 0,6", UTC)));
    assertThat(bounds.words()).isEqualTo("from 2026-12-01T00:00:00Z, until 2027-01-01T00:00:00Z, at most 10 fires, "
      + "except on 2026-12-25, 2026-12-30 to 2026-12-31, except when \"* * * * 0,6\" matches");
    assertThat(ScheduleBounds.NONE.words()).isEmpty();
  }
}
