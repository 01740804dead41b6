package dev.pump.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.pump.trigger.CronSchedule.DstPolicy;
import dev.pump.trigger.CronSchedule.GapPolicy;
import dev.pump.trigger.CronSchedule.OverlapPolicy;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * 100 000 random (expression, zone, daylight saving policy, instant) cases: the compiled schedule must give the fire
 * that a {@link Reference} finds: the next matching wall-clock slot, mapped to an instant by a walk over
 * {@link LocalDateTime} and {@link ZoneRules} (the algorithm {@code CronSchedule} had before it was compiled to bit
 * sets). The slot comes from a brute-force walk of the calendar, day by day, for every case, and from cron-utils'
 * {@link ExecutionTime} as well for the cases of one expression in {@value #CRON_UTILS_EVERY}. cron-utils is
 * given each field as an explicit list of numbers and ranges, so only its search is used, not its reading of names,
 * steps or Sunday 7. Seeded: {@code -Dcron.random.seed=N} replays a run, and every failure names its seed;
 * {@code -Dcron.random.cases=N} runs more.
 */
class CronRandomizedTest {

  private static final long SEED = Long.getLong("cron.random.seed", 20261103L);
  private static final int CASES = Integer.getInteger("cron.random.cases", 100_000);
  /** Cases per expression: cron-utils compiles slowly, so each expression is asked about many instants. */
  private static final int CASES_PER_EXPRESSION = 100;
  /** cron-utils takes 50-400 us a call: it checks all cases of one expression in 20. */
  private static final int CRON_UTILS_EVERY = 20;

  private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV",
      "DEC"};
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  private static final List<ZoneId> ZONES = Stream.of("UTC", "Europe/Prague", "America/New_York",
      "Australia/Lord_Howe", "America/Santiago", "Pacific/Chatham", "Asia/Kolkata", "America/Sao_Paulo",
      "Africa/Casablanca", "Europe/Dublin", "Antarctica/Troll", "America/Havana").map(ZoneId::of).toList();
  private static final List<DstPolicy> POLICIES = List.of(
      new DstPolicy(GapPolicy.SHIFT, OverlapPolicy.FIRST), new DstPolicy(GapPolicy.SKIP, OverlapPolicy.FIRST),
      new DstPolicy(GapPolicy.SHIFT, OverlapPolicy.BOTH), new DstPolicy(GapPolicy.SKIP, OverlapPolicy.BOTH));

  private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final CronParser WITH_SECONDS = new CronParser(unixWithSeconds());

  @Test
  void agreesWithABruteForceWalkAndCronUtilsOnAHundredThousandCases() {
    Random random = new Random(SEED);
    int cases = 0;
    for (int expressions = 0; cases < CASES; expressions++) {
      Generated expression = Generated.random(random);
      Reference bruteForce = new Reference(expression.fixedTime(), expression::nextSlotAfter);
      Reference byCronUtils = expressions % CRON_UTILS_EVERY != 0 ? null : cronUtils(expression);
      for (int i = 0; i < CASES_PER_EXPRESSION && cases < CASES; i++, cases++) {
        ZoneId zone = ZONES.get(random.nextInt(ZONES.size()));
        DstPolicy dst = POLICIES.get(random.nextInt(POLICIES.size()));
        Instant from = randomInstant(random, zone);
        CronSchedule schedule = CronSchedule.parse(expression.text(), zone, dst);

        Optional<Instant> got = schedule.nextAfter(from);

        Optional<Instant> want = bruteForce.nextAfter(from, zone, dst);
        if (!got.equals(want)) { // the message only when it is needed: formatting it costs more than the search
          assertThat(got).as(describe(cases, expression, zone, dst, from)).isEqualTo(want);
        }
        if (byCronUtils != null && !got.equals(byCronUtils.nextAfter(from, zone, dst))) {
          assertThat(got).as("cron-utils, " + describe(cases, expression, zone, dst, from))
              .isEqualTo(byCronUtils.nextAfter(from, zone, dst));
        }
      }
    }
    assertThat(cases).isEqualTo(CASES);
  }

  private static Reference cronUtils(Generated expression) {
    ExecutionTime executionTime = ExecutionTime.forCron(
        (expression.hasSeconds() ? WITH_SECONDS : UNIX).parse(expression.canonical()));
    return new Reference(expression.fixedTime(),
        wall -> executionTime.nextExecution(wall.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime));
  }

  private static String describe(int index, Generated expression, ZoneId zone, DstPolicy dst, Instant from) {
    return String.format("seed %d, case %d: \"%s\" (cron-utils \"%s\") in %s with %s after %s", SEED, index,
        expression.text(), expression.canonical(), zone, dst, from);
  }

  /** Within three hours of one of the zone's transitions in 2000-2040 half of the time, anywhere then otherwise. */
  private static Instant randomInstant(Random random, ZoneId zone) {
    Instant anywhere = Instant.parse("2000-01-01T00:00:00Z")
        .plusSeconds((long) (random.nextDouble() * 40 * 365 * 86_400)).plusMillis(random.nextInt(4) == 0
            ? random.nextInt(1000) : 0);
    ZoneOffsetTransition transition = zone.getRules().nextTransition(anywhere);
    if (transition == null || random.nextBoolean()) {
      return anywhere;
    }
    return transition.getInstant().plusSeconds(random.nextInt(6 * 3600) - 3 * 3600L);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Random expressions, written two ways

  /**
   * @param text our spelling: values, names, ranges, steps, lists
   * @param canonical the same fields as explicit lists of numbers (Sunday 0), or {@code *}
   * @param fixedTime whether second, minute and hour have no wildcard, range or step
   */
  private record Generated(String text, String canonical, boolean hasSeconds, boolean fixedTime, long[] bits,
      boolean dayOfMonthStar, boolean dayOfWeekStar) {

    static Generated random(Random random) {
      boolean hasSeconds = random.nextInt(4) == 0;
      List<String> text = new ArrayList<>();
      List<String> canonical = new ArrayList<>();
      long[] bits = {1, 0, 0, 0, 0, 0}; // second 0 in the 5-field form
      boolean[] star = new boolean[6];
      boolean fixedTime = true;
      int[][] ranges = {{0, 59}, {0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}}; // Sunday is 0 and 7
      String[][] names = {null, null, null, null, MONTHS, DAYS};
      int[] stars = {3, 3, 3, 2, 2, 2}; // one in how many fields is a bare *
      for (int f = hasSeconds ? 0 : 1; f < 6; f++) {
        Field field = Field.random(random, ranges[f][0], ranges[f][1], names[f], stars[f], f == 3);
        text.add(field.text());
        canonical.add(field.canonical());
        bits[f] = field.bits();
        star[f] = field.text().equals("*");
        if (f <= 2) {
          fixedTime &= !field.repeating();
        }
      }
      return new Generated(String.join(" ", text), String.join(" ", canonical), hasSeconds, fixedTime, bits, star[3],
          star[5]);
    }

    /** The brute-force slot search: day by day for 30 years, then the times of a matching day in order. */
    Optional<LocalDateTime> nextSlotAfter(LocalDateTime wall) {
      LocalDate day = wall.toLocalDate();
      int after = wall.toLocalTime().toSecondOfDay(); // on the first day only: slots up to it are not after it
      for (LocalDate end = day.plusYears(30); day.isBefore(end); day = day.plusDays(1), after = -1) {
        if (!matches(day)) {
          continue;
        }
        for (int h = 0; h < 24; h++) {
          for (int m = 0; m < 60 && has(2, h); m++) {
            for (int s = 0; s < 60 && has(1, m); s++) {
              if (has(0, s) && h * 3600 + m * 60 + s > after) {
                return Optional.of(day.atTime(h, m, s));
              }
            }
          }
        }
      }
      return Optional.empty();
    }

    private boolean matches(LocalDate day) {
      if (!has(4, day.getMonthValue())) {
        return false;
      }
      boolean dom = has(3, day.getDayOfMonth());
      boolean dow = has(5, day.getDayOfWeek().getValue() % 7);
      return dayOfMonthStar || dayOfWeekStar ? dom && dow : dom || dow;
    }

    private boolean has(int field, int value) {
      return (bits[field] & (1L << value)) != 0;
    }
  }

  private record Field(String text, String canonical, long bits, boolean repeating) {

    /** @param monthDays day-of-month: values up to 28 mostly, so that months rarely run out of days */
    static Field random(Random random, int min, int max, String[] names, int star, boolean monthDays) {
      if (random.nextInt(star) == 0) {
        return new Field("*", "*", range(min, names == DAYS ? 6 : max, 1), true);
      }
      long bits = 0;
      boolean repeating = false;
      List<String> elements = new ArrayList<>();
      int count = random.nextInt(3) == 0 ? 2 + random.nextInt(2) : 1;
      int top = monthDays && random.nextInt(8) != 0 ? 28 : max;
      for (int i = 0; i < count; i++) {
        int a = min + random.nextInt(top - min + 1);
        int b = min + random.nextInt(top - min + 1);
        int from = Math.min(a, b);
        int to = Math.max(a, b);
        int step = 1 + random.nextInt(Math.max(1, (max - min + 1) / 4));
        switch (random.nextInt(5)) {
          case 0 -> {
            elements.add(name(random, from, min, names));
            bits |= 1L << from;
          }
          case 1 -> {
            elements.add(name(random, from, min, names) + "-" + name(random, to, min, names));
            bits |= range(from, to, 1);
            repeating = true;
          }
          case 2 -> {
            elements.add("*/" + step);
            bits |= range(min, max, step);
            repeating = true;
          }
          case 3 -> {
            elements.add(from + "-" + to + "/" + step);
            bits |= range(from, to, step);
            repeating = true;
          }
          default -> {
            elements.add(from + "/" + step);
            bits |= range(from, max, step);
            repeating = true;
          }
        }
      }
      if (monthDays && (bits & ((1L << 29) - 2)) == 0) {
        // only days 29-31: keep a day that every month has, or the schedule might never fire (and be refused)
        elements.add("1");
        bits |= 1L << 1;
      }
      if (names == DAYS && (bits & (1L << 7)) != 0) {
        bits = bits & ~(1L << 7) | 1; // Sunday 7 is Sunday 0
      }
      // runs as ranges, as CronSchedule used to hand them to cron-utils: a long list of single values is slow there
      StringJoiner list = new StringJoiner(",");
      for (int value = Long.numberOfTrailingZeros(bits); value < 64; ) {
        int end = value;
        while ((bits & (1L << (end + 1))) != 0) {
          end++;
        }
        list.add(end == value ? String.valueOf(value) : value + "-" + end);
        value = Long.numberOfTrailingZeros(bits & (-1L << (end + 1)));
      }
      return new Field(String.join(",", elements), list.toString(), bits, repeating);
    }

    /** A name for some values; never for Sunday, whose name means 0 or 7 depending on where it stands. */
    private static String name(Random random, int value, int min, String[] names) {
      if (names == null || names == DAYS && (value == 0 || value == 7) || random.nextBoolean()) {
        return String.valueOf(value);
      }
      String name = names[value - min];
      return random.nextBoolean() ? name : name.toLowerCase(Locale.ROOT);
    }

    private static long range(int from, int to, int step) {
      long bits = 0;
      for (int v = from; v <= to; v += step) {
        bits |= 1L << v;
      }
      return bits;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The reference

  /**
   * A slot search (evaluated on the wall clock, with no zone) and a walk over the zone's offset periods with
   * {@link LocalDateTime} and {@link ZoneRules}.
   */
  private static final class Reference {
    private final boolean fixedTime;
    private final Function<LocalDateTime, Optional<LocalDateTime>> nextSlotAfter;

    Reference(boolean fixedTime, Function<LocalDateTime, Optional<LocalDateTime>> nextSlotAfter) {
      this.fixedTime = fixedTime;
      this.nextSlotAfter = nextSlotAfter;
    }

    Optional<Instant> nextAfter(Instant instant, ZoneId zone, DstPolicy dst) {
      try {
        return walk(instant, zone.getRules(), dst);
      } catch (DateTimeException beyondLocalDateTimeRange) {
        return Optional.empty();
      }
    }

    private Optional<Instant> walk(Instant instant, ZoneRules rules, DstPolicy dst) {
      Instant from = instant;
      boolean includeFrom = false;
      while (true) {
        ZoneOffset offset = rules.getOffset(from);
        LocalDateTime wall = LocalDateTime.ofEpochSecond(from.getEpochSecond(), 0, offset);
        LocalDateTime searchAfter = includeFrom ? wall.minusSeconds(1) : wall;
        if (fixedTime && dst.overlap() == OverlapPolicy.FIRST) {
          ZoneOffsetTransition overlap = rules.getTransition(wall);
          if (overlap != null && overlap.isOverlap() && offset.equals(overlap.getOffsetAfter())) {
            searchAfter = overlap.getDateTimeBefore().minusSeconds(1);
          }
        }
        Optional<LocalDateTime> found = nextSlotAfter.apply(searchAfter);
        if (found.isEmpty()) {
          return Optional.empty();
        }
        LocalDateTime slot = found.get();
        ZoneOffsetTransition transition = rules.nextTransition(from);
        if (transition == null || slot.isBefore(transition.getDateTimeBefore())) {
          return Optional.of(slot.toInstant(offset));
        }
        if (transition.isGap() && dst.gap() == GapPolicy.SHIFT && !slot.isAfter(transition.getDateTimeAfter())) {
          return Optional.of(transition.getInstant());
        }
        from = transition.getInstant();
        includeFrom = true;
      }
    }
  }

  /** The UNIX definition with a leading seconds field; day-of-month/day-of-week OR as in UNIX. */
  private static CronDefinition unixWithSeconds() {
    return CronDefinitionBuilder.defineCron()
        .withSeconds().withValidRange(0, 59).withStrictRange().and()
        .withMinutes().withValidRange(0, 59).withStrictRange().and()
        .withHours().withValidRange(0, 23).withStrictRange().and()
        .withDayOfMonth().withValidRange(1, 31).withStrictRange().and()
        .withMonth().withValidRange(1, 12).withStrictRange().and()
        .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange().and()
        .instance();
  }
}
