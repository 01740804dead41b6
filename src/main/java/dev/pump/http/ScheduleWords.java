package dev.pump.http;

import dev.pump.trigger.CronSchedule;
import dev.pump.trigger.Trigger;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * Schedules in words, for people: {@code *}{@code /5 * * * 1-5} is "every 5 minutes, Monday to Friday",
 * {@code 0 9 * * *} is "every day at 09:00". Used by the dashboard; the words are a reading aid, the
 * expression stays the truth (the page shows both).
 *
 * <p>{@link #cron(String)} takes what {@link CronSchedule} accepts: 5 fields, 6 with leading seconds, or a
 * macro. It validates with {@link CronSchedule#parse} first, so an invalid expression gets the same message
 * as everywhere else.
 */
final class ScheduleWords {

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"};
  private static final String[] DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday"};
  private static final String[] MONTH_NAMES = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
    "OCT", "NOV", "DEC"};
  private static final String[] DAY_NAMES = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  /** Up to this many HH:MM times are listed one by one ("at 09:00 and 17:30"). */
  private static final int MAX_CLOCK_TIMES = 6;

  private ScheduleWords() {
  }

  /**
   * @return how {@code trigger} fires, in words: its schedule for time triggers, its topic, path or rule
   *     for the others
   */
  static String of(Trigger trigger) {
    String spec = trigger.spec();
    try {
      return switch (trigger.type()) {
        case "cron" -> cron(spec);
        case "periodic" -> "every " + duration(Duration.parse(spec));
        case "pubsub" -> "on each message to " + (spec.contains(",") ? "topics " : "topic ") + spec.replace(",", ", ");
        case "webhook" -> "on each POST " + spec;
        case "opportunistic" -> "when the application is idle, at most once every "
          + duration(Duration.parse(spec.replaceFirst("^chilldown ", "")));
        case "runonce" -> "once, at start";
        default -> spec.isEmpty() ? "when its own code fires it" : spec;
      };
    } catch (IllegalArgumentException | DateTimeException e) {
      return spec; // a spec of a shape this class does not know: show it as it is
    }
  }

  /**
   * @param expression a cron expression or macro
   * @return the expression in words
   * @throws IllegalArgumentException when the expression is invalid, with {@link CronSchedule}'s message
   */
  static String cron(String expression) {
    CronSchedule.parse(expression, ZoneOffset.UTC); // validates; the zone does not change the words
    String text = expression.trim().toLowerCase(Locale.ROOT);
    text = switch (text) {
      case "@yearly", "@annually" -> "0 0 1 1 *";
      case "@monthly" -> "0 0 1 * *";
      case "@weekly" -> "0 0 * * 0";
      case "@daily", "@midnight" -> "0 0 * * *";
      case "@hourly" -> "0 * * * *";
      default -> text;
    };
    String[] f = WHITESPACE.split(text);
    int o = f.length == 6 ? 1 : 0;
    Field second = o == 1 ? Field.parse(f[0], 0, 59, null) : null;
    Field minute = Field.parse(f[o], 0, 59, null);
    Field hour = Field.parse(f[o + 1], 0, 23, null);
    Field dom = Field.parse(f[o + 2], 1, 31, null);
    Field month = Field.parse(f[o + 3], 1, 12, MONTH_NAMES);
    Field dow = Field.parse(f[o + 4], 0, 7, DAY_NAMES);

    List<String> phrases = new ArrayList<>();
    String time = time(second, minute, hour);
    boolean clock = time.startsWith("at ") && time.contains(":");
    String days = days(dom, month, dow);
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

  private static String days(Field dom, Field month, Field dow) {
    List<Integer> days = dom.values();
    List<Integer> months = month.values();
    if (dow.isAll() && days != null && days.size() == 1 && months != null && months.size() == 1) {
      return "on " + MONTHS[months.get(0) - 1] + " " + days.get(0);
    }
    String dayOfMonth = dom.isAll() ? "" : dayOfMonth(dom);
    String dayOfWeek = dow.isAll() ? "" : dayOfWeek(dow);
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

  private static String dayOfMonth(Field dom) {
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

  private static String dayOfWeek(Field dow) {
    List<Integer> days = dow.expand().stream().map(d -> d == 7 ? 0 : d).distinct().sorted().toList();
    if (days.equals(List.of(1, 2, 3, 4, 5))) {
      return "Monday to Friday";
    }
    if (days.equals(List.of(0, 6))) {
      return "on Saturday and Sunday";
    }
    if (dow.isPlainRange()) {
      return DAYS[dow.from()] + " to " + DAYS[dow.to()];
    }
    List<Integer> mondayFirst = new ArrayList<>(days);
    if (mondayFirst.remove(Integer.valueOf(0))) {
      mondayFirst.add(0);
    }
    return "on " + list(mondayFirst.stream().map(d -> DAYS[d]).toList());
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
  static String duration(Duration d) {
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

  /** One field of a valid expression: comma-separated parts. */
  private record Field(List<Part> parts, int min, int max) {

    static Field parse(String text, int min, int max, String[] names) {
      List<Part> parts = new ArrayList<>();
      for (String item : text.split(",")) {
        parts.add(Part.parse(item, min, max, names));
      }
      return new Field(parts, min, max);
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
          if (!values.contains(v)) {
            values.add(v);
          }
        }
      }
      values.sort(null);
      return values;
    }

    /** @return every value the field matches, ascending */
    List<Integer> expand() {
      TreeSet<Integer> values = new TreeSet<>();
      for (Part part : parts) {
        for (int v = part.from(); v <= part.to(); v += part.step()) {
          values.add(v);
        }
      }
      return List.copyOf(values);
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
        if (part.step() == 1) {
          texts.add(part.from() == part.to() ? from : from + " to " + to);
        } else {
          texts.add("every " + part.step() + " from " + from + " to " + to);
        }
      }
      boolean plural = parts.size() > 1 || parts.get(0).from() != parts.get(0).to();
      return "at " + unit + (plural ? "s " : " ") + list(texts);
    }
  }

  /** {@code *}, {@code *}{@code /n}, {@code a}, {@code a-b}, {@code a-b/n} or {@code a/n}, with names mapped. */
  private record Part(boolean all, int from, int to, int step) {

    static Part parse(String text, int min, int max, String[] names) {
      int step = 1;
      int slash = text.indexOf('/');
      if (slash >= 0) {
        step = Integer.parseInt(text.substring(slash + 1));
        text = text.substring(0, slash);
      }
      if (text.equals("*")) {
        return new Part(true, min, max, step);
      }
      int dash = text.indexOf('-');
      if (dash > 0) {
        int from = value(text.substring(0, dash), names);
        int to = value(text.substring(dash + 1), names);
        if (names == DAY_NAMES && to == 0) {
          to = 7; // SUN at the end of a range is 7
        }
        return new Part(false, from, to, step);
      }
      int from = value(text, names);
      return new Part(false, from, slash >= 0 ? max : from, step);
    }

    private static int value(String text, String[] names) {
      if (names != null) {
        for (int i = 0; i < names.length; i++) {
          if (names[i].equalsIgnoreCase(text)) {
            return names == MONTH_NAMES ? i + 1 : i;
          }
        }
      }
      return Integer.parseInt(text);
    }
  }
}
