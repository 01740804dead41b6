package dev.pump.trigger;

/**
 * A cron expression compiled: each field a bit set, and the wall-clock search over them. Zone-independent: it answers
 * in wall-clock seconds ("local epoch seconds", the seconds of a {@code LocalDateTime} since 1970-01-01T00:00);
 * {@link CronSchedule} maps them to instants under its daylight saving policy.
 *
 * <p>Bit {@code v} of a mask is set when value {@code v} matches: {@link #seconds()} and {@link #minutes()} use bits
 * 0-59, {@link #hours()} 0-23, {@link #daysOfMonth()} 1-31, {@link #months()} 1-12, {@link #daysOfWeek()} 0-6 with
 * Sunday 0. The day forms that depend on the month ({@code L}, {@code L-3}, {@code 15W}, {@code LW}, {@code MON#1},
 * {@code 5L}) have masks of their own. Built only by {@code CronSyntax}; read by the schedule in words.
 */
public final class CronFields {

  /** Returned by {@link #nextSlotAfter(long)} when no slot follows. */
  static final long NONE = Long.MIN_VALUE;

  private static final int SECONDS_PER_DAY = 86_400;
  /** The years {@link java.time.LocalDateTime} can hold; the search gives up beyond them. */
  private static final long MAX_YEAR = 999_999_999L;
  private static final long MIN_YEAR = -999_999_999L;
  /** A valid schedule fires at least once in any 400-year Gregorian cycle; never searching longer bounds each call. */
  private static final int SEARCH_YEARS = 400;

  private final boolean hasSeconds;
  private final long seconds;
  private final long minutes;
  private final long hours;
  private final long daysOfMonth;
  private final long months;
  private final int daysOfWeek;
  private final boolean dayOfMonthStar;
  private final boolean dayOfWeekStar;
  private final long lastDayOffsets;
  private final long nearestWeekdays;
  private final boolean lastWeekday;
  private final long nthWeekdays;
  private final int lastWeekdays;
  private final boolean fixedTime;
  /** No form that depends on the weekday of the month's first day: the day mask is a month length away. */
  private final boolean weekdayFree;
  /** The first matching second of a day. */
  private final int firstTime;

  @SuppressWarnings("checkstyle:ParameterNumber")
  CronFields(boolean hasSeconds, long seconds, long minutes, long hours, long daysOfMonth, long months,
      int daysOfWeek, boolean dayOfMonthStar, boolean dayOfWeekStar, long lastDayOffsets, long nearestWeekdays,
      boolean lastWeekday, long nthWeekdays, int lastWeekdays, boolean fixedTime) {
    this.hasSeconds = hasSeconds;
    this.seconds = seconds;
    this.minutes = minutes;
    this.hours = hours;
    this.daysOfMonth = daysOfMonth;
    this.months = months;
    this.daysOfWeek = daysOfWeek;
    this.dayOfMonthStar = dayOfMonthStar;
    this.dayOfWeekStar = dayOfWeekStar;
    this.lastDayOffsets = lastDayOffsets;
    this.nearestWeekdays = nearestWeekdays;
    this.lastWeekday = lastWeekday;
    this.nthWeekdays = nthWeekdays;
    this.lastWeekdays = lastWeekdays;
    this.fixedTime = fixedTime;
    this.weekdayFree = dayOfWeekStar && nearestWeekdays == 0 && !lastWeekday;
    this.firstTime = timeAtOrAfter(0, 0, 0);
  }

  /** @return whether the expression has the 6-field form with a leading seconds field */
  public boolean hasSeconds() {
    return hasSeconds;
  }

  /** @return the seconds, bits 0-59; only bit 0 in the 5-field form */
  public long seconds() {
    return seconds;
  }

  /** @return the minutes, bits 0-59 */
  public long minutes() {
    return minutes;
  }

  /** @return the hours, bits 0-23 */
  public long hours() {
    return hours;
  }

  /** @return the plain days of the month, bits 1-31 (without {@code L}, {@code W} forms) */
  public long daysOfMonth() {
    return daysOfMonth;
  }

  /** @return the months, bits 1-12 */
  public long months() {
    return months;
  }

  /** @return the plain days of the week, bits 0-6, Sunday 0 (without {@code #} and {@code L} forms) */
  public int daysOfWeek() {
    return daysOfWeek;
  }

  /** @return whether day-of-month is unrestricted: a bare {@code *} or {@code ?} */
  public boolean dayOfMonthStar() {
    return dayOfMonthStar;
  }

