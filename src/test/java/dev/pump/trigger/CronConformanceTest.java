package dev.pump.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.pump.trigger.CronSchedule.DstPolicy;
import dev.pump.trigger.CronSchedule.GapPolicy;
import dev.pump.trigger.CronSchedule.OverlapPolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Known answers for {@link CronSchedule}: every field form and combination, month ends, leap years, daylight saving
 * time in both directions with every {@link DstPolicy}, day-of-month/day-of-week OR, and the open cron-utils bugs our
 * layer must not inherit. The answers live in {@code src/test/resources/cron/conformance.txt}, one case a line, and
 * were worked out from the calendar and the zones' transitions ({@code zdump -v ZONE}), not printed from the code.
 * A second, seeded test compares the schedule with a brute-force reading of the calendar written here.
 */
class CronConformanceTest {

  private static final String TABLE = "/cron/conformance.txt";
  private static final int REQUIRED_CASES = 200;

  @TestFactory
  Stream<DynamicTest> answersEveryCaseOfTheTable() throws IOException {
    return table().stream().map(row -> dynamicTest(row.toString(), row::check));
  }

  @Test
  void theTableHasEnoughCasesOfEveryKind() throws IOException {
    List<Row> rows = table();

    assertThat(rows).filteredOn(row -> row.error() != null).isNotEmpty();
    assertThat(rows).filteredOn(row -> row.error() == null).hasSizeGreaterThanOrEqualTo(REQUIRED_CASES);
    for (String zone : List.of("Europe/Prague", "America/New_York", "Australia/Lord_Howe", "America/Santiago",
        "Pacific/Chatham")) {
      for (DstPolicy dst : allPolicies()) {
        assertThat(rows).as("%s with %s", zone, dst)
            .anyMatch(row -> zone.equals(row.zone()) && dst.equals(row.dst()));
      }
    }
    assertThat(rows).as("a shifted fire").anyMatch(row -> row.error() == null && row.expected().contains("!"));
  }

