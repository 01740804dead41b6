package dev.pump.trigger;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * A cron expression bound to a time zone: when does it fire next?
 *
 * <h2>Syntax</h2>
 * Five fields separated by whitespace, {@code minute hour day-of-month month day-of-week}, or six with a
 * leading {@code second} field (<code>*&#47;10 * * * * *</code> fires every 10 seconds).
 * <table>
 *   <caption>Fields</caption>
 *   <tr><th>field</th><th>values</th></tr>
 *   <tr><td>second (6-field form only)</td><td>0-59</td></tr>
 *   <tr><td>minute</td><td>0-59</td></tr>
 *   <tr><td>hour</td><td>0-23</td></tr>
 *   <tr><td>day-of-month</td><td>1-31</td></tr>
 *   <tr><td>month</td><td>1-12 or JAN-DEC</td></tr>
 *   <tr><td>day-of-week</td><td>0-7 or SUN-SAT; Sunday is 0 or 7</td></tr>
 * </table>
 * Each field is {@code *} or a comma-separated list of {@code a}, {@code a-b}, <code>*&#47;n</code>,
 * {@code a-b/n} and {@code a/n} (from {@code a} to the field's maximum). Names are case-insensitive;
 * {@code SUN} at the end of a range means 7, so {@code SAT-SUN} is the weekend. A range must not run
 * backwards and a step must be between 1 and the number of values of its field.
 * The macros {@code @yearly} (= {@code @annually}, {@code 0 0 1 1 *}), {@code @monthly} ({@code 0 0 1 * *}),
 * {@code @weekly} ({@code 0 0 * * 0}), {@code @daily} (= {@code @midnight}, {@code 0 0 * * *}) and
 * {@code @hourly} ({@code 0 * * * *}) stand for a whole expression.
 * The Quartz extensions {@code L}, {@code W}, {@code #} and {@code ?} are not supported.
 * <p>
 * When both day-of-month and day-of-week are restricted (anything but a bare {@code *}), a day matches if
 * <em>either</em> matches, as in classic crontab: {@code 0 0 13 * 5} fires every Friday and every 13th. When
 * only one of them is restricted, only that one counts.
 *
 * <h2>Daylight saving time</h2>
 * Slots are wall-clock times in {@link #zone()}. What happens to a slot whose wall-clock time does not exist or
 * exists twice is the schedule's {@link DstPolicy}; {@link DstPolicy#DEFAULT} is {@code gap=SHIFT, overlap=FIRST}.
 * <ul>
 *   <li>A slot that falls in a spring-forward gap fires at the first instant after the gap with
 *       {@link GapPolicy#SHIFT}: {@code 30 2 * * *} fires at 03:00 on a day when 02:00-03:00 does not exist. Slots
 *       that collapse onto the same instant fire once. {@link #isShifted(Instant)} tells such a fire from a slot
 *       that fires at its own time. With {@link GapPolicy#SKIP} the slot does not fire that day.</li>
 *   <li>In a fall-back overlap, a schedule whose second, minute and hour fields are all fixed (single values
 *       or lists of them) fires once, at the first occurrence (the earlier offset), with
 *       {@link OverlapPolicy#FIRST}, and at both occurrences with {@link OverlapPolicy#BOTH}. With either policy,
 *       if any of these fields is a wildcard, a range or a step (<code>*&#47;30 * * * *</code>,
 *       {@code 0 * * * *}, {@code 0 1-3 * * *}), the schedule keeps firing through both copies of the repeated
 *       wall-clock time, as the clock runs.</li>
 * </ul>
 * Every fire instant is distinct: {@link #nextAfter(Instant)} is strictly after its argument.
 *
 * <h2>Use</h2>
 * Instances are immutable values and thread-safe. A small bounded cache hands out one shared instance per
 * (expression, zone, daylight saving policy), so many triggers with few distinct schedules parse each schedule once.
 * Equality is by (trimmed) expression, zone and daylight saving policy.
 */
public final class CronSchedule {

  /** What happens to a slot whose wall-clock time falls in a spring-forward gap, so does not exist that day. */
  public enum GapPolicy {
    /** Fire at the first instant after the gap: {@code 30 2 * * *} fires at 03:00. The default. */
    SHIFT,
    /** Do not fire that day. */
    SKIP
  }

  /**
   * What happens to a slot of a schedule with fixed second, minute and hour fields whose wall-clock time falls in a
   * fall-back overlap, so occurs twice. Schedules with a wildcard, range or step in these fields fire through both
   * copies of the repeated time with either policy.
   */
  public enum OverlapPolicy {
    /** Fire once, at the first occurrence (the earlier offset). The default. */
    FIRST,
    /** Fire at both occurrences. */
    BOTH
  }

  /**
   * The daylight saving policy of a schedule.
   *
   * @param gap what happens to a slot in a spring-forward gap
   * @param overlap what happens to a fixed slot in a fall-back overlap
   */
  public record DstPolicy(GapPolicy gap, OverlapPolicy overlap) {
    /** {@link GapPolicy#SHIFT} and {@link OverlapPolicy#FIRST}. */
    public static final DstPolicy DEFAULT = new DstPolicy(GapPolicy.SHIFT, OverlapPolicy.FIRST);

    /** @throws NullPointerException if either policy is {@code null} */
    public DstPolicy {
      Objects.requireNonNull(gap, "gap");
      Objects.requireNonNull(overlap, "overlap");
    }
  }

  private static final String[] MACRO_NAMES =
      {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"};
  private static final String[] MACRO_EXPANSIONS =
      {"0 0 1 1 *", "0 0 1 1 *", "0 0 1 * *", "0 0 * * 0", "0 0 * * *", "0 0 * * *", "0 * * * *"};

  private static final String FIELD_COUNT_RULE =
      "expected 5 fields (minute hour day-of-month month day-of-week) or 6 with leading seconds";

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern NUMBER = Pattern.compile("\\d+");
  private static final Pattern QUARTZ_EXTENSION = Pattern.compile("(?i).*[#?].*|L|LW|L-\\d+|\\d+[LW]");

  private static final CronParser UNIX_PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final CronParser SECONDS_PARSER = new CronParser(unixWithSeconds());

  private static final int CACHE_SIZE = 512;
  private static final Map<Key, CronSchedule> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, CronSchedule> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  private final String expression;
  private final ZoneId zone;
  private final DstPolicy dst;
  private final ZoneRules rules;
  private final Spec spec;
  // The last answer: triggers sharing this (cached) instance ask about the same scheduled instants.
  private volatile Memo memo;

  private CronSchedule(String expression, ZoneId zone, DstPolicy dst, Spec spec) {
    this.expression = expression;
    this.zone = zone;
    this.dst = dst;
    this.rules = zone.getRules();
    this.spec = spec;
  }

  /**
   * Parses a cron expression (see the class documentation for the syntax) with the default daylight saving
   * policy, {@link DstPolicy#DEFAULT}.
   *
   * @param expression the expression; surrounding whitespace is ignored
   * @param zone the zone whose wall clock the expression describes
   * @return the schedule; never {@code null}
   * @throws NullPointerException if {@code expression} or {@code zone} is {@code null}
   * @throws IllegalArgumentException if the expression is invalid; the message starts with the quoted expression
   *     and names the field and the rule, e.g. {@code "61 * * * *": minute 61 is out of range 0-59}
   */
  public static CronSchedule parse(String expression, ZoneId zone) {
    return parse(expression, zone, DstPolicy.DEFAULT);
  }

  /**
   * Parses a cron expression (see the class documentation for the syntax).
   *
   * @param expression the expression; surrounding whitespace is ignored
   * @param zone the zone whose wall clock the expression describes
   * @param dst what happens to slots in daylight saving gaps and overlaps
   * @return the schedule; never {@code null}
   * @throws NullPointerException if {@code expression}, {@code zone} or {@code dst} is {@code null}
   * @throws IllegalArgumentException if the expression is invalid; the message starts with the quoted expression
   *     and names the field and the rule, e.g. {@code "61 * * * *": minute 61 is out of range 0-59}
   */
  public static CronSchedule parse(String expression, ZoneId zone, DstPolicy dst) {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(dst, "dst");
    Key key = new Key(expression.trim(), zone, dst);
    synchronized (CACHE) {
      CronSchedule cached = CACHE.get(key);
      if (cached != null) {
        return cached;
      }
    }
    CronSchedule schedule = new CronSchedule(key.expression(), zone, dst, compile(key.expression()));
    synchronized (CACHE) {
      CronSchedule raced = CACHE.putIfAbsent(key, schedule);
      return raced != null ? raced : schedule;
    }
  }

  /** @return the expression as given, trimmed */
  public String expression() {
    return expression;
  }

  /** @return the zone whose wall clock the expression describes */
  public ZoneId zone() {
    return zone;
  }

  /** @return what happens to slots in daylight saving gaps and overlaps */
  public DstPolicy dst() {
    return dst;
  }

  /** @return whether the expression has the 6-field form with a leading seconds field */
  public boolean hasSeconds() {
    return spec.hasSeconds;
  }

  /**
   * The first fire instant strictly after {@code instant}, with the daylight saving policy of the class
   * documentation applied.
   *
   * @param instant the reference instant; never {@code null}
   * @return the next fire instant, or empty if the schedule never fires again (e.g. {@code 0 0 30 2 *})
   */
  public Optional<Instant> nextAfter(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    Memo last = memo;
    if (last != null && last.after().equals(instant)) {
      return last.next();
    }
    Optional<Instant> next = spec.neverFires ? Optional.empty() : firstFireAfterOrEmpty(instant);
    memo = new Memo(instant, next);
    return next;
  }

  /**
   * Up to {@code count} fire instants, the first strictly after {@code after} and each strictly after the previous.
   *
   * @param after the reference instant; never {@code null}
   * @param count how many instants to compute, at least 0
   * @return an immutable list, shorter than {@code count} if the schedule stops firing
   */
  public List<Instant> next(Instant after, int count) {
    Objects.requireNonNull(after, "after");
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    List<Instant> result = new ArrayList<>(Math.min(count, 1024));
    Instant cursor = after;
    while (result.size() < count) {
      Optional<Instant> next = nextAfter(cursor);
      if (next.isEmpty()) {
        break;
      }
      cursor = next.get();
      result.add(cursor);
    }
    return List.copyOf(result);
  }

  /**
   * Whether {@code fire} is a shifted slot: an instant this schedule fires at only because, with
   * {@link GapPolicy#SHIFT}, one of its slots fell in a spring-forward gap and moved to the first instant after it
   * ({@code 30 2 * * *} at 03:00 on that day). False for every other instant, for a fire that is also a slot at its
   * own wall-clock time (03:00 of <code>*&#47;30 * * * *</code>, which absorbs 02:00 and 02:30), and always with
   * {@link GapPolicy#SKIP}. Use it to mark shifted fires in a listing of {@link #next(Instant, int)}.
   *
   * @param fire an instant, usually one returned by {@link #nextAfter(Instant)}; never {@code null}
   * @return whether it is a shifted slot
   */
  public boolean isShifted(Instant fire) {
    Objects.requireNonNull(fire, "fire");
    if (dst.gap() != GapPolicy.SHIFT || spec.neverFires) {
      return false;
    }
    try {
      ZoneOffsetTransition transition = rules.nextTransition(fire.minusNanos(1));
      if (transition == null || !transition.isGap() || !transition.getInstant().equals(fire)) {
        return false;
      }
      LocalDateTime gapStart = transition.getDateTimeBefore();
      LocalDateTime gapEnd = transition.getDateTimeAfter();
      boolean slotInGap =
          spec.nextSlotAfter(gapStart.minusSeconds(1)).filter(slot -> slot.isBefore(gapEnd)).isPresent();
      boolean slotAtGapEnd = spec.nextSlotAfter(gapEnd.minusSeconds(1)).filter(gapEnd::equals).isPresent();
      return slotInGap && !slotAtGapEnd;
    } catch (DateTimeException beyondLocalDateTimeRange) {
      return false;
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CronSchedule that
        && expression.equals(that.expression) && zone.equals(that.zone) && dst.equals(that.dst);
  }

  @Override
  public int hashCode() {
    return Objects.hash(expression, zone, dst);
  }

  @Override
  public String toString() {
    return "CronSchedule[expr=" + expression + ", zone=" + zone + ", gap=" + dst.gap() + ", overlap=" + dst.overlap()
        + "]";
  }

  private Optional<Instant> firstFireAfterOrEmpty(Instant instant) {
    try {
      return firstFireAfter(instant);
    } catch (DateTimeException beyondLocalDateTimeRange) {
      return Optional.empty(); // near Instant.MIN/MAX: no representable wall-clock time
    }
  }

  private Optional<Instant> firstFireAfter(Instant instant) {
    // Walk the zone's offset periods: within one period the wall clock is continuous, so the next matching
    // wall-clock slot maps to an instant directly; a slot beyond the period's end is decided at its transition.
    Instant from = instant;
    boolean includeFrom = false;
    while (true) {
      ZoneOffset offset = rules.getOffset(from);
      LocalDateTime wall = LocalDateTime.ofEpochSecond(from.getEpochSecond(), 0, offset);
      LocalDateTime searchAfter = includeFrom ? wall.minusSeconds(1) : wall;
      if (!spec.repeating && dst.overlap() == OverlapPolicy.FIRST) {
        searchAfter = skipRepeatedWallClock(searchAfter, wall, offset);
      }
      Optional<LocalDateTime> found = spec.nextSlotAfter(searchAfter);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      LocalDateTime slot = found.get();
      ZoneOffsetTransition transition = rules.nextTransition(from);
      if (transition == null || slot.isBefore(transition.getDateTimeBefore())) {
        return Optional.of(slot.toInstant(offset));
      }
      if (transition.isGap() && dst.gap() == GapPolicy.SHIFT && !slot.isAfter(transition.getDateTimeAfter())) {
        return Optional.of(transition.getInstant()); // the slot does not exist: first instant after the gap
      }
      // The slot lies in the next period, which starts at this instant; with SKIP, slots in the gap before it are
      // passed over because the search resumes at the wall-clock time after the gap.
      from = transition.getInstant();
      includeFrom = true;
    }
  }

  /** In the second copy of a fall-back overlap a fixed schedule has already fired: resume after the overlap. */
  private LocalDateTime skipRepeatedWallClock(LocalDateTime searchAfter, LocalDateTime wall, ZoneOffset offset) {
    ZoneOffsetTransition transition = rules.getTransition(wall);
    if (transition != null && transition.isOverlap() && offset.equals(transition.getOffsetAfter())) {
      return transition.getDateTimeBefore().minusSeconds(1);
    }
    return searchAfter;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Parsing

  private static Spec compile(String expression) {
    if (expression.isEmpty()) {
      throw invalid(expression, "empty expression");
    }
    String[] tokens = WHITESPACE.split(expandMacro(expression));
    if (tokens.length != 5 && tokens.length != 6) {
      throw invalid(expression, FIELD_COUNT_RULE + ", got " + tokens.length);
    }
    boolean hasSeconds = tokens.length == 6;
    Field[] fields = hasSeconds ? Field.values() : Arrays.copyOfRange(Field.values(), 1, 6);
    Values[] values = new Values[fields.length];
    for (int i = 0; i < fields.length; i++) {
      values[i] = new FieldParser(expression, fields[i]).parse(tokens[i]);
    }
    return new Spec(expression, hasSeconds, fields, values);
  }

  private static String expandMacro(String expression) {
    if (!expression.startsWith("@")) {
      return expression;
    }
    for (int i = 0; i < MACRO_NAMES.length; i++) {
      if (MACRO_NAMES[i].equalsIgnoreCase(expression)) {
        return MACRO_EXPANSIONS[i];
      }
    }
    throw invalid(expression, "unknown macro (known: " + String.join(", ", MACRO_NAMES) + ")");
  }

  private static IllegalArgumentException invalid(String expression, String problem) {
    return new IllegalArgumentException("\"" + expression + "\": " + problem);
  }

  private record Key(String expression, ZoneId zone, DstPolicy dst) {
  }

  private record Memo(Instant after, Optional<Instant> next) {
  }

  /** The fields in the 6-field order; the 5-field form is the same without SECOND. */
  private enum Field {
    SECOND("second", 0, 59, null),
    MINUTE("minute", 0, 59, null),
    HOUR("hour", 0, 23, null),
    DAY_OF_MONTH("day-of-month", 1, 31, null),
    MONTH("month", 1, 12,
        new String[] {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}),
    DAY_OF_WEEK("day-of-week", 0, 7, new String[] {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"});

    final String label;
    final int min;
    final int max;
    final String[] names; // names[i] stands for min + i, or null if the field has no names

    Field(String label, int min, int max, String[] names) {
      this.label = label;
      this.min = min;
      this.max = max;
      this.names = names;
    }

    /** How many distinct values the field has (Sunday counts once); the largest meaningful step. */
    int size() {
      return this == DAY_OF_WEEK ? 7 : max - min + 1;
    }

    String expected() {
      String numbers = "a number " + min + "-" + max;
      return names == null ? numbers : numbers + " or a name " + names[0] + "-" + names[names.length - 1];
    }
  }

  /**
   * The values of one field as a bit set. {@code star}: written as a bare {@code *} (matters for the
   * day-of-month/day-of-week rule); {@code repeating}: contains a wildcard, range or step (matters for the
   * fall-back rule).
   */
  private record Values(long bits, boolean star, boolean repeating) {
  }

  /** Parses one field; every message names the expression and the field. */
  private static final class FieldParser {
    private final String expression;
    private final Field field;

    FieldParser(String expression, Field field) {
      this.expression = expression;
      this.field = field;
    }

    Values parse(String text) {
      if (text.equals("*")) {
        return new Values(bits(field.min, field.max, 1), true, true);
      }
      long bits = 0;
      boolean repeating = false;
      for (String element : text.split(",", -1)) {
        if (element.isEmpty()) {
          throw fail("list \"" + text + "\" has an empty element");
        }
        bits |= element(element);
        repeating |= element.contains("*") || element.contains("-") || element.contains("/");
      }
      return new Values(bits, false, repeating);
    }

    private long element(String element) {
      if (QUARTZ_EXTENSION.matcher(element).matches()) {
        throw fail("\"" + element + "\" is not supported: L, W, # and ? are Quartz extensions, not UNIX cron");
      }
      String[] baseAndStep = element.split("/", -1);
      if (baseAndStep.length > 2) {
        throw fail("\"" + element + "\" has more than one step");
      }
      String base = baseAndStep[0];
      int step = baseAndStep.length == 2 ? step(baseAndStep[1]) : 1;
      if (base.equals("*")) {
        return bits(field.min, field.max, step);
      }
      if (base.contains("-")) {
        return range(base, step);
      }
      int start = value(base);
      return bits(start, baseAndStep.length == 2 ? field.max : start, step);
    }

    private long range(String text, int step) {
      String[] ends = text.split("-", -1);
      if (ends.length != 2 || ends[0].isEmpty() || ends[1].isEmpty() || ends[0].equals("*") || ends[1].equals("*")) {
        throw fail("range \"" + text + "\" is not of the form a-b");
      }
      int from = value(ends[0]);
      int to = value(ends[1]);
      if (field == Field.DAY_OF_WEEK && to == 0 && from > 0 && !NUMBER.matcher(ends[1]).matches()) {
        to = 7; // SAT-SUN: a Sunday closing a range is the 7 at the end of the week, not the 0 at its start
      }
      if (from > to) {
        throw fail("range " + text + " is backwards");
      }
      return bits(from, to, step);
    }

    private int step(String text) {
      if (!NUMBER.matcher(text).matches()) {
        throw fail("step \"" + text + "\" is not a number");
      }
      long step = parseNumber(text);
      if (step < 1) {
        throw fail("step must be at least 1");
      }
      if (step > field.size()) {
        throw fail("step " + text + " is out of range 1-" + field.size());
      }
      return (int) step;
    }

    private int value(String text) {
      if (NUMBER.matcher(text).matches()) {
        long value = parseNumber(text);
        if (value < field.min || value > field.max) {
          throw fail(text + " is out of range " + field.min + "-" + field.max);
        }
        return (int) value;
      }
      int index = field.names == null ? -1 : Arrays.asList(field.names).indexOf(text.toUpperCase(Locale.ROOT));
      if (index < 0) {
        throw fail("\"" + text + "\" is not " + field.expected());
      }
      return field.min + index;
    }

    private static long parseNumber(String digits) {
      return digits.length() > 9 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    private long bits(int from, int to, int step) {
      long bits = 0;
      for (int value = from; value <= to; value += step) {
        bits |= 1L << (field == Field.DAY_OF_WEEK && value == 7 ? 0 : value);
      }
      return bits;
    }

    private IllegalArgumentException fail(String problem) {
      return invalid(expression, field.label + " " + problem);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Evaluation: cron-utils finds the next matching wall-clock slot; it always sees a canonical expression
  // (explicit values, Sunday as 0) evaluated in UTC, so neither its parser quirks nor its DST handling reach us.

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

  /** The parsed, zone-independent form of one expression. */
  private static final class Spec {
    final boolean hasSeconds;
    final boolean repeating;
    final boolean neverFires;
    private final ExecutionTime executionTime;

    Spec(String expression, boolean hasSeconds, Field[] fields, Values[] values) {
      this.hasSeconds = hasSeconds;
      int dayOfMonth = fields.length - 3; // the fields before it are the time of day
      boolean timeRepeats = false;
      for (int i = 0; i < dayOfMonth; i++) {
        timeRepeats |= values[i].repeating();
      }
      this.repeating = timeRepeats;
      this.neverFires = neverFires(values[dayOfMonth], values[dayOfMonth + 1], values[dayOfMonth + 2]);
      this.executionTime = ExecutionTime.forCron(parseCanonical(expression, hasSeconds, fields, values));
    }

    Optional<LocalDateTime> nextSlotAfter(LocalDateTime wall) {
      return executionTime.nextExecution(wall.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime);
    }

    private static com.cronutils.model.Cron parseCanonical(
        String expression, boolean hasSeconds, Field[] fields, Values[] values) {
      StringBuilder canonical = new StringBuilder();
      for (int i = 0; i < fields.length; i++) {
        canonical.append(i == 0 ? "" : " ").append(values[i].star() ? "*" : list(values[i].bits()));
      }
      try {
        return (hasSeconds ? SECONDS_PARSER : UNIX_PARSER).parse(canonical.toString());
      } catch (RuntimeException e) {
        // Not expected: the canonical form only holds values we validated.
        throw invalid(expression, "rejected by cron-utils as \"" + canonical + "\": " + e.getMessage());
      }
    }

    /** Comma-separated values, runs written as ranges (values are at most 59, so no shift overflows). */
    private static String list(long bits) {
      StringJoiner out = new StringJoiner(",");
      for (int value = Long.numberOfTrailingZeros(bits); value < 64; ) {
        int end = value;
        while ((bits & (1L << (end + 1))) != 0) {
          end++;
        }
        out.add(end == value ? String.valueOf(value) : value + "-" + end);
        value = Long.numberOfTrailingZeros(bits & (-1L << (end + 1)));
      }
      return out.toString();
    }

    /** Only days of month that no chosen month has (30 February) can make a schedule never fire. */
    private static boolean neverFires(Values daysOfMonth, Values months, Values daysOfWeek) {
      if (daysOfMonth.star() || !daysOfWeek.star()) {
        return false;
      }
      int firstDay = Long.numberOfTrailingZeros(daysOfMonth.bits());
      // 2024 is a leap year: 29 February counts, it fires every four years.
      for (int month = 1; month <= 12; month++) {
        if ((months.bits() & (1L << month)) != 0 && firstDay <= LocalDate.of(2024, month, 1).lengthOfMonth()) {
          return false;
        }
      }
      return true;
    }
  }
}