  /** @return whether day-of-week is unrestricted: a bare {@code *} or {@code ?} */
  public boolean dayOfWeekStar() {
    return dayOfWeekStar;
  }

  /** @return bit {@code k} set for {@code L-k} in day-of-month: the k-th day before the last ({@code L} is bit 0) */
  public long lastDayOffsets() {
    return lastDayOffsets;
  }

  /** @return bit {@code n} set for {@code nW} in day-of-month: the weekday nearest day {@code n}, in its month */
  public long nearestWeekdays() {
    return nearestWeekdays;
  }

  /** @return whether day-of-month has {@code LW}: the last weekday (Monday-Friday) of the month */
  public boolean lastWeekday() {
    return lastWeekday;
  }

  /** @return bit {@code 5 * d + (n - 1)} set for {@code d#n} in day-of-week: the n-th weekday d (Sunday 0) */
  public long nthWeekdays() {
    return nthWeekdays;
  }

  /** @return bit {@code d} set for {@code dL} in day-of-week: the last weekday d (Sunday 0) of the month */
  public int lastWeekdays() {
    return lastWeekdays;
  }

  /**
   * @return whether second, minute and hour are single values or lists of them (no wildcard, range or step): such a
   *     schedule fires once in a fall-back overlap unless told otherwise
   */
  boolean fixedTime() {
    return fixedTime;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Days of a month

  /**
   * The days of one month that match day-of-month and day-of-week with the classic rule: when both are restricted, a
   * day matching either matches; otherwise only the restricted one counts.
   *
   * @param length the month's length, 28-31
   * @param firstWeekday the weekday of its first day, Sunday 0
   * @return bits 1-{@code length}
   */
  long days(int length, int firstWeekday) {
    long inMonth = (1L << (length + 1)) - 2;
    if (dayOfMonthStar && dayOfWeekStar) {
      return inMonth;
    }
    long byMonthDay = dayOfMonthStar ? 0 : monthDays(length, firstWeekday);
    long byWeekDay = dayOfWeekStar ? 0 : weekDays(length, firstWeekday);
    if (dayOfMonthStar) {
      return byWeekDay & inMonth;
    }
    return (dayOfWeekStar ? byMonthDay : byMonthDay | byWeekDay) & inMonth;
  }

  private long monthDays(int length, int firstWeekday) {
    long days = daysOfMonth;
    for (long offsets = lastDayOffsets; offsets != 0; offsets &= offsets - 1) {
      int day = length - Long.numberOfTrailingZeros(offsets);
      if (day >= 1) {
        days |= 1L << day;
      }
    }
    for (long nearest = nearestWeekdays; nearest != 0; nearest &= nearest - 1) {
      int day = Long.numberOfTrailingZeros(nearest);
      if (day <= length) {
        days |= 1L << nearestWeekday(day, length, firstWeekday);
      }
    }
    if (lastWeekday) {
      int weekday = (firstWeekday + length - 1) % 7;
      days |= 1L << (weekday == 6 ? length - 1 : weekday == 0 ? length - 2 : length);
    }
    return days;
  }

  /** Quartz's rule: a Saturday moves to the Friday before, a Sunday to the Monday after, never out of the month. */
  private static int nearestWeekday(int day, int length, int firstWeekday) {
    int weekday = (firstWeekday + day - 1) % 7;
    if (weekday == 6) {
      return day == 1 ? 3 : day - 1;
    }
    if (weekday == 0) {
      return day == length ? day - 2 : day + 1;
    }
    return day;
  }

  private long weekDays(int length, int firstWeekday) {
    // Bit k of the week pattern: does the (k+1)-th day of the month, weekday (firstWeekday + k) % 7, match?
    int week = ((daysOfWeek >>> firstWeekday) | (daysOfWeek << (7 - firstWeekday))) & 0x7F;
    long pattern = week | (long) week << 7;
    long days = (pattern | pattern << 14 | (long) week << 28) << 1;
    for (long nth = nthWeekdays; nth != 0; nth &= nth - 1) {
      int bit = Long.numberOfTrailingZeros(nth);
      int first = 1 + (bit / 5 - firstWeekday + 7) % 7;
      days |= 1L << (first + 7 * (bit % 5)); // up to day 35: beyond the month, masked off by the caller
    }
    if (lastWeekdays != 0) {
      int lastDayWeekday = (firstWeekday + length - 1) % 7;
      for (int weekday = 0; weekday < 7; weekday++) {
        if ((lastWeekdays & (1 << weekday)) != 0) {
          days |= 1L << (length - (lastDayWeekday - weekday + 7) % 7);
        }
      }
    }
    return days;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The search

  /**
   * The first matching wall-clock slot strictly after {@code wall}: months, then days, hours, minutes and seconds,
   * each jumping to the next set bit of its field.
   *
   * @param wall wall-clock seconds since 1970-01-01T00:00
   * @return the slot in wall-clock seconds, or {@link #NONE} if none within 400 years or the representable years
   */
  long nextSlotAfter(long wall) {
    long start = wall + 1;
    long epochDay = Math.floorDiv(start, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(start, SECONDS_PER_DAY);
    // Days to civil date (H. Hinnant's algorithm), here rather than in LocalDate to allocate nothing.
    long shifted = epochDay + 719_468;
    long era = Math.floorDiv(shifted, 146_097);
    long dayOfEra = shifted - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    int monthIndex = (int) ((5 * dayOfYear + 2) / 153);
    int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
    int month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

    long lastYear = year + SEARCH_YEARS;
    long monthDays = 0;
    long monthDaysOf = Long.MIN_VALUE; // the (year, month) monthDays belongs to, as year * 16 + month
    while (true) {
      if (year > lastYear || year > MAX_YEAR || year < MIN_YEAR) {
        return NONE;
      }
      if ((months & (1L << month)) == 0) {
        long later = months & (-1L << (month + 1));
        if (later == 0) {
          year++;
          month = Long.numberOfTrailingZeros(months);
        } else {
          month = Long.numberOfTrailingZeros(later);
        }
        day = 1;
        secondOfDay = 0;
        continue;
      }
      if (monthDaysOf != year * 16 + month) {
        monthDays = monthDays(year, month);
        monthDaysOf = year * 16 + month;
      }
      long days = monthDays & (-1L << day);
      if (days == 0) {
        if (++month > 12) {
          month = 1;
          year++;
        }
        day = 1;
        secondOfDay = 0;
        continue;
      }
      int nextDay = Long.numberOfTrailingZeros(days);
      if (nextDay != day) {
        day = nextDay;
        secondOfDay = 0;
      }
      int time = secondOfDay == 0 ? firstTime : timeAtOrAfter(secondOfDay / 3600, secondOfDay / 60 % 60,
          secondOfDay % 60);
      if (time < 0) {
        day++;
        secondOfDay = 0;
        continue;
      }
      return epochDay(year, month, day) * SECONDS_PER_DAY + time;
    }
  }

  /**
   * @return the first matching second of the day at or after {@code hour:minute:second}, jumping hour, minute and
   *     second to their next set bits; -1 if none is left that day
   */
  private int timeAtOrAfter(int hour, int minute, int second) {
    while (true) {
      long laterHours = hours & (-1L << hour);
      if (laterHours == 0) {
        return -1;
      }
      int nextHour = Long.numberOfTrailingZeros(laterHours);
      if (nextHour != hour) {
        hour = nextHour;
        minute = 0;
        second = 0;
      }
      long laterMinutes = minutes & (-1L << minute);
      if (laterMinutes == 0) {
        hour++; // 24 leaves no hour: -1
        minute = 0;
        second = 0;
        continue;
      }
      int nextMinute = Long.numberOfTrailingZeros(laterMinutes);
      if (nextMinute != minute) {
        minute = nextMinute;
        second = 0;
      }
      long laterSeconds = seconds & (-1L << second);
      if (laterSeconds == 0) {
        minute++; // 60 leaves no minute: the next hour
        second = 0;
        continue;
      }
      return hour * 3600 + minute * 60 + Long.numberOfTrailingZeros(laterSeconds);
    }
  }

  private long monthDays(long year, int month) {
    int length = length(year, month);
    if (weekdayFree) {
      return days(length, 0);
    }
    int firstWeekday = (int) Math.floorMod(epochDay(year, month, 1) + 4, 7); // 1970-01-01 was a Thursday
    return days(length, firstWeekday);
  }

  static int length(long year, int month) {
    return switch (month) {
      case 2 -> (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Civil date to days since 1970-01-01 (H. Hinnant's algorithm). */
  static long epochDay(long year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yearOfEra = y - era * 400;
    long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097 + dayOfEra - 719_468;
  }
}
