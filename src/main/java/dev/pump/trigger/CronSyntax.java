package dev.pump.trigger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where cron text is read: an expression becomes {@link CronFields}, or an
 * {@link IllegalArgumentException} whose message quotes the expression and names the field and the rule broken
 * ({@code "61 * * * *": minute 61 is out of range 0-59}). The syntax is {@link CronSchedule}'s documentation.
 *
 * <p>Our own parser rather than cron-utils': cron-utils' UNIX definition rejects {@code L}, {@code W} and {@code #},
 * its Quartz definition numbers the days of the week differently and requires {@code ?}, and its {@code L}/{@code W}
 * evaluation has open bugs (jmrozanec/cron-utils#539, #423). cron-utils stays a test oracle.
 */
final class CronSyntax {

  private static final String[] MACRO_NAMES =
      {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"};
  private static final String[] MACRO_EXPANSIONS =
      {"0 0 1 1 *", "0 0 1 1 *", "0 0 1 * *", "0 0 * * 0", "0 0 * * *", "0 0 * * *", "0 * * * *"};
  private static final String FIELD_COUNT_RULE =
      "expected 5 fields (minute hour day-of-month month day-of-week) or 6 with leading seconds";
  private static final String[] MONTH_NAMES = {"January", "February", "March", "April", "May", "June", "July",
      "August", "September", "October", "November", "December"};

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern NUMBER = Pattern.compile("\\d+");
  private static final Pattern LAST_DAY_OFFSET = Pattern.compile("L-(\\d+)");
  private static final Pattern NEAREST_WEEKDAY = Pattern.compile("(\\d+)W");
  private static final Pattern NTH_WEEKDAY = Pattern.compile("(\\d+|[A-Z]+)#(\\d+)");
  private static final Pattern LAST_OF_WEEKDAY = Pattern.compile("(\\d+|[A-Z]{3})L");

  private CronSyntax() {
  }

  /**
   * @param expression a trimmed expression
   * @return its compiled fields
   * @throws IllegalArgumentException if it is invalid or never fires, with the reason
   */
  static CronFields parse(String expression) {
    if (expression.isEmpty()) {
      throw invalid(expression, "empty expression");
    }
    String[] tokens = WHITESPACE.split(expandMacro(expression));
    if (tokens.length != 5 && tokens.length != 6) {
      throw invalid(expression, FIELD_COUNT_RULE + ", got " + tokens.length);
    }
    boolean hasSeconds = tokens.length == 6;
    int first = hasSeconds ? 0 : 1;
    Parsed[] fields = new Parsed[6];
    fields[0] = hasSeconds ? null : new Parsed(Field.SECOND);
    for (int i = first; i < 6; i++) {
      fields[i] = new Parsed(Field.values()[i]);
      fields[i].read(expression, tokens[i - first]);
    }
    if (!hasSeconds) {
      fields[0].bits = 1; // second 0
    }
    boolean fixedTime = !fields[0].repeating && !fields[1].repeating && !fields[2].repeating;
    Parsed dom = fields[3];
    Parsed dow = fields[5];
    CronFields compiled = new CronFields(hasSeconds, fields[0].bits, fields[1].bits, fields[2].bits, dom.bits,
        fields[4].bits, (int) dow.bits, dom.star, dow.star, dom.lastDayOffsets, dom.nearestWeekdays, dom.lastWeekday,
        dow.nthWeekdays, dow.lastWeekdays, fixedTime);
    requireSomeDay(expression, tokens[3 - first], compiled);
    return compiled;
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

  /**
   * A schedule that never fires is a mistake, not a schedule: each chosen month, whatever its length and the weekday
   * it starts on, must have a matching day. Every (length, first weekday) pair of a month occurs within 28 years.
   */
  private static void requireSomeDay(String expression, String dayOfMonthText, CronFields fields) {
    List<String> monthsWithout = new ArrayList<>();
    for (int month = 1; month <= 12; month++) {
      if ((fields.months() & (1L << month)) == 0) {
        continue;
      }
      for (int length : month == 2 ? new int[] {28, 29} : new int[] {CronFields.length(2001, month)}) {
        for (int weekday = 0; weekday < 7; weekday++) {
          if (fields.days(length, weekday) != 0) {
            return;
          }
        }
      }
      monthsWithout.add(MONTH_NAMES[month - 1]);
    }
    String months = and(monthsWithout, "and");
    boolean plainDays = fields.lastDayOffsets() == 0 && fields.nearestWeekdays() == 0 && !fields.lastWeekday();
    if (plainDays) {
      List<String> days = new ArrayList<>();
      for (long bits = fields.daysOfMonth(); bits != 0; bits &= bits - 1) {
        days.add(String.valueOf(Long.numberOfTrailingZeros(bits)));
      }
      String have = monthsWithout.size() == 1 ? " has no day " : " have no day ";
      throw invalid(expression, "never fires: " + months + have + and(days, "or"));
    }
    throw invalid(expression, "never fires: no day of " + and(monthsWithout, "or") + " matches day-of-month \""
        + dayOfMonthText + "\"");
  }

  /** "a", "a and b", "a, b and c" (or "or"). */
  private static String and(List<String> items, String conjunction) {
    if (items.size() <= 1) {
      return String.join("", items);
    }
    return String.join(", ", items.subList(0, items.size() - 1)) + " " + conjunction + " " + items.get(items.size() - 1);
  }

  private static IllegalArgumentException invalid(String expression, String problem) {
    return new IllegalArgumentException("\"" + expression + "\": " + problem);
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

    boolean isDay() {
      return this == DAY_OF_MONTH || this == DAY_OF_WEEK;
    }
  }

  /** One field as read; every message names the expression and the field. */
  private static final class Parsed {
    final Field field;
    String expression;
    long bits;
    /** A bare {@code *} or {@code ?}: matters for the day-of-month/day-of-week rule. */
    boolean star;
    /** A wildcard, range or step: matters for the fall-back rule. */
    boolean repeating;
    long lastDayOffsets;
    long nearestWeekdays;
    boolean lastWeekday;
    long nthWeekdays;
    int lastWeekdays;

    Parsed(Field field) {
      this.field = field;
    }

    void read(String expression, String text) {
      this.expression = expression;
      if (text.equals("*") || text.equals("?")) {
        if (text.equals("?") && !field.isDay()) {
          throw fail("\"?\" is only allowed in day-of-month and day-of-week (a synonym of *)");
        }
        bits = bits(field.min, field.max, 1);
        star = true;
        repeating = true;
        return;
      }
      for (String element : text.split(",", -1)) {
        if (element.isEmpty()) {
          throw fail("list \"" + text + "\" has an empty element");
        }
        if (element.equals("?")) {
          throw fail("\"?\" must stand alone: it is a synonym of *");
        }
        String upper = element.toUpperCase(Locale.ROOT);
        if (field == Field.DAY_OF_MONTH && dayOfMonthForm(element, upper)
            || field == Field.DAY_OF_WEEK && dayOfWeekForm(element, upper)) {
          continue;
        }
        bits |= element(element);
        repeating |= element.contains("*") || element.contains("-") || element.contains("/");
      }
    }

    /** {@code L}, {@code L-n}, {@code nW}, {@code LW}; false for an element of the common forms. */
    private boolean dayOfMonthForm(String element, String upper) {
      if (upper.equals("L")) {
        lastDayOffsets |= 1;
        return true;
      }
      if (upper.equals("LW")) {
        lastWeekday = true;
        return true;
      }
      Matcher offset = LAST_DAY_OFFSET.matcher(upper);
      if (offset.matches()) {
        long days = parseNumber(offset.group(1));
        if (days < 1 || days > 30) {
          throw fail("\"" + element + "\": the days before the last day must be 1-30");
        }
        lastDayOffsets |= 1L << days;
        return true;
      }
      Matcher nearest = NEAREST_WEEKDAY.matcher(upper);
      if (nearest.matches()) {
        nearestWeekdays |= 1L << value(nearest.group(1));
        return true;
      }
      if (upper.contains("L") || upper.contains("W")) {
        throw fail("\"" + element + "\" is not of a form with L or W: L, L-3, 15W or LW");
      }
      return false;
    }

    /** {@code d#n}, {@code dL}; false for an element of the common forms. */
    private boolean dayOfWeekForm(String element, String upper) {
      Matcher nth = NTH_WEEKDAY.matcher(upper);
      if (nth.matches()) {
        int day = value(nth.group(1)) % 7;
        long week = parseNumber(nth.group(2));
        if (week < 1 || week > 5) {
          throw fail("\"" + element + "\": the week after # must be 1-5");
        }
        nthWeekdays |= 1L << (5 * day + week - 1);
        return true;
      }
      if (upper.contains("#")) {
        throw fail("\"" + element + "\" is not of the form day#week, as in MON#1 or 5#3");
      }
      Matcher last = LAST_OF_WEEKDAY.matcher(upper);
      if (last.matches()) {
        lastWeekdays |= 1 << (value(last.group(1)) % 7);
        return true;
      }
      if (upper.endsWith("L")) {
        throw fail("\"" + element + "\" is not of the form dayL, as in 5L or FRIL (the last Friday of the month)");
      }
      return false;
    }

    private long element(String element) {
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
}