  /**
   * Random expressions of every field form, in zones with daylight saving time, from instants near transitions,
   * with every policy: the schedule must agree with {@link Oracle}, which walks the calendar day by day.
   */
  @TestFactory
  Stream<DynamicTest> agreesWithABruteForceWalkOfTheCalendar() {
    // -Dcron.oracle.cases=100000 -Dcron.oracle.seed=N explores further.
    Random random = new Random(Long.getLong("cron.oracle.seed", 20260329L));
    List<ZoneId> zones = Stream.of("UTC", "Europe/Prague", "America/New_York", "Australia/Lord_Howe",
        "America/Santiago", "Pacific/Chatham", "America/Havana", "Asia/Kolkata").map(ZoneId::of).toList();
    return IntStream.range(0, Integer.getInteger("cron.oracle.cases", 400)).mapToObj(i -> {
      String expression = randomExpression(random);
      ZoneId zone = zones.get(random.nextInt(zones.size()));
      DstPolicy dst = allPolicies().get(random.nextInt(4));
      Instant from = randomInstantNearATransition(random, zone);
      String name = i + ": " + expression + " in " + zone + " with " + dst + " after " + from;
      return dynamicTest(name, () -> {
        CronSchedule schedule = CronSchedule.parse(expression, zone, dst);
        Map<Instant, Boolean> want = new Oracle(expression, zone, dst).next(from, 8);

        List<Instant> fires = schedule.next(from, 8);

        assertThat(fires).as(name).containsExactlyElementsOf(want.keySet());
        for (Instant fire : fires) {
          assertThat(schedule.isShifted(fire)).as("%s: isShifted(%s)", name, fire).isEqualTo(want.get(fire));
        }
      });
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The table

  /**
   * One line of the table: {@code expression | zone | dst | from | expected}, where dst is {@code default} or
   * {@code gap,overlap} ({@code skip,both}) and expected is the fire instants as offset date-times, a {@code !}
   * after the ones that are shifted out of a gap, or {@code never}. An invalid expression is
   * {@code expression | error | message}.
   */
  private record Row(int line, String expression, String zone, DstPolicy dst, String from, String expected,
      String error) {

    void check() {
      if (error != null) {
        assertThatThrownBy(() -> CronSchedule.parse(expression, ZoneOffset.UTC))
            .isExactlyInstanceOf(IllegalArgumentException.class)
            .hasMessage(error);
        return;
      }
      CronSchedule schedule = CronSchedule.parse(expression, ZoneId.of(zone), dst);
      List<Instant> want = new ArrayList<>();
      List<Boolean> shifted = new ArrayList<>();
      if (!expected.equals("never")) {
        for (String token : expected.split("\\s+")) {
          boolean mark = token.endsWith("!");
          want.add(instant(mark ? token.substring(0, token.length() - 1) : token));
          shifted.add(mark);
        }
      }

      List<Instant> fires = schedule.next(instant(from), want.isEmpty() ? 3 : want.size());

      assertThat(fires).containsExactlyElementsOf(want);
      assertThat(fires.stream().map(schedule::isShifted).toList()).as("shifted").isEqualTo(shifted);
      assertThat(schedule.nextAfter(instant(from))).isEqualTo(want.stream().findFirst());
      // The table and the oracle were written separately: each checks the other.
      Map<Instant, Boolean> oracle =
          new Oracle(expression, ZoneId.of(zone), dst).next(instant(from), want.isEmpty() ? 3 : want.size());
      assertThat(oracle.keySet()).as("oracle").containsExactlyElementsOf(want);
      assertThat(List.copyOf(oracle.values())).as("oracle shifted").isEqualTo(shifted);
    }

    @Override
    public String toString() {
      return error != null
          ? "line " + line + ": \"" + expression + "\" is rejected"
          : "line " + line + ": " + expression + " in " + zone + " (" + dst.gap() + "," + dst.overlap() + ") after "
              + from;
    }
  }

  private static List<Row> table() throws IOException {
    List<Row> rows = new ArrayList<>();
    try (InputStream in = Objects.requireNonNull(CronConformanceTest.class.getResourceAsStream(TABLE), TABLE);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      int number = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        number++;
        if (line.isBlank() || line.stripLeading().startsWith("#")) {
          continue;
        }
        String[] cells = line.split("\\|", -1);
        for (int i = 0; i < cells.length; i++) {
          cells[i] = cells[i].trim();
        }
        if (cells.length == 3 && cells[1].equals("error")) {
          rows.add(new Row(number, cells[0], null, null, null, null, cells[2]));
        } else if (cells.length == 5) {
          rows.add(new Row(number, cells[0], cells[1], policy(cells[2]), cells[3], cells[4], null));
        } else {
          throw new IllegalStateException(TABLE + ":" + number + ": expected 5 cells or 3 with error: " + line);
        }
      }
    }
    return rows;
  }

  private static DstPolicy policy(String text) {
    if (text.equals("default")) {
      return DstPolicy.DEFAULT;
    }
    String[] parts = text.split(",");
    return new DstPolicy(GapPolicy.valueOf(parts[0].trim().toUpperCase(Locale.ROOT)),
        OverlapPolicy.valueOf(parts[1].trim().toUpperCase(Locale.ROOT)));
  }

  private static List<DstPolicy> allPolicies() {
    return List.of(
        new DstPolicy(GapPolicy.SHIFT, OverlapPolicy.FIRST), new DstPolicy(GapPolicy.SKIP, OverlapPolicy.FIRST),
        new DstPolicy(GapPolicy.SHIFT, OverlapPolicy.BOTH), new DstPolicy(GapPolicy.SKIP, OverlapPolicy.BOTH));
  }

  private static Instant instant(String offsetDateTime) {
    return OffsetDateTime.parse(offsetDateTime).toInstant();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Random cases for the oracle

  private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV",
      "DEC"};
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  private static String randomExpression(Random random) {
    boolean seconds = random.nextInt(5) == 0;
    String time = (seconds ? field(random, 0, 59, null, 4) + " " : "")
        + field(random, 0, 59, null, 4) + " " + field(random, 0, 23, null, 3);
    String days = field(random, 1, 31, null, 4) + " " + field(random, 1, 12, MONTHS, 5) + " "
        + field(random, 0, 7, DAYS, 3);
    return switch (random.nextInt(40)) {
      case 0 -> "@hourly";
      case 1 -> "@daily";
      case 2 -> "@weekly";
      case 3 -> "@monthly";
      default -> time + " " + days;
    };
  }

  /** A field of any form; {@code star} is one in how many fields is a bare {@code *}. */
  private static String field(Random random, int min, int max, String[] names, int star) {
    if (random.nextInt(star) == 0) {
      return "*";
    }
    int elements = random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1;
    List<String> list = new ArrayList<>();
    for (int i = 0; i < elements; i++) {
      int a = min + random.nextInt(max - min + 1);
      int b = min + random.nextInt(max - min + 1);
      int from = Math.min(a, b);
      int to = Math.max(a, b);
      int step = 1 + random.nextInt(Math.max(1, (max - min + 1) / 3));
      list.add(switch (random.nextInt(6)) {
        case 0 -> value(random, from, names);
        case 1 -> value(random, from, names) + "-" + value(random, to, names);
        case 2 -> "*/" + step;
        case 3 -> from + "-" + to + "/" + step;
        case 4 -> from + "/" + step;
        default -> String.valueOf(to);
      });
    }
    return String.join(",", list);
  }

  private static String value(Random random, int value, String[] names) {
    if (names == null || random.nextBoolean()) {
      return String.valueOf(value);
    }
    int index = names.length == 12 ? value - 1 : value % 7;
    String name = names[index];
    return random.nextBoolean() ? name : name.toLowerCase(Locale.ROOT);
  }

  /** Within a few hours of one of the zone's transitions in 2024-2030 (or anywhere then, for fixed zones). */
  private static Instant randomInstantNearATransition(Random random, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    Instant anywhere =
        Instant.parse("2024-01-01T00:00:00Z").plusSeconds((long) (random.nextDouble() * 7 * 365 * 86400));
    var transition = rules.nextTransition(anywhere);
    if (transition == null || random.nextInt(4) == 0) {
      return anywhere;
    }
    return transition.getInstant().plusSeconds(random.nextInt(6 * 3600) - 3 * 3600L);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The oracle

  /**
   * The syntax and the daylight saving rules of {@link CronSchedule}'s documentation read literally and evaluated
   * by brute force, day by day: independent of cron-utils and of the schedule's walk over offset periods. Assumes a
   * valid expression.
   */
  private static final class Oracle {
    private static final String[][] MACROS = {{"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"},
        {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"}, {"@midnight", "0 0 * * *"},
        {"@hourly", "0 * * * *"}};

    private final ZoneRules rules;
    private final DstPolicy dst;
    private final BitSet seconds;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean dayOfMonthStar;
    private final boolean dayOfWeekStar;
    private final boolean fixedTime;

    Oracle(String expression, ZoneId zone, DstPolicy dst) {
      this.rules = zone.getRules();
      this.dst = dst;
      String text = expression.trim();
      for (String[] macro : MACROS) {
        if (macro[0].equalsIgnoreCase(text)) {
          text = macro[1];
        }
      }
      String[] f = text.split("\\s+");
      if (f.length == 5) {
        f = new String[] {"0", f[0], f[1], f[2], f[3], f[4]};
      }
      seconds = values(f[0], 0, 59, null);
      minutes = values(f[1], 0, 59, null);
      hours = values(f[2], 0, 23, null);
      daysOfMonth = values(f[3], 1, 31, null);
      months = values(f[4], 1, 12, MONTHS);
      daysOfWeek = values(f[5], 0, 7, DAYS);
      if (daysOfWeek.get(7)) {
        daysOfWeek.set(0);
      }
      dayOfMonthStar = f[3].equals("*");
      dayOfWeekStar = f[5].equals("*");
      fixedTime = Stream.of(f[0], f[1], f[2]).noneMatch(field -> field.matches(".*[-*/].*"));
    }

    private static BitSet values(String field, int min, int max, String[] names) {
      BitSet set = new BitSet();
      for (String element : field.split(",")) {
        String[] baseAndStep = element.split("/");
        int step = baseAndStep.length == 2 ? Integer.parseInt(baseAndStep[1]) : 1;
        String base = baseAndStep[0];
        int from;
        int to;
        if (base.equals("*")) {
          from = min;
          to = max;
        } else if (base.contains("-")) {
          String[] ends = base.split("-");
          from = number(ends[0], min, names);
          to = number(ends[1], min, names);
          if (names == DAYS && to == 0 && from > 0 && !ends[1].matches("\\d+")) {
            to = 7; // SAT-SUN
          }
        } else {
          from = number(base, min, names);
          to = baseAndStep.length == 2 ? max : from;
        }
        for (int v = from; v <= to; v += step) {
          set.set(v);
        }
      }
      return set;
    }

    private static int number(String text, int min, String[] names) {
      if (text.matches("\\d+")) {
        return Integer.parseInt(text);
      }
      return min + List.of(names).indexOf(text.toUpperCase(Locale.ROOT));
    }

    private boolean matches(LocalDate day) {
      if (!months.get(day.getMonthValue())) {
        return false;
      }
      boolean dom = daysOfMonth.get(day.getDayOfMonth());
      boolean dow = daysOfWeek.get(day.getDayOfWeek().getValue() % 7);
      if (dayOfMonthStar || dayOfWeekStar) {
        return dom && dow; // the bare * matches every day, so this is the restricted one alone
      }
      return dom || dow;
    }

    /** The first {@code count} fires after {@code after}, each mapped to whether it is shifted out of a gap. */
    Map<Instant, Boolean> next(Instant after, int count) {
      TreeMap<Instant, Boolean> fires = new TreeMap<>();
      LocalDate day = LocalDateTime.ofInstant(after, rules.getOffset(after)).toLocalDate().minusDays(1);
      LocalDate end = day.plusYears(30);
      for (; day.isBefore(end); day = day.plusDays(1)) {
        if (!fires.isEmpty() && fires.size() >= count
            && day.isAfter(LocalDateTime.ofInstant(fires.lastKey(), ZoneOffset.UTC).toLocalDate().plusDays(2))) {
          break;
        }
        if (!matches(day)) {
          continue;
        }
        for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
          for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
            for (int s = seconds.nextSetBit(0); s >= 0; s = seconds.nextSetBit(s + 1)) {
              slot(day.atTime(h, m, s), after, fires);
              while (fires.size() > count) {
                fires.pollLastEntry();
              }
            }
          }
        }
      }
      return fires;
    }

    private void slot(LocalDateTime wall, Instant after, TreeMap<Instant, Boolean> fires) {
      List<ZoneOffset> offsets = rules.getValidOffsets(wall);
      List<Instant> instants = new ArrayList<>();
      boolean shifted = false;
      if (offsets.isEmpty()) {
        if (dst.gap() == GapPolicy.SHIFT) {
          instants.add(rules.getTransition(wall).getInstant());
          shifted = true;
        }
      } else if (offsets.size() == 1 || !fixedTime || dst.overlap() == OverlapPolicy.BOTH) {
        offsets.forEach(offset -> instants.add(wall.toInstant(offset)));
      } else {
        Instant first = wall.toInstant(offsets.get(0));
        Instant second = wall.toInstant(offsets.get(1));
        instants.add(first.isBefore(second) ? first : second);
      }
      for (Instant instant : instants) {
        if (instant.isAfter(after)) {
          boolean alsoUnshifted = fires.containsKey(instant) && !fires.get(instant);
          fires.put(instant, shifted && !alsoUnshifted);
        }
      }
    }
  }
}
