package dev.pump.trigger;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule that keeps slots of a time trigger from firing, read in the trigger's zone: a date
 * ({@code 2026-12-25}: every slot on that day), an inclusive date range ({@code 2026-12-24..2026-12-26})
 * or a cron expression ({@code "* * * * 0,6"}: every slot in a minute the expression matches, here
 * the weekends). A holiday calendar is a list of them.
 */
public final class SlotExclusion {

  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern RANGE = Pattern.compile("(\\S+)\\s*\\.\\.\\s*(\\S+)");
  /** The forms an exclusion may take, for error messages. */
  public static final String FORMS =
    "a date (2026-12-25), a date range (2026-12-24..2026-12-26) or a cron expression (\"* * * * 0,6\")";

  private final String text;
  private final ZoneId zone;
  private final LocalDate from;
  private final LocalDate to;
  private final CronSchedule cron;

  private SlotExclusion(String text, ZoneId zone, LocalDate from, LocalDate to, CronSchedule cron) {
    this.text = text;
    this.zone = zone;
    this.from = from;
    this.to = to;
    this.cron = cron;
  }

  /**
   * @param text a date, a date range {@code from..to} (both days included) or a cron expression
   * @param zone the zone dates and the cron expression are read in (the trigger's)
   * @throws IllegalArgumentException quoting the text and saying which form it failed
   */
  public static SlotExclusion parse(String text, ZoneId zone) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(zone, "zone");
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("an exclusion must not be empty: use " + FORMS);
    }
    Matcher range = RANGE.matcher(trimmed);
    if (range.matches()) {
      LocalDate from = date(trimmed, range.group(1));
      LocalDate to = date(trimmed, range.group(2));
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("\"" + trimmed + "\": the range ends (" + to + ") before it starts (" + from + ")");
      }
      return new SlotExclusion(trimmed, zone, from, to, null);
    }
    if (DATE.matcher(trimmed).matches()) {
      LocalDate day = date(trimmed, trimmed);
      return new SlotExclusion(trimmed, zone, day, day, null);
    }
    try {
      return new SlotExclusion(trimmed, zone, null, null, CronSchedule.parse(trimmed, zone));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + trimmed + "\" is not " + FORMS + ": " + e.getMessage(), e);
    }
  }

  private static LocalDate date(String text, String date) {
    if (!DATE.matcher(date).matches()) {
      throw new IllegalArgumentException("\"" + text + "\": \"" + date + "\" is not a date such as 2026-12-25");
    }
    try {
      return LocalDate.parse(date);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("\"" + text + "\": \"" + date + "\" is not a valid date ("
        + e.getMessage() + ")", e);
    }
  }

  /** @return whether {@code slot} must not fire */
  boolean excludes(Instant slot) {
    if (cron == null) {
      LocalDate day = LocalDate.ofInstant(slot, zone);
      return !day.isBefore(from) && !day.isAfter(to);
    }
    // the expression matches the slot's minute (its second, for six fields) when it fires right there
    Instant start = slot.truncatedTo(cron.hasSeconds() ? ChronoUnit.SECONDS : ChronoUnit.MINUTES);
    return cron.nextAfter(start.minusNanos(1)).filter(start::equals).isPresent();
  }

  /**
   * @return for a date or range: the first instant after the excluded days, where a long run of
   *     excluded slots may skip to; for a cron expression, {@code slot} itself
   */
  Instant resumeAfter(Instant slot) {
    return cron == null ? to.plusDays(1).atStartOfDay(zone).toInstant() : slot;
  }

  /** @return the exclusion as written (trimmed) */
  public String text() {
    return text;
  }

  /** @return the cron expression of a cron exclusion, or {@code null} for a date or a range */
  public String cronExpression() {
    return cron == null ? null : cron.expression();
  }

  /** @return the exclusion in words: {@code 2026-12-25}, {@code 2026-12-24 to 2026-12-26}, or the expression */
  public String words() {
    if (cron != null) {
      return "\"" + cron.expression() + "\"";
    }
    return from.equals(to) ? from.toString() : from + " to " + to;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SlotExclusion that && text.equals(that.text) && zone.equals(that.zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(text, zone);
  }

  @Override
  public String toString() {
    return "exclude " + text + " (" + zone + ")";
  }
}
