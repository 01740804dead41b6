package dev.pump.trigger;

import java.util.ArrayList;
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

  private static final Field[] FIELDS = Field.values();
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
    String[] tokens = fields(expandMacro(expression));
    if (tokens.length != 5 && tokens.length != 6) {
      throw invalid(expression, FIELD_COUNT_RULE + ", got " + tokens.length);
    }
    boolean hasSeconds = tokens.length == 6;
    int first = hasSeconds ? 0 : 1;
    Parsed[] fields = new Parsed[6];
    fields[0] = hasSeconds ? null : new Parsed(Field.SECOND);
    for (int i = first; i < 6; i++) {
      fields[i] = new Parsed(FIELDS[i]);
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

  /** The expression split at runs of whitespace ({@code \\s}); trimmed already, so no empty field. */
  private static String[] fields(String text) {
    int count = 0;
    for (int i = 0; i < text.length(); i++) {
      if (!isWhitespace(text.charAt(i)) && (i == 0 || isWhitespace(text.charAt(i - 1)))) {
        count++;
      }
    }
    String[] fields = new String[count];
    int start = -1;
    count = 0;
    for (int i = 0; i <= text.length(); i++) {
      boolean space = i == text.length() || isWhitespace(text.charAt(i));
      if (space && start >= 0) {
        fields[count++] = text.substring(start, i);
        start = -1;
      } else if (!space && start < 0) {
        start = i;
      }
    }
    return fields;
  }

  /** What {@code \\s} matches: space, tab, newline, vertical tab, form feed, carriage return. */
  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
  }

  private static boolean isDigits(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Digits, *, - and / only: an element of the common forms, read without the day forms' patterns. */
  private static boolean isPlain(String element) {
    for (int i = 0; i < element.length(); i++) {
      char c = element.charAt(i);
      if ((c < '0' || c > '9') && c != '*' && c != '-' && c != '/') {
        return false;
      }
    }
    return true;
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
    for (int month = 1; month <= 12; month++) {
      if ((fields.months() & (1L << month)) != 0 && hasSomeDay(fields, month)) {
        return;
      }
    }
    List<String> monthsWithout = new ArrayList<>();
    for (int month = 1; month <= 12; month++) {
      if ((fields.months() & (1L << month)) != 0) {
        monthsWithout.add(MONTH_NAMES[month - 1]);
      }
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

  /** Whether some day of {@code month} matches, in some year: 2001 and 2004 give February both its lengths. */
  private static boolean hasSomeDay(CronFields fields, int month) {
    for (int length = CronFields.length(2001, month); length <= CronFields.length(2004, month); length++) {
      for (int weekday = 0; weekday < 7; weekday++) {
        if (fields.days(length, weekday) != 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** "a", "a and b", "a, b and c" (or "or"). */
  private static String and(List<String> items, String conjunction) {
    if (items.size() <= 1) {
      return String.join("", items);
    }
    String last = items.get(items.size() - 1);
    return String.join(", ", items.subList(0, items.size() - 1)) + " " + conjunction + " " + last;
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
      for (int start = 0; start <= text.length(); ) {
        int comma = text.indexOf(',', start);
        int end = comma < 0 ? text.length() : comma;
        String element = text.substring(start, end);
        start = end + 1;
        if (element.isEmpty()) {
          throw fail("list \"" + text + "\" has an empty element");
        }
        if (element.equals("?")) {
          throw fail("\"?\" must stand alone: it is a synonym of *");
        }
        if (field == Field.DAY_OF_MONTH && !isPlain(element) && dayOfMonthForm(element)
            || field == Field.DAY_OF_WEEK && dayOfWeekForm(element)) {
          continue;
        }
        bits |= element(element);
        repeating |= element.indexOf('*') >= 0 || element.indexOf('-') >= 0 || element.indexOf('/') >= 0;
      }
    }

    /** {@code L}, {@code L-n}, {@code nW}, {@code LW}; false for an element of the common forms. */
    private boolean dayOfMonthForm(String element) {
      String upper = element.toUpperCase(Locale.ROOT);
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
    private boolean dayOfWeekForm(String element) {
      if (element.indexOf('#') >= 0) {
        Matcher nth = NTH_WEEKDAY.matcher(element.toUpperCase(Locale.ROOT));
        if (!nth.matches()) {
          throw fail("\"" + element + "\" is not of the form day#week, as in MON#1 or 5#3");
        }
        int day = value(nth.group(1)) % 7;
        long week = parseNumber(nth.group(2));
        if (week < 1 || week > 5) {
          throw fail("\"" + element + "\": the week after # must be 1-5");
        }
        nthWeekdays |= 1L << (5 * day + week - 1);
        return true;
      }
      char end = element.charAt(element.length() - 1);
      if (end == 'L' || end == 'l') {
        Matcher last = LAST_OF_WEEKDAY.matcher(element.toUpperCase(Locale.ROOT));
        if (!last.matches()) {
          throw fail("\"" + element + "\" is not of the form dayL, as in 5L or FRIL (the last Friday of the month)");
        }
        lastWeekdays |= 1 << (value(last.group(1)) % 7);
        return true;
      }
      return false;
    }

    private long element(String element) {
      int slash = element.indexOf('/');
      if (slash >= 0 && element.indexOf('/', slash + 1) >= 0) {
        throw fail("\"" + element + "\" has more than one step");
      }
      String base = slash < 0 ? element : element.substring(0, slash);
      int step = slash < 0 ? 1 : step(element.substring(slash + 1));
      if (base.equals("*")) {
        return bits(field.min, field.max, step);
      }
      if (base.indexOf('-') >= 0) {
        return range(base, step);
      }
      int start = value(base);
      return bits(start, slash >= 0 ? field.max : start, step);
    }

    private long range(String text, int step) {
      int dash = text.indexOf('-');
      String low = text.substring(0, dash);
      String high = text.substring(dash + 1);
      if (high.indexOf('-') >= 0 || low.isEmpty() || high.isEmpty() || low.equals("*") || high.equals("*")) {
        throw fail("range \"" + text + "\" is not of the form a-b");
      }
      int from = value(low);
      int to = value(high);
      if (field == Field.DAY_OF_WEEK && to == 0 && from > 0 && !isDigits(high)) {
        to = 7; // SAT-SUN: a Sunday closing a range is the 7 at the end of the week, not the 0 at its start
      }
      if (from > to) {
        throw fail("range " + text + " is backwards");
      }
      return bits(from, to, step);
    }

    private int step(String text) {
      if (!isDigits(text)) {
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
      if (isDigits(text)) {
        long value = parseNumber(text);
        if (value < field.min || value > field.max) {
          throw fail(text + " is out of range " + field.min + "-" + field.max);
        }
        return (int) value;
      }
      for (int i = 0; field.names != null && i < field.names.length; i++) {
        if (field.names[i].equalsIgnoreCase(text)) {
          return field.min + i;
        }
      }
      throw fail("\"" + text + "\" is not " + field.expected());
    }

    private static long parseNumber(String digits) {
      if (digits.length() > 9) {
        return Long.MAX_VALUE;
      }
      long value = 0;
      for (int i = 0; i < digits.length(); i++) {
        value = value * 10 + digits.charAt(i) - '0';
      }
      return value;
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
