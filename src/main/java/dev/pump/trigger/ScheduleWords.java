package dev.pump.trigger;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Schedules in words, for people: {@code *}{@code /5 * * * 1-5} is "every 5 minutes, Monday to Friday",
 * {@code 0 9 * * *} is "every day at 09:00". The trigger kinds describe their triggers with it for the
 * dashboard; the words are a reading aid, the expression stays the truth (the page shows both).
 *
 * <p>{@link #cron(String)} takes what {@link CronSchedule} accepts and reads its compiled {@link CronFields}, not
 * the text: the words cover the whole syntax ({@code L}, {@code W}, {@code #} included) and an invalid expression
 * gets the same message as everywhere else. A field's values are read back as runs and steps, so {@code 1,2,3} and
 * {@code 1-3} read alike.
 */
public final class ScheduleWords {

  private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"};
  private static final String[] DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday"};
  private static final String[] ORDINALS = {"first", "second", "third", "fourth", "fifth"};
  /** Up to this many HH:MM times are listed one by one ("at 09:00 and 17:30"). */
  private static final int MAX_CLOCK_TIMES = 6;

  private ScheduleWords() {
  }

  /**
   * @return a schedule's bounds in words: {@code from ..., until ..., at most 10 fires, except on 2026-12-25,
   *     except every minute, on Saturday and Sunday}
   */
  public static String bounds(ScheduleBounds bounds) {
    List<String> parts = new ArrayList<>();
    ScheduleBounds limits = new ScheduleBounds(bounds.startAt(), bounds.endAt(), bounds.maxFires(),
      bounds.exclusions().stream().filter(e -> e.cronExpression() == null).toList());
    if (!limits.isNone()) {
      parts.add(limits.words());
    }
    for (SlotExclusion exclusion : bounds.exclusions()) {
      if (exclusion.cronExpression() != null) {
        parts.add("except " + cron(exclusion.cronExpression()));
      }
    }
    return String.join(", ", parts);
  }

  /**
   * @param expression a cron expression or macro
   * @return the expression in words
   * @throws IllegalArgumentException when the expression is invalid, with {@link CronSchedule}'s message
   */
  public static String cron(String expression) {
    CronFields fields = CronSchedule.parse(expression, ZoneOffset.UTC).fields(); // the zone does not change the words
    Field second = fields.hasSeconds() ? Field.of(fields.seconds(), 0, 59) : null;
    Field minute = Field.of(fields.minutes(), 0, 59);
    Field hour = Field.of(fields.hours(), 0, 23);
    Field month = Field.of(fields.months(), 1, 12);

    List<String> phrases = new ArrayList<>();
    String time = time(second, minute, hour);
    boolean clock = time.startsWith("at ") && time.contains(":");
    String days = days(fields, month);
    phrases.add(clock && days.isEmpty() ? "every day " + time : time);
    if (!days.isEmpty()) {
      phrases.add(days);
    }
    return String.join(", ", phrases);
  }

  // -------------------------------------------------------------------------------------------------
  // Time of day

  private static String time(Field second, Field minute, Field hour) {
    boolean zeroSecond = second == null || second.isOnly(0);
    List<Integer> minutes = minute.expand();
    List<Integer> hours = hour.expand();
    List<Integer> seconds = second == null ? List.of(0) : second.expand();
    if ((long) seconds.size() * minutes.size() * hours.size() <= MAX_CLOCK_TIMES) {
      List<String> times = new ArrayList<>();
      for (int h : hours) {
        for (int m : minutes) {
          for (int s : seconds) {
            times.add(zeroSecond ? String.format("%02d:%02d", h, m) : String.format("%02d:%02d:%02d", h, m, s));
          }
        }
      }
      return "at " + list(times);
    }
    if (!zeroSecond) {
      List<Integer> explicit = second.values();
      if (explicit != null && minute.isAll() && hour.isAll()) {
        return "every minute at second" + (explicit.size() > 1 ? "s " : " ") + list(strings(explicit));
      }
      String within = minuteAndHour(minute, hour, true);
      return second.describe("second", Integer::toString) + (within.isEmpty() ? "" : ", " + within);
    }
    return minuteAndHour(minute, hour, false);
  }

  /**
   * @param withinMinute whether a seconds field was described already: then an unrestricted minute and hour
   *     add nothing
   */
  private static String minuteAndHour(Field minute, Field hour, boolean withinMinute) {
    List<Integer> minutes = minute.values();
    if (hour.isAll()) {
      if (minute.isAll()) {
        return withinMinute ? "" : "every minute";
      }
      if (minutes != null && minutes.equals(List.of(0))) {
        return withinMinute ? "during the first minute of every hour" : "every hour, on the hour";
      }
      if (minutes != null) {
        return "every hour at minute" + (minutes.size() > 1 ? "s " : " ") + list(strings(minutes));
      }
      return minute.describe("minute", Integer::toString) + (minute.isStepOfAll() ? "" : " past every hour");
    }
    if (minutes != null && minutes.size() == 1) {
      int m = minutes.get(0);
      if (hour.isStepOfAll()) {
        return "every " + hour.step() + " hours" + (m == 0 ? ", on the hour" : " at minute " + m);
      }
      if (hour.isPlainRange()) {
        return "every hour from " + clock(hour.from(), m) + " to " + clock(hour.to(), m);
      }
    }
    if (hour.values() != null && hour.values().size() == 1 || hour.isPlainRange()) {
      int first = hour.from();
      int last = hour.isPlainRange() ? hour.to() : first;
      if (minute.isAll()) {
        return "every minute from " + clock(first, 0) + " to " + clock(last, 59);
      }
      if (minute.isStepOfAll()) {
        int lastMinute = (59 / minute.step()) * minute.step();
        return "every " + minute.step() + " minutes from " + clock(first, 0) + " to " + clock(last, lastMinute);
      }
    }
    String minutePart = minute.describe("minute", Integer::toString);
    String hourPart = hour.describe("hour", h -> clock(h, 0).substring(0, 2) + "h");
    return minutePart + ", " + hourPart.replaceFirst("^at ", "during ");
  }

  // -------------------------------------------------------------------------------------------------
  // Days and months

  private static String days(CronFields fields, Field month) {
    Field dom = Field.of(fields.daysOfMonth(), 1, 31);
    boolean plainDays = fields.lastDayOffsets() == 0 && fields.nearestWeekdays() == 0 && !fields.lastWeekday();
    List<Integer> days = dom.values();
    List<Integer> months = month.values();
    if (fields.dayOfWeekStar() && !fields.dayOfMonthStar() && plainDays && days != null && days.size() == 1
        && months != null && months.size() == 1) {
      return "on " + MONTHS[months.get(0) - 1] + " " + days.get(0);
    }
    String dayOfMonth = fields.dayOfMonthStar() ? "" : dayOfMonth(fields, dom);
    String dayOfWeek = fields.dayOfWeekStar() ? "" : dayOfWeek(fields);
    String day;
    if (!dayOfMonth.isEmpty() && !dayOfWeek.isEmpty()) {
      day = dayOfMonth + " or " + (dayOfWeek.startsWith("on ") ? dayOfWeek : "on " + dayOfWeek);
    } else {
      day = dayOfMonth + dayOfWeek;
    }
    String monthPart = month.isAll() ? "" : monthPart(month);
    if (day.isEmpty()) {
      return monthPart;
    }
    return monthPart.isEmpty() ? day : day + ", " + monthPart;
  }

  /** The plain days, then L, L-n, nW and LW, joined by "and". */
  private static String dayOfMonth(CronFields fields, Field dom) {
    List<String> phrases = new ArrayList<>();
    if (fields.daysOfMonth() != 0) {
      phrases.add(plainDaysOfMonth(dom));
    }
    for (long offsets = fields.lastDayOffsets(); offsets != 0; offsets &= offsets - 1) {
      int before = Long.numberOfTrailingZeros(offsets);
      phrases.add(before == 0 ? "on the last day of the month"
        : "on the " + ordinal(before) + " day before the last day of the month");
    }
    for (long nearest = fields.nearestWeekdays(); nearest != 0; nearest &= nearest - 1) {
      phrases.add("on the weekday nearest day " + Long.numberOfTrailingZeros(nearest) + " of the month");
    }
    if (fields.lastWeekday()) {
      phrases.add("on the last weekday of the month");
    }
    return String.join(" and ", phrases);
  }

  private static String plainDaysOfMonth(Field dom) {
    List<Integer> days = dom.values();
    if (days != null) {
      return "on day" + (days.size() > 1 ? "s " : " ") + list(strings(days)) + " of the month";
    }
    if (dom.isStepOfAll()) {
      return "every " + dom.step() + " days from the 1st of the month";
    }
    if (dom.isPlainRange()) {
      return "on days " + dom.from() + " to " + dom.to() + " of the month";
    }
    return dom.describe("day of the month", Integer::toString).replaceFirst("^at ", "on ");
  }

  /** The plain days, then d#n and dL, joined by "and". */
  private static String dayOfWeek(CronFields fields) {
    List<String> phrases = new ArrayList<>();
    if (fields.daysOfWeek() != 0) {
      phrases.add(plainDaysOfWeek(fields.daysOfWeek()));
    }
    for (long nth = fields.nthWeekdays(); nth != 0; nth &= nth - 1) {
      int bit = Long.numberOfTrailingZeros(nth);
      phrases.add("on the " + ORDINALS[bit % 5] + " " + DAYS[bit / 5] + " of the month");
    }
    for (int weekday : mondayFirst(fields.lastWeekdays())) {
      phrases.add("on the last " + DAYS[weekday] + " of the month");
    }
    return String.join(" and ", phrases);
  }

  private static String plainDaysOfWeek(int bits) {
    if (bits == 0b0111110) {
      return "Monday to Friday";
    }
    if (bits == 0b1000001) {
      return "on Saturday and Sunday";
    }
    List<Integer> days = mondayFirst(bits);
    // a run of three or more days in Monday-first order, such as FRI-SUN, reads as a range
    if (days.size() >= 3 && runsMondayFirst(days)) {
      return DAYS[days.get(0)] + " to " + DAYS[days.get(days.size() - 1)];
    }
    return "on " + list(days.stream().map(d -> DAYS[d]).toList());
  }

  private static boolean runsMondayFirst(List<Integer> days) {
    for (int i = 1; i < days.size(); i++) {
      if (days.get(i) != (days.get(i - 1) + 1) % 7) {
        return false;
      }
    }
    return true;
  }

  /** The weekdays of a Sunday-0 bit set, Monday first and Sunday last. */
  private static List<Integer> mondayFirst(int bits) {
    List<Integer> days = new ArrayList<>();
    for (int d = 1; d <= 7; d++) {
      if ((bits & (1 << (d % 7))) != 0) {
        days.add(d % 7);
      }
    }
    return days;
  }

  private static String monthPart(Field month) {
    List<Integer> months = month.values();
    if (month.isStepOfAll()) {
      return "every " + month.step() + " months from January";
    }
    if (month.parts.size() == 1 && month.isPlainRange()) {
      return "from " + MONTHS[month.from() - 1] + " to " + MONTHS[month.to() - 1];
    }
    if (months != null) {
      return "in " + list(months.stream().map(m -> MONTHS[m - 1]).toList());
    }
    return month.describe("month", m -> MONTHS[m - 1]).replaceFirst("^at ", "in ");
  }

  // -------------------------------------------------------------------------------------------------
  // Helpers

  /** "10 seconds", "5 minutes", "1 hour 30 minutes", "250 milliseconds". */
  public static String duration(Duration d) {
    if (d.isZero() || d.isNegative()) {
      return d.toString();
    }
    if (d.toMillisPart() != 0 || d.getNano() % 1_000_000 != 0) {
      return d.toMillis() + " milliseconds";
    }
    List<String> parts = new ArrayList<>();
    unit(parts, d.toDaysPart(), "day");
    unit(parts, d.toHoursPart(), "hour");
    unit(parts, d.toMinutesPart(), "minute");
    unit(parts, d.toSecondsPart(), "second");
    String text = String.join(" ", parts);
    return text.startsWith("1 ") && parts.size() == 1 ? text.substring(2) : text;
  }

  private static void unit(List<String> parts, long amount, String unit) {
    if (amount != 0) {
      parts.add(amount + " " + unit + (amount == 1 ? "" : "s"));
    }
  }

  /** "1st", "2nd", "3rd", "4th", ..., "11th", "21st". */
  private static String ordinal(int n) {
    int lastTwo = n % 100;
    String suffix = lastTwo >= 11 && lastTwo <= 13 ? "th"
      : switch (n % 10) {
        case 1 -> "st";
        case 2 -> "nd";
        case 3 -> "rd";
        default -> "th";
      };
    return n + suffix;
  }

  private static String clock(int hour, int minute) {
    return String.format("%02d:%02d", hour, minute);
  }

  private static List<String> strings(List<Integer> values) {
    return values.stream().map(String::valueOf).toList();
  }

  /** "a", "a and b", "a, b and c". */
  private static String list(List<String> items) {
    if (items.size() <= 1) {
      return String.join("", items);
    }
    return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
  }

  /** One field read back from its bit set as parts: runs of consecutive values and arithmetic steps. */
  private record Field(List<Part> parts, int min, int max) {

    /** A step pattern needs at least this many values to read as a step ("every 10 minutes"), not a list. */
    private static final int MIN_STEP_VALUES = 3;

    static Field of(long bits, int min, int max) {
      List<Integer> values = new ArrayList<>();
      for (long rest = bits; rest != 0; rest &= rest - 1) {
        values.add(Long.numberOfTrailingZeros(rest));
      }
      List<Part> parts = new ArrayList<>();
      if (values.size() == max - min + 1) {
        parts.add(new Part(true, min, max, 1));
      } else if (values.size() >= MIN_STEP_VALUES && isProgression(values)) {
        int step = values.get(1) - values.get(0);
        int first = values.get(0);
        int last = values.get(values.size() - 1);
        boolean ofAll = first == min && last + step > max;
        parts.add(step == 1 ? new Part(false, first, last, 1) : new Part(ofAll, first, ofAll ? max : last, step));
      } else {
        for (int i = 0; i < values.size(); ) {
          int j = i;
          while (j + 1 < values.size() && values.get(j + 1) == values.get(j) + 1) {
            j++;
          }
          parts.add(new Part(false, values.get(i), values.get(j), 1));
          i = j + 1;
        }
      }
      return new Field(parts, min, max);
    }

    private static boolean isProgression(List<Integer> values) {
      int step = values.get(1) - values.get(0);
      for (int i = 2; i < values.size(); i++) {
        if (values.get(i) - values.get(i - 1) != step) {
          return false;
        }
      }
      return true;
    }

    boolean isAll() {
      return parts.size() == 1 && parts.get(0).all() && parts.get(0).step() == 1;
    }

    boolean isStepOfAll() {
      return parts.size() == 1 && parts.get(0).all() && parts.get(0).step() > 1;
    }

    boolean isPlainRange() {
      return parts.size() == 1 && !parts.get(0).all() && parts.get(0).step() == 1 && parts.get(0).from() < parts.get(0).to();
    }

    boolean isOnly(int value) {
      List<Integer> values = values();
      return values != null && values.equals(List.of(value));
    }

    int step() {
      return parts.get(0).step();
    }

    int from() {
      return parts.get(0).from();
    }

    int to() {
      return parts.get(0).to();
    }

    /** @return the values when the field lists few of them explicitly (no wildcard, no step), else null */
    List<Integer> values() {
      List<Integer> values = new ArrayList<>();
      for (Part part : parts) {
        if (part.all() || part.step() != 1 || part.to() - part.from() > 2) {
          return null;
        }
        for (int v = part.from(); v <= part.to(); v++) {
          values.add(v);
        }
      }
      return values;
    }

    /** @return every value the field matches, ascending */
    List<Integer> expand() {
      List<Integer> values = new ArrayList<>();
      for (Part part : parts) {
        for (int v = part.from(); v <= part.to(); v += part.step()) {
          values.add(v);
        }
      }
      return values;
    }

    /** Generic words: "every 10 seconds", "at minutes 5 and 10 to 20", "at every 2nd hour from 8h to 18h". */
    String describe(String unit, IntFunction<String> name) {
      if (isAll()) {
        return "every " + unit;
      }
      if (isStepOfAll()) {
        return "every " + step() + " " + unit + "s";
      }
      if (parts.size() == 1 && step() > 1) {
        return "every " + step() + " " + unit + "s from " + name.apply(from()) + " to " + name.apply(to());
      }
      List<String> texts = new ArrayList<>();
      for (Part part : parts) {
        String from = name.apply(part.from());
        String to = name.apply(part.to());
        texts.add(part.from() == part.to() ? from : from + " to " + to);
      }
      boolean plural = parts.size() > 1 || parts.get(0).from() != parts.get(0).to();
      return "at " + unit + (plural ? "s " : " ") + list(texts);
    }
  }

  /** All values ({@code all}) or {@code from} to {@code to}, every {@code step}. */
  private record Part(boolean all, int from, int to, int step) {
  }
}
