package dev.pump.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.trigger.CronSchedule.DstPolicy;
import dev.pump.trigger.CronSchedule.GapPolicy;
import dev.pump.trigger.CronSchedule.OverlapPolicy;
import java.text.ParseException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TimeZone;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The day forms of Quartz, croner and cron-parser: {@code L}, {@code L-n}, {@code nW}, {@code LW}, {@code d#n},
 * {@code dL} and {@code ?}. Each is checked three ways: known answers worked out from the calendar (python's
 * {@code calendar} module, by hand), Quartz's {@code CronExpression} on random expressions of that form, and a reading
 * of the forms with {@code java.time}'s {@link TemporalAdjusters} for lists and the day-of-month/day-of-week OR rule,
 * which Quartz does not have.
 */
class CronExtensionsTest {

  private static final long SEED = Long.getLong("cron.extensions.seed", 20260131L);
  private static final String[] DAY_NAMES = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  /** 2026: January starts on a Thursday, February and March on a Sunday, August on a Saturday. */
  @ParameterizedTest(name = "{0} after {1}")
  @CsvSource(delimiter = '|', textBlock = """
      0 0 L * *            | 2026-01-01T00:00Z | 2026-01-31T00:00Z 2026-02-28T00:00Z 2026-03-31T00:00Z 2026-04-30T00:00Z
      0 0 l 2 *            | 2027-03-01T00:00Z | 2028-02-29T00:00Z 2029-02-28T00:00Z
      0 0 L-3 * *          | 2026-01-01T00:00Z | 2026-01-28T00:00Z 2026-02-25T00:00Z 2026-03-28T00:00Z 2026-04-27T00:00Z
      0 0 L,15 * *         | 2026-01-01T00:00Z | 2026-01-15T00:00Z 2026-01-31T00:00Z 2026-02-15T00:00Z 2026-02-28T00:00Z
      0 0 L-30 * *         | 2026-01-01T00:00Z | 2026-03-01T00:00Z 2026-05-01T00:00Z 2026-07-01T00:00Z
      0 0 15W * *          | 2026-01-01T00:00Z | 2026-01-15T00:00Z 2026-02-16T00:00Z 2026-03-16T00:00Z 2026-04-15T00:00Z
      0 0 1W * *           | 2026-07-15T00:00Z | 2026-08-03T00:00Z 2026-09-01T00:00Z 2026-10-01T00:00Z 2026-11-02T00:00Z
      0 0 31W * *          | 2026-01-01T00:00Z | 2026-01-30T00:00Z 2026-03-31T00:00Z 2026-05-29T00:00Z
      0 0 LW * *           | 2026-01-01T00:00Z | 2026-01-30T00:00Z 2026-02-27T00:00Z 2026-03-31T00:00Z 2026-04-30T00:00Z 2026-05-29T00:00Z
      0 0 15W,L * *        | 2026-01-01T00:00Z | 2026-01-15T00:00Z 2026-01-31T00:00Z 2026-02-16T00:00Z 2026-02-28T00:00Z
      0 0 ? * MON#1        | 2026-01-01T00:00Z | 2026-01-05T00:00Z 2026-02-02T00:00Z 2026-03-02T00:00Z 2026-04-06T00:00Z
      0 0 * * 5#3          | 2026-01-01T00:00Z | 2026-01-16T00:00Z 2026-02-20T00:00Z 2026-03-20T00:00Z
      0 0 * * 1#5          | 2026-01-01T00:00Z | 2026-03-30T00:00Z 2026-06-29T00:00Z
      0 0 * * 7#1          | 2026-01-01T00:00Z | 2026-01-04T00:00Z 2026-02-01T00:00Z
      0 0 * * 5L           | 2026-01-01T00:00Z | 2026-01-30T00:00Z 2026-02-27T00:00Z 2026-03-27T00:00Z 2026-04-24T00:00Z
      0 0 * * fril         | 2026-01-01T00:00Z | 2026-01-30T00:00Z 2026-02-27T00:00Z
      0 0 * * 0L           | 2026-03-01T00:00Z | 2026-03-29T00:00Z 2026-04-26T00:00Z
      0 0 * * 7L           | 2026-03-01T00:00Z | 2026-03-29T00:00Z 2026-04-26T00:00Z
      0 0 ? * MON          | 2026-01-01T00:00Z | 2026-01-05T00:00Z 2026-01-12T00:00Z
      0 0 1 * ?            | 2026-01-01T00:00Z | 2026-02-01T00:00Z 2026-03-01T00:00Z
      0 0 L * 5            | 2026-01-01T00:00Z | 2026-01-02T00:00Z 2026-01-09T00:00Z 2026-01-16T00:00Z 2026-01-23T00:00Z 2026-01-30T00:00Z 2026-01-31T00:00Z 2026-02-06T00:00Z
      0 0 13 * 5L          | 2026-01-01T00:00Z | 2026-01-13T00:00Z 2026-01-30T00:00Z 2026-02-13T00:00Z 2026-02-27T00:00Z
      0 0 * * MON#1,FRIL   | 2026-01-01T00:00Z | 2026-01-05T00:00Z 2026-01-30T00:00Z 2026-02-02T00:00Z 2026-02-27T00:00Z
      0 0 LW * MON#1       | 2026-01-01T00:00Z | 2026-01-05T00:00Z 2026-01-30T00:00Z 2026-02-02T00:00Z 2026-02-27T00:00Z
      30 0 12 L * ?        | 2026-01-31T12:00:30Z | 2026-02-28T12:00:30Z
      """)
  void firesOnTheDaysTheCalendarPredicts(String expression, String from, String expected) {
    CronSchedule schedule = CronSchedule.parse(expression, ZoneOffset.UTC);
    List<Instant> want = Arrays.stream(expected.split("\\s+")).map(CronExtensionsTest::instant).toList();

    assertThat(schedule.next(instant(from), want.size())).containsExactlyElementsOf(want);
  }

  @Test
  void shiftsTheLastSundayOfMarchOutOfTheGapOrSkipsItForEver() {
    ZoneId prague = ZoneId.of("Europe/Prague");
    CronSchedule shift = CronSchedule.parse("30 2 ? 3 0L", prague);
    CronSchedule skip = CronSchedule.parse("30 2 ? 3 0L", prague, new DstPolicy(GapPolicy.SKIP, OverlapPolicy.FIRST));
    Instant from = instant("2026-01-01T00:00Z");

    List<Instant> fires = shift.next(from, 2);

    assertThat(fires).containsExactly(instant("2026-03-29T03:00+02:00"), instant("2027-03-28T03:00+02:00"));
    assertThat(fires).allMatch(shift::isShifted);
    assertThat(skip.nextAfter(from)).as("every slot falls in the gap: none within 400 years").isEmpty();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Quartz, one form at a time (Quartz takes one special element per field and needs ? in the other day field)

  @Test
  void agreesWithQuartzOnEachForm() throws ParseException {
    Random random = new Random(SEED);
    int cases = 0;
    for (int i = 0; i < 3_000; i++) {
      String time = random.nextInt(60) + " " + random.nextInt(60) + " " + random.nextInt(24);
      String months = random.nextInt(3) == 0 ? (1 + random.nextInt(12)) + "-12" : "*";
      String[] pair = randomDayForm(random); // ours, Quartz
      String ours = time + " " + pair[0].replace("{month}", months);
      String quartz = time + " " + pair[1].replace("{month}", months);
      CronSchedule schedule = CronSchedule.parse(ours, ZoneOffset.UTC);
      org.quartz.CronExpression reference = new org.quartz.CronExpression(quartz);
      reference.setTimeZone(TimeZone.getTimeZone("UTC"));
      Instant cursor = Instant.parse("2020-01-01T00:00:00Z").plusSeconds(random.nextInt(20 * 365 * 86_400));
      for (int n = 0; n < 12; n++, cases++) {
        if (pair[0].contains("W ")) {
          // Quartz skips a month when asked from a day after 15 but before the weekday 15W moved to (Sunday the 15th:
          // asked on Monday the 16th at 06:00, it answers the next month): ask from the first of a month instead.
          LocalDate first = LocalDate.of(2020 + random.nextInt(20), 1 + random.nextInt(12), 1);
          cursor = first.atStartOfDay().toInstant(ZoneOffset.UTC).minusSeconds(1);
        }
        Instant want = reference.getNextValidTimeAfter(Date.from(cursor)).toInstant();
        Instant got = schedule.nextAfter(cursor).orElseThrow();
        assertThat(got).as("seed %d: \"%s\" (Quartz \"%s\") after %s", SEED, ours, quartz, cursor).isEqualTo(want);
        cursor = got;
      }
    }
    assertThat(cases).isEqualTo(36_000);
  }

  /** A day-of-month or day-of-week form and its Quartz spelling (Quartz numbers Sunday 1). */
  private static String[] randomDayForm(Random random) {
    int day = 1 + random.nextInt(28);
    int weekday = random.nextInt(7);
    String name = DAY_NAMES[weekday];
    return switch (random.nextInt(7)) {
      case 0 -> new String[] {"L {month} ?", "L {month} ?"};
      case 1 -> {
        int before = 1 + random.nextInt(27); // Quartz leaves L-28 and beyond in February undefined
        yield new String[] {"L-" + before + " {month} *", "L-" + before + " {month} ?"};
      }
      case 2 -> new String[] {day + "W {month} ?", day + "W {month} ?"};
      case 3 -> new String[] {"LW {month} *", "LW {month} ?"};
      case 4 -> {
        int week = 1 + random.nextInt(5);
        String ours = random.nextBoolean() ? name + "#" + week : weekday + "#" + week;
        yield new String[] {"? {month} " + ours, "? {month} " + (weekday + 1) + "#" + week};
      }
      case 5 -> new String[] {"* {month} " + (random.nextBoolean() ? name : String.valueOf(weekday)) + "L",
        "? {month} " + (weekday + 1) + "L"};
      default -> new String[] {"? {month} " + name, "? {month} " + name};
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // java.time, for lists and the OR rule

  @Test
  void agreesWithJavaTimeOnListsAndTheDayOfMonthOrDayOfWeekRule() {
    Random random = new Random(SEED + 1);
    for (int i = 0; i < 2_000; i++) {
      List<String> monthDays = new ArrayList<>();
      List<Predicate<LocalDate>> monthDayTests = new ArrayList<>();
      List<String> weekDays = new ArrayList<>();
      List<Predicate<LocalDate>> weekDayTests = new ArrayList<>();
      int elements = random.nextInt(3);
      for (int e = 0; e < elements; e++) {
        addMonthDay(random, monthDays, monthDayTests);
      }
      elements = random.nextInt(3);
      for (int e = 0; e < elements; e++) {
        addWeekDay(random, weekDays, weekDayTests);
      }
      String dom = monthDays.isEmpty() ? (random.nextBoolean() ? "*" : "?") : String.join(",", monthDays);
      String dow = weekDays.isEmpty() ? (random.nextBoolean() ? "*" : "?") : String.join(",", weekDays);
      String expression = "0 12 " + dom + " * " + dow;
      Predicate<LocalDate> byMonthDay = date -> monthDayTests.stream().anyMatch(test -> test.test(date));
      Predicate<LocalDate> byWeekDay = date -> weekDayTests.stream().anyMatch(test -> test.test(date));
      Predicate<LocalDate> matches = monthDays.isEmpty() && weekDays.isEmpty() ? date -> true
          : monthDays.isEmpty() ? byWeekDay : weekDays.isEmpty() ? byMonthDay : byMonthDay.or(byWeekDay);

      CronSchedule schedule = CronSchedule.parse(expression, ZoneOffset.UTC);
      LocalDate day = LocalDate.of(2024, 1, 1).plusDays(random.nextInt(3 * 365));
      Instant cursor = day.atStartOfDay().toInstant(ZoneOffset.UTC);
      for (int n = 0; n < 8; n++) {
        while (!matches.test(day)) {
          day = day.plusDays(1);
        }
        Instant want = day.atTime(12, 0).toInstant(ZoneOffset.UTC);
        Instant got = schedule.nextAfter(cursor).orElseThrow();
        assertThat(got).as("seed %d: \"%s\" after %s", SEED + 1, expression, cursor).isEqualTo(want);
        cursor = got;
        day = day.plusDays(1);
      }
    }
  }

  private static void addMonthDay(Random random, List<String> texts, List<Predicate<LocalDate>> tests) {
    int day = 1 + random.nextInt(31);
    switch (random.nextInt(5)) {
      case 0 -> {
        texts.add("L");
        tests.add(date -> date.equals(date.with(TemporalAdjusters.lastDayOfMonth())));
      }
      case 1 -> {
        int before = 1 + random.nextInt(5);
        texts.add("L-" + before);
        tests.add(date -> date.equals(date.with(TemporalAdjusters.lastDayOfMonth()).minusDays(before)));
      }
      case 2 -> {
        texts.add(day + "W");
        tests.add(date -> date.lengthOfMonth() >= day && date.equals(nearestWeekday(date.withDayOfMonth(day))));
      }
      case 3 -> {
        texts.add("LW");
        tests.add(date -> date.equals(nearestWeekday(date.with(TemporalAdjusters.lastDayOfMonth()))));
      }
      default -> {
        texts.add(String.valueOf(day));
        tests.add(date -> date.getDayOfMonth() == day);
      }
    }
  }

  /** Quartz's W: Saturday to the Friday before, Sunday to the Monday after, without leaving the month. */
  private static LocalDate nearestWeekday(LocalDate date) {
    LocalDate moved = switch (date.getDayOfWeek()) {
      case SATURDAY -> date.minusDays(1);
      case SUNDAY -> date.plusDays(1);
      default -> date;
    };
    if (moved.getMonth() == date.getMonth()) {
      return moved;
    }
    return date.getDayOfWeek() == DayOfWeek.SATURDAY ? date.plusDays(2) : date.minusDays(2);
  }

  private static void addWeekDay(Random random, List<String> texts, List<Predicate<LocalDate>> tests) {
    int weekday = random.nextInt(7);
    DayOfWeek dayOfWeek = DayOfWeek.of(weekday == 0 ? 7 : weekday);
    String text = random.nextBoolean() ? DAY_NAMES[weekday].toLowerCase(Locale.ROOT) : String.valueOf(weekday);
    switch (random.nextInt(3)) {
      case 0 -> {
        int week = 1 + random.nextInt(5);
        texts.add(text + "#" + week);
        tests.add(date -> date.equals(date.with(TemporalAdjusters.dayOfWeekInMonth(week, dayOfWeek)))
            && date.getDayOfWeek() == dayOfWeek);
      }
      case 1 -> {
        texts.add(text + "L");
        tests.add(date -> date.equals(date.with(TemporalAdjusters.lastInMonth(dayOfWeek))));
      }
      default -> {
        texts.add(text);
        tests.add(date -> date.getDayOfWeek() == dayOfWeek);
      }
    }
  }

  private static Instant instant(String offsetDateTime) {
    return OffsetDateTime.parse(offsetDateTime).toInstant();
  }
}
