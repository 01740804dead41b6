package dev.pump.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.pump.trigger.CronSchedule.DstPolicy;
import dev.pump.trigger.CronSchedule.GapPolicy;
import dev.pump.trigger.CronSchedule.OverlapPolicy;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronScheduleTest {

  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId PRAGUE = ZoneId.of("Europe/Prague");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final List<DstPolicy> ALL_POLICIES = List.of(
      new DstPolicy(GapPolicy.SHIFT, OverlapPolicy.FIRST), new DstPolicy(GapPolicy.SKIP, OverlapPolicy.FIRST),
      new DstPolicy(GapPolicy.SHIFT, OverlapPolicy.BOTH), new DstPolicy(GapPolicy.SKIP, OverlapPolicy.BOTH));

  @ParameterizedTest(name = "\"{0}\"")
  @CsvSource(delimiter = '|', textBlock = """
      ''                      | "": empty expression
      '   '                   | "": empty expression
      * * *                   | "* * *": expected 5 fields (minute hour day-of-month month day-of-week) or 6 with leading seconds, got 3
      * * * * * * *           | "* * * * * * *": expected 5 fields (minute hour day-of-month month day-of-week) or 6 with leading seconds, got 7
      @often                  | "@often": unknown macro (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)
      @daily 5                | "@daily 5": unknown macro (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)
      61 * * * *              | "61 * * * *": minute 61 is out of range 0-59
      99999999999 * * * *     | "99999999999 * * * *": minute 99999999999 is out of range 0-59
      0 24 * * *              | "0 24 * * *": hour 24 is out of range 0-23
      0 0 0 * *               | "0 0 0 * *": day-of-month 0 is out of range 1-31
      0 0 1-40 * *            | "0 0 1-40 * *": day-of-month 40 is out of range 1-31
      0 0 * 13 *              | "0 0 * 13 *": month 13 is out of range 1-12
      0 0 * * 8               | "0 0 * * 8": day-of-week 8 is out of range 0-7
      60 * * * * *            | "60 * * * * *": second 60 is out of range 0-59
      x * * * *               | "x * * * *": minute "x" is not a number 0-59
      0 MON * * *             | "0 MON * * *": hour "MON" is not a number 0-23
      0 0 * FOO *             | "0 0 * FOO *": month "FOO" is not a number 1-12 or a name JAN-DEC
      0 0 * JAN-FOO *         | "0 0 * JAN-FOO *": month "FOO" is not a number 1-12 or a name JAN-DEC
      0 0 * * FUNDAY          | "0 0 * * FUNDAY": day-of-week "FUNDAY" is not a number 0-7 or a name SUN-SAT
      */0 * * * *             | "*/0 * * * *": minute step must be at least 1
      */0 * * * * *           | "*/0 * * * * *": second step must be at least 1
      0 0 * * SUN-SAT/0       | "0 0 * * SUN-SAT/0": day-of-week step must be at least 1
      */61 * * * *            | "*/61 * * * *": minute step 61 is out of range 1-60
      0 0 * * */8             | "0 0 * * */8": day-of-week step 8 is out of range 1-7
      */x * * * *             | "*/x * * * *": minute step "x" is not a number
      */5/2 * * * *           | "*/5/2 * * * *": minute "*/5/2" has more than one step
      0 0 * * 5-1             | "0 0 * * 5-1": day-of-week range 5-1 is backwards
      0 0 * * FRI-MON         | "0 0 * * FRI-MON": day-of-week range FRI-MON is backwards
      0 0 * DEC-JAN *         | "0 0 * DEC-JAN *": month range DEC-JAN is backwards
      1-2-3 * * * *           | "1-2-3 * * * *": minute range "1-2-3" is not of the form a-b
      -5 * * * *              | "-5 * * * *": minute range "-5" is not of the form a-b
      *-5 * * * *             | "*-5 * * * *": minute range "*-5" is not of the form a-b
      1,,2 * * * *            | "1,,2 * * * *": minute list "1,,2" has an empty element
      1, * * * *              | "1, * * * *": minute list "1," has an empty element
      0 0 W * *               | "0 0 W * *": day-of-month "W" is not of a form with L or W: L, L-3, 15W or LW
      0 0 L-31 * *            | "0 0 L-31 * *": day-of-month "L-31": the days before the last day must be 1-30
      0 0 * * 5#6             | "0 0 * * 5#6": day-of-week "5#6": the week after # must be 1-5
      0 0 * * L               | "0 0 * * L": day-of-week "L" is not of the form dayL, as in 5L or FRIL (the last Friday of the month)
      0 ? * * *               | "0 ? * * *": hour "?" is only allowed in day-of-month and day-of-week (a synonym of *)
      0 0 30 2 *              | "0 0 30 2 *": never fires: February has no day 30
      0 0 31 4,6,9,11 *       | "0 0 31 4,6,9,11 *": never fires: April, June, September and November have no day 31
      """)
  void rejectsAnInvalidExpressionWithAMessageNamingTheFieldAndTheRule(String expression, String message) {
    assertThatThrownBy(() -> CronSchedule.parse(expression, UTC))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  /** Expected instants are written as local time with offset. */
  @ParameterizedTest(name = "{0} in {1} after {2}")
  @CsvSource(delimiter = '|', textBlock = """
      # every field form
      * * * * *            | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-02T10:08Z 2026-03-02T10:09Z 2026-03-02T10:10Z
      */5 * * * *          | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-02T10:10Z 2026-03-02T10:15Z 2026-03-02T10:20Z
      7 * * * *            | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-02T11:07Z 2026-03-02T12:07Z 2026-03-02T13:07Z
      5,35 * * * *         | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-02T10:35Z 2026-03-02T11:05Z 2026-03-02T11:35Z
      10-12 * * * *        | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-02T10:10Z 2026-03-02T10:11Z 2026-03-02T10:12Z
      10-30/10 * * * *     | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-02T10:10Z 2026-03-02T10:20Z 2026-03-02T10:30Z
      50/5 * * * *         | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-02T10:50Z 2026-03-02T10:55Z 2026-03-02T11:50Z
      0 */6 * * *          | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-02T12:00Z 2026-03-02T18:00Z 2026-03-03T00:00Z
      0 * * * *            | UTC                 | 2026-03-02T10:00Z         | 2026-03-02T11:00Z 2026-03-02T12:00Z
      0 9-17 * * 1-5       | UTC                 | 2026-03-06T17:30Z         | 2026-03-09T09:00Z 2026-03-09T10:00Z 2026-03-09T11:00Z
      0 9 * * 1            | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-09T09:00Z 2026-03-16T09:00Z 2026-03-23T09:00Z
      0 0 1 * *            | UTC                 | 2026-03-02T10:07:30Z      | 2026-04-01T00:00Z 2026-05-01T00:00Z 2026-06-01T00:00Z
      0 0 31 * *           | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-31T00:00Z 2026-05-31T00:00Z 2026-07-31T00:00Z
      0 12 * JAN,jul *     | UTC                 | 2026-03-02T10:07:30Z      | 2026-07-01T12:00Z 2026-07-02T12:00Z 2026-07-03T12:00Z
      0 0 1 feb-Apr *      | UTC                 | 2026-03-02T10:07:30Z      | 2026-04-01T00:00Z 2027-02-01T00:00Z 2027-03-01T00:00Z
      0 0 29 2 *           | UTC                 | 2025-03-01T00:00Z         | 2028-02-29T00:00Z 2032-02-29T00:00Z
      0 0 30 2 5           | UTC                 | 2026-01-01T00:00Z         | 2026-02-06T00:00Z 2026-02-13T00:00Z
      0 9 * * *            | Asia/Kolkata        | 2026-03-02T10:07:30Z      | 2026-03-03T09:00+05:30 2026-03-04T09:00+05:30
      # Sunday is 0 or 7; names are case-insensitive; SUN may close a range
      0 8 * * 0            | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-08T08:00Z 2026-03-15T08:00Z 2026-03-22T08:00Z
      0 8 * * 7            | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-08T08:00Z 2026-03-15T08:00Z 2026-03-22T08:00Z
      0 8 * * sun          | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-08T08:00Z 2026-03-15T08:00Z 2026-03-22T08:00Z
      0 8 * * SAT-SUN      | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-07T08:00Z 2026-03-08T08:00Z 2026-03-14T08:00Z
      0 8 * * SUN-SUN      | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-08T08:00Z 2026-03-15T08:00Z
      0 8 * * 5-7          | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-06T08:00Z 2026-03-07T08:00Z 2026-03-08T08:00Z
      0 8 * * */2          | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-03T08:00Z 2026-03-05T08:00Z 2026-03-07T08:00Z
      0 8 * * 1/2          | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-04T08:00Z 2026-03-06T08:00Z 2026-03-08T08:00Z
      0 8 * * MON,wed,FRI  | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-04T08:00Z 2026-03-06T08:00Z 2026-03-09T08:00Z
      # day-of-month and day-of-week: OR when both are restricted, else only the restricted one
      0 0 13 * 5           | UTC                 | 2026-04-01T00:00Z         | 2026-04-03T00:00Z 2026-04-10T00:00Z 2026-04-13T00:00Z
      0 0 1,15 * 3         | UTC                 | 2026-04-25T00:00Z         | 2026-04-29T00:00Z 2026-05-01T00:00Z 2026-05-06T00:00Z
      0 0 */10 * 1         | UTC                 | 2026-04-01T00:00Z         | 2026-04-06T00:00Z 2026-04-11T00:00Z 2026-04-13T00:00Z
      0 0 13 * *           | UTC                 | 2026-04-01T00:00Z         | 2026-04-13T00:00Z 2026-05-13T00:00Z 2026-06-13T00:00Z
      0 0 * * 5            | UTC                 | 2026-04-01T00:00Z         | 2026-04-03T00:00Z 2026-04-10T00:00Z 2026-04-17T00:00Z
      # six fields, leading seconds
      */10 * * * * *       | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-02T10:07:40Z 2026-03-02T10:07:50Z 2026-03-02T10:08:00Z
      15,45 * * * * *      | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-02T10:07:45Z 2026-03-02T10:08:15Z 2026-03-02T10:08:45Z
      * * * * * *          | UTC                 | 2026-03-02T10:07:30.500Z  | 2026-03-02T10:07:31Z 2026-03-02T10:07:32Z 2026-03-02T10:07:33Z
      30 0 12 * * *        | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-02T12:00:30Z 2026-03-03T12:00:30Z 2026-03-04T12:00:30Z
      0 0 0 13 * 5         | UTC                 | 2026-04-01T00:00Z         | 2026-04-03T00:00Z 2026-04-10T00:00Z 2026-04-13T00:00Z
      0 0 8 * * 7          | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-08T08:00Z 2026-03-15T08:00Z
      # macros
      @hourly              | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-02T11:00Z 2026-03-02T12:00Z 2026-03-02T13:00Z
      @daily               | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-03T00:00Z 2026-03-04T00:00Z 2026-03-05T00:00Z
      @midnight            | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-03T00:00Z 2026-03-04T00:00Z 2026-03-05T00:00Z
      @weekly              | UTC                 | 2026-03-02T10:07:30Z      | 2026-03-08T00:00Z 2026-03-15T00:00Z 2026-03-22T00:00Z
      @monthly             | UTC                 | 2026-03-02T10:07:30Z      | 2026-04-01T00:00Z 2026-05-01T00:00Z 2026-06-01T00:00Z
      @yearly              | UTC                 | 2026-03-02T10:07:30Z      | 2027-01-01T00:00Z 2028-01-01T00:00Z 2029-01-01T00:00Z
      @annually            | UTC                 | 2026-03-02T10:07:30Z      | 2027-01-01T00:00Z 2028-01-01T00:00Z 2029-01-01T00:00Z
      # Prague, spring forward 2026-03-29 02:00 CET -> 03:00 CEST: a slot in the gap fires at 03:00, once
      30 2 * * *           | Europe/Prague       | 2026-03-28T12:00+01:00    | 2026-03-29T03:00+02:00 2026-03-30T02:30+02:00 2026-03-31T02:30+02:00
      0 2 * * *            | Europe/Prague       | 2026-03-28T12:00+01:00    | 2026-03-29T03:00+02:00 2026-03-30T02:00+02:00
      */30 * * * *         | Europe/Prague       | 2026-03-29T01:15+01:00    | 2026-03-29T01:30+01:00 2026-03-29T03:00+02:00 2026-03-29T03:30+02:00
      * * * * *            | Europe/Prague       | 2026-03-29T01:58:30+01:00 | 2026-03-29T01:59+01:00 2026-03-29T03:00+02:00 2026-03-29T03:01+02:00
      # Prague, fall back 2026-10-25 03:00 CEST -> 02:00 CET: fixed times once (first), wildcards/ranges/steps twice
      30 2 * * *           | Europe/Prague       | 2026-10-24T12:00+02:00    | 2026-10-25T02:30+02:00 2026-10-26T02:30+01:00 2026-10-27T02:30+01:00
      0 30 2 * * *         | Europe/Prague       | 2026-10-24T12:00+02:00    | 2026-10-25T02:30+02:00 2026-10-26T02:30+01:00
      15 2 * * *           | Europe/Prague       | 2026-10-25T02:05+01:00    | 2026-10-26T02:15+01:00
      0,30 2 * * *         | Europe/Prague       | 2026-10-25T01:00+02:00    | 2026-10-25T02:00+02:00 2026-10-25T02:30+02:00 2026-10-26T02:00+01:00
      */30 * * * *         | Europe/Prague       | 2026-10-25T01:45+02:00    | 2026-10-25T02:00+02:00 2026-10-25T02:30+02:00 2026-10-25T02:00+01:00
      */30 * * * *         | Europe/Prague       | 2026-10-25T02:45+02:00    | 2026-10-25T02:00+01:00 2026-10-25T02:30+01:00 2026-10-25T03:00+01:00
      0 * * * *            | Europe/Prague       | 2026-10-25T01:30+02:00    | 2026-10-25T02:00+02:00 2026-10-25T02:00+01:00 2026-10-25T03:00+01:00
      0 1-3 * * *          | Europe/Prague       | 2026-10-25T01:30+02:00    | 2026-10-25T02:00+02:00 2026-10-25T02:00+01:00 2026-10-25T03:00+01:00
      # New York, spring forward 2026-03-08 02:00 EST -> 03:00 EDT
      30 2 * * *           | America/New_York    | 2026-03-07T12:00-05:00    | 2026-03-08T03:00-04:00 2026-03-09T02:30-04:00
      0 0 2 * * *          | America/New_York    | 2026-03-07T12:00-05:00    | 2026-03-08T03:00-04:00 2026-03-09T02:00-04:00
      0 9 * * *            | America/New_York    | 2026-03-07T10:00-05:00    | 2026-03-08T09:00-04:00 2026-03-09T09:00-04:00
      # New York, fall back 2026-11-01 02:00 EDT -> 01:00 EST
      30 1 * * *           | America/New_York    | 2026-10-31T12:00-04:00    | 2026-11-01T01:30-04:00 2026-11-02T01:30-05:00
      0,30 1 * * *         | America/New_York    | 2026-11-01T00:50-04:00    | 2026-11-01T01:00-04:00 2026-11-01T01:30-04:00 2026-11-02T01:00-05:00
      */30 * * * *         | America/New_York    | 2026-11-01T01:15-04:00    | 2026-11-01T01:30-04:00 2026-11-01T01:00-05:00 2026-11-01T01:30-05:00
      */20 1 * * *         | America/New_York    | 2026-11-01T01:45-04:00    | 2026-11-01T01:00-05:00 2026-11-01T01:20-05:00 2026-11-01T01:40-05:00
      # Lord Howe, 30-minute shifts: spring 2026-10-04 02:00 +10:30 -> 02:30 +11, fall 2026-04-05 02:00 +11 -> 01:30 +10:30
      15 2 * * *           | Australia/Lord_Howe | 2026-10-03T12:00+10:30    | 2026-10-04T02:30+11:00 2026-10-05T02:15+11:00
      30 2 * * *           | Australia/Lord_Howe | 2026-10-03T12:00+10:30    | 2026-10-04T02:30+11:00 2026-10-05T02:30+11:00
      */10 * * * *         | Australia/Lord_Howe | 2026-10-04T01:45+10:30    | 2026-10-04T01:50+10:30 2026-10-04T02:30+11:00 2026-10-04T02:40+11:00
      45 1 * * *           | Australia/Lord_Howe | 2026-04-04T12:00+11:00    | 2026-04-05T01:45+11:00 2026-04-06T01:45+10:30
      */20 * * * *         | Australia/Lord_Howe | 2026-04-05T01:25+11:00    | 2026-04-05T01:40+11:00 2026-04-05T01:40+10:30 2026-04-05T02:00+10:30
      """)
  void firesAtTheInstantsTheCalendarPredicts(String expression, String zone, String from, String expected) {
    CronSchedule schedule = CronSchedule.parse(expression, ZoneId.of(zone));
    List<Instant> want = instants(expected);

    assertThat(schedule.next(instant(from), want.isEmpty() ? 3 : want.size())).containsExactlyElementsOf(want);
    assertThat(schedule.nextAfter(instant(from))).isEqualTo(want.stream().findFirst());
  }

  @Test
  void firesInStrictlyIncreasingDistinctInstantsThroughAFallBackOverlap() {
    CronSchedule schedule = CronSchedule.parse("*/30 * * * *", NEW_YORK);

    List<Instant> fires = schedule.next(instant("2026-11-01T00:00-04:00"), 6);

    assertThat(fires).containsExactlyElementsOf(instants(
        "2026-11-01T00:30-04:00 2026-11-01T01:00-04:00 2026-11-01T01:30-04:00"
            + " 2026-11-01T01:00-05:00 2026-11-01T01:30-05:00 2026-11-01T02:00-05:00"));
    assertStrictlyIncreasing(fires);
  }

  @TestFactory
  Stream<DynamicTest> firesInStrictlyIncreasingInstantsAcrossAWholeYearOfTransitions() {
    return Stream.of(
            "*/30 * * * *", "0 * * * *", "30 2 * * *", "0,30 1,2 * * *", "*/10 * 1-3 * *", "0 0/20 * * * *")
        .flatMap(expression -> Stream.of("Europe/Prague", "America/New_York", "Australia/Lord_Howe")
            .map(zone -> dynamicTest(expression + " in " + zone, () -> {
              CronSchedule schedule = CronSchedule.parse(expression, ZoneId.of(zone));
              assertStrictlyIncreasing(firesIn2026(schedule));
            })));
  }

  @TestFactory
  Stream<DynamicTest> firesInStrictlyIncreasingInstantsAroundEveryTransitionWithEveryPolicy() {
    return Stream.of("*/30 * * * *", "0 * * * *", "30 2 * * *", "0,30 1,2 * * *", "0 0/20 * * * *", "0 0 * * *",
            "45 2 * * *", "15,45 0-3 * * *", "* 0-3 * * *")
        .flatMap(expression -> Stream.of("Europe/Prague", "America/New_York", "Australia/Lord_Howe",
                "America/Santiago", "Pacific/Chatham")
            .flatMap(zone -> ALL_POLICIES.stream()
                .map(dst -> dynamicTest(expression + " in " + zone + " with " + dst, () -> {
                  CronSchedule schedule = CronSchedule.parse(expression, ZoneId.of(zone), dst);
                  Instant from = instant("2026-01-01T00:00Z");
                  for (var t = schedule.zone().getRules().nextTransition(from); t.getInstant().isBefore(
                      instant("2027-01-01T00:00Z")); t = schedule.zone().getRules().nextTransition(t.getInstant())) {
                    List<Instant> fires = new ArrayList<>();
                    Instant cursor = t.getInstant().minusSeconds(86400);
                    while (cursor.isBefore(t.getInstant().plusSeconds(86400))) {
                      cursor = schedule.nextAfter(cursor).orElseThrow();
                      fires.add(cursor);
                    }
                    assertStrictlyIncreasing(fires);
                  }
                }))));
  }

  @TestFactory
  Stream<DynamicTest> skipsOrShiftsEachGapSlotAndFiresFixedOverlapSlotsOnceOrTwiceAcrossAYear() {
    // 02:30 daily: Prague and New York skip it on their one spring-forward day and repeat it on no day (their
    // overlap is 02:00-03:00 and 01:00-02:00); Prague's fall-back day repeats it.
    return Stream.of(
            dynamicTest("Prague", () -> assertDailyFireCounts("30 2 * * *", "Europe/Prague", 365, 364, 366, 365)),
            dynamicTest("New York", () -> assertDailyFireCounts("30 1 * * *", "America/New_York", 365, 365, 366, 366)),
            dynamicTest("New York gap", () -> assertDailyFireCounts("30 2 * * *", "America/New_York", 365, 364, 365,
                364)),
            dynamicTest("Lord Howe", () -> assertDailyFireCounts("45 1 * * *", "Australia/Lord_Howe", 365, 365, 366,
                366)),
            dynamicTest("Santiago", () -> assertDailyFireCounts("0 0 * * *", "America/Santiago", 365, 364, 365, 364)));
  }

  /** Fires in 2026 with SHIFT/FIRST, SKIP/FIRST, SHIFT/BOTH and SKIP/BOTH. */
  private static void assertDailyFireCounts(String expression, String zone, int... counts) {
    for (int i = 0; i < ALL_POLICIES.size(); i++) {
      CronSchedule schedule = CronSchedule.parse(expression, ZoneId.of(zone), ALL_POLICIES.get(i));
      List<Instant> fires = firesIn2026(schedule);
      fires.removeIf(fire -> !fire.isBefore(instant("2027-01-01T00:00Z")));
      assertThat(fires).as("%s in %s with %s", expression, zone, ALL_POLICIES.get(i)).hasSize(counts[i]);
    }
  }

  @TestFactory
  Stream<DynamicTest> chainsNextAfterExactlyAsNextDoes() {
    return ALL_POLICIES.stream().map(dst -> dynamicTest(dst.toString(), () -> {
      CronSchedule schedule = CronSchedule.parse("*/20 1 * * *", ZoneId.of("Australia/Lord_Howe"), dst);
      Instant from = instant("2026-04-05T00:00+11:00");

      List<Instant> fires = schedule.next(from, 10);

      Instant cursor = from;
      for (Instant fire : fires) {
        cursor = schedule.nextAfter(cursor).orElseThrow();
        assertThat(cursor).isEqualTo(fire);
      }
    }));
  }

  @Test
  void returnsNothingWhenNothingIsAskedOrNothingIsLeft() {
    Instant from = instant("2026-01-01T00:00Z");

    assertThat(CronSchedule.parse("* * * * *", UTC).next(from, 0)).isEmpty();
    assertThat(CronSchedule.parse("* * * * *", UTC).nextAfter(Instant.MAX)).isEmpty();
    assertThat(CronSchedule.parse("0 0 29 2 *", UTC).next(Instant.MAX.minusSeconds(86_400L * 366 * 3), 5))
        .as("the last leap days before Instant.MAX").hasSizeLessThan(5);
    assertThat(CronSchedule.parse("* * * * *", UTC).nextAfterEpochSecond(Instant.MAX.getEpochSecond()))
        .isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void refusesAScheduleThatNeverFiresWhateverTheYear() {
    assertThatThrownBy(() -> CronSchedule.parse("0 0 30 2 *", UTC))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("\"0 0 30 2 *\": never fires: February has no day 30");
    assertThat(CronSchedule.parse("0 0 29 2 *", UTC).nextAfter(instant("2026-01-01T00:00Z")))
        .as("29 February exists in leap years").contains(instant("2028-02-29T00:00Z"));
    assertThat(CronSchedule.parse("0 0 ? 2 MON#5", UTC).nextAfter(instant("2026-01-01T00:00Z")))
        .as("a fifth Monday in February: 29 February of a leap year starting February on a Monday")
        .contains(instant("2044-02-29T00:00Z"));
  }

  @Test
  void rejectsANegativeCount() {
    CronSchedule schedule = CronSchedule.parse("* * * * *", UTC);

    assertThatThrownBy(() -> schedule.next(Instant.EPOCH, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("count must be >= 0, got -1");
  }

  @Test
  void requiresAZoneAndAnExpression() {
    assertThatThrownBy(() -> CronSchedule.parse("* * * * *", null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("zone");
    assertThatThrownBy(() -> CronSchedule.parse(null, UTC))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("expression");
  }

  @Test
  void keepsTheTrimmedExpressionAndItsZone() {
    CronSchedule schedule = CronSchedule.parse("  0 9 * * 1-5 \t", PRAGUE);

    assertThat(schedule.expression()).isEqualTo("0 9 * * 1-5");
    assertThat(schedule.zone()).isEqualTo(PRAGUE);
  }

  @Test
  void tellsWhetherTheExpressionHasSeconds() {
    assertThat(CronSchedule.parse("*/10 * * * * *", UTC).hasSeconds()).isTrue();
    assertThat(CronSchedule.parse("*/10 * * * *", UTC).hasSeconds()).isFalse();
    assertThat(CronSchedule.parse("@hourly", UTC).hasSeconds()).isFalse();
  }

  @Test
  void isEqualByExpressionZoneAndPolicy() {
    CronSchedule schedule = CronSchedule.parse("0 9 * * 1-5", PRAGUE);

    assertThat(schedule)
        .isEqualTo(CronSchedule.parse(" 0 9 * * 1-5 ", PRAGUE))
        .isEqualTo(CronSchedule.parse("0 9 * * 1-5", PRAGUE, new DstPolicy(GapPolicy.SHIFT, OverlapPolicy.FIRST)))
        .hasSameHashCodeAs(CronSchedule.parse("0 9 * * 1-5", PRAGUE))
        .isNotEqualTo(CronSchedule.parse("0 9 * * 1-5", NEW_YORK))
        .isNotEqualTo(CronSchedule.parse("0 9 * * MON-FRI", PRAGUE))
        .isNotEqualTo(CronSchedule.parse("0 9 * * 1-5", PRAGUE, new DstPolicy(GapPolicy.SKIP, OverlapPolicy.FIRST)))
        .isNotEqualTo(CronSchedule.parse("0 9 * * 1-5", PRAGUE, new DstPolicy(GapPolicy.SHIFT, OverlapPolicy.BOTH)))
        .isNotEqualTo(null)
        .isNotEqualTo("0 9 * * 1-5");
  }

  @Test
  void sharesOneParsedInstancePerExpressionZoneAndPolicy() {
    DstPolicy skipBoth = new DstPolicy(GapPolicy.SKIP, OverlapPolicy.BOTH);

    assertThat(CronSchedule.parse("0 9 * * 1-5", PRAGUE)).isSameAs(CronSchedule.parse("0 9 * * 1-5 ", PRAGUE))
        .isSameAs(CronSchedule.parse("0 9 * * 1-5", PRAGUE, DstPolicy.DEFAULT))
        .isNotSameAs(CronSchedule.parse("0 9 * * 1-5", PRAGUE, skipBoth));
    assertThat(CronSchedule.parse("0 9 * * 1-5", PRAGUE, skipBoth))
        .isSameAs(CronSchedule.parse("0 9 * * 1-5", PRAGUE, new DstPolicy(GapPolicy.SKIP, OverlapPolicy.BOTH)));
  }

  @Test
  void printsExpressionZoneAndPolicy() {
    assertThat(CronSchedule.parse("*/5 * * * *", PRAGUE))
        .hasToString("CronSchedule[expr=*/5 * * * *, zone=Europe/Prague, gap=SHIFT, overlap=FIRST]");
    assertThat(CronSchedule.parse("*/5 * * * *", PRAGUE, new DstPolicy(GapPolicy.SKIP, OverlapPolicy.BOTH)))
        .hasToString("CronSchedule[expr=*/5 * * * *, zone=Europe/Prague, gap=SKIP, overlap=BOTH]");
  }

  @Test
  void keepsTheDefaultPolicyUnlessGivenAnother() {
    DstPolicy skipBoth = new DstPolicy(GapPolicy.SKIP, OverlapPolicy.BOTH);

    assertThat(DstPolicy.DEFAULT).isEqualTo(new DstPolicy(GapPolicy.SHIFT, OverlapPolicy.FIRST));
    assertThat(CronSchedule.parse("0 9 * * *", PRAGUE).dst()).isEqualTo(DstPolicy.DEFAULT);
    assertThat(CronSchedule.parse("0 9 * * *", PRAGUE, skipBoth).dst()).isEqualTo(skipBoth);
  }

  @Test
  void marksOnlyFiresShiftedOutOfAGap() {
    CronSchedule shift = CronSchedule.parse("30 2 * * *", PRAGUE);
    CronSchedule skip = CronSchedule.parse("30 2 * * *", PRAGUE, new DstPolicy(GapPolicy.SKIP, OverlapPolicy.FIRST));
    CronSchedule hourly = CronSchedule.parse("0 * * * *", PRAGUE);
    Instant afterTheGap = instant("2026-03-29T03:00+02:00");

    assertThat(shift.isShifted(afterTheGap)).isTrue();
    assertThat(shift.isShifted(afterTheGap.plusSeconds(1))).isFalse();
    assertThat(shift.isShifted(afterTheGap.minusNanos(1))).isFalse();
    assertThat(shift.isShifted(instant("2026-03-30T02:30+02:00"))).isFalse();
    assertThat(shift.isShifted(instant("2026-10-25T03:00+01:00"))).as("the fall-back transition").isFalse();
    assertThat(skip.isShifted(afterTheGap)).as("SKIP never shifts").isFalse();
    assertThat(hourly.isShifted(afterTheGap)).as("03:00 is a slot of its own").isFalse();
    assertThat(CronSchedule.parse("30 2 * * *", UTC).isShifted(afterTheGap)).as("no gap in UTC").isFalse();
    assertThat(CronSchedule.parse("30 2 * * 1", PRAGUE).isShifted(afterTheGap)).as("not on Sundays").isFalse();
    assertThat(CronSchedule.parse("30 2 L 2 *", PRAGUE).isShifted(afterTheGap)).as("only in February").isFalse();
    assertThat(shift.isShifted(Instant.MIN)).isFalse();
    assertThat(shift.isShifted(Instant.MAX)).isFalse();
    assertThatThrownBy(() -> shift.isShifted(null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("fire");
  }

  @Test
  void requiresAPolicy() {
    assertThatThrownBy(() -> CronSchedule.parse("* * * * *", UTC, null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("dst");
    assertThatThrownBy(() -> new DstPolicy(null, OverlapPolicy.FIRST))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("gap");
    assertThatThrownBy(() -> new DstPolicy(GapPolicy.SHIFT, null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("overlap");
  }

  @Test
  void givesTheSameAnswersFromManyThreadsAtOnce() {
    CronSchedule schedule = CronSchedule.parse("*/7 1-3 * * *", NEW_YORK);
    Instant from = instant("2026-10-31T00:00Z");
    List<Instant> expected = schedule.next(from, 200);

    List<List<Instant>> results = IntStream.range(0, 64).parallel()
        .mapToObj(i -> CronSchedule.parse("*/7 1-3 * * *", NEW_YORK).next(from, 200))
        .toList();

    assertThat(results).allSatisfy(result -> assertThat(result).isEqualTo(expected));
  }

  private static void assertStrictlyIncreasing(List<Instant> instants) {
    for (int i = 1; i < instants.size(); i++) {
      assertThat(instants.get(i)).as("fire %d", i).isAfter(instants.get(i - 1));
    }
  }

  private static List<Instant> firesIn2026(CronSchedule schedule) {
    List<Instant> fires = new ArrayList<>();
    Instant cursor = instant("2026-01-01T00:00Z");
    while (cursor.isBefore(instant("2027-01-01T00:00Z"))) {
      cursor = schedule.nextAfter(cursor).orElseThrow();
      fires.add(cursor);
    }
    return fires;
  }

  private static Instant instant(String offsetDateTime) {
    return OffsetDateTime.parse(offsetDateTime).toInstant();
  }

  private static List<Instant> instants(String offsetDateTimes) {
    return Arrays.stream(offsetDateTimes.trim().split("\\s+")).map(CronScheduleTest::instant).toList();
  }
}
