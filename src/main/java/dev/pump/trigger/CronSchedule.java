package dev.pump.trigger;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 <p>
 * The day fields also take the forms of Quartz, croner and cron-parser, as list elements:
 * <ul>
 *   <li>day-of-month {@code L}: the last day of the month; {@code L-3}: three days before it (1-30 days);</li>
 *   <li>day-of-month {@code 15W}: the weekday (Monday-Friday) nearest the 15th, in the same month (a Saturday 1st
 *       moves to Monday the 3rd, a Sunday last day to the Friday before); {@code LW}: the last weekday of the
 *       month; {@code nW} does not match in a month without day {@code n};</li>
 *   <li>day-of-week {@code MON#1} or {@code 1#1}: the first Monday of the month (weeks 1-5; a month without a
 *       fifth Monday has no {@code MON#5}); {@code 5L} or {@code FRIL}: the last Friday of the month;</li>
 *   <li>{@code ?} alone in day-of-month or day-of-week: the same as {@code *}.</li>
 * </ul>
 * Days of the week keep the crontab numbers (Sunday 0 or 7), not Quartz's (Sunday 1).
 * <p>
 * When both day-of-month and day-of-week are restricted (anything but a bare {@code *} or {@code ?}), a day
 * matches if <em>either</em> matches, as in classic crontab: {@code 0 0 13 * 5} fires every Friday and every 13th,
 * {@code 0 0 L * 5} every Friday and the last day of each month. When only one of them is restricted, only that one
 * counts: {@code 0 0 ? * 5L} fires on the last Friday.
 * <p>
 * An expression that never fires ({@code 0 0 30 2 *}: February has no day 30) is invalid.
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
 * <p>
 * Inside: {@code CronSyntax} reads the text (the only place that does) into {@link CronFields}, one bit set per field
 * searched from month down to second; {@code CronDstLayer} maps the wall-clock slots to instants; {@code CronCache}
 * shares the instances. {@link #nextAfter(Instant)} allocates only its result.
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

  private final String expression;
  private final ZoneId zone;
  private final DstPolicy dst;
  private final CronFields fields;
  private final CronDstLayer layer;

  private CronSchedule(String expression, ZoneId zone, DstPolicy dst, CronFields fields) {
    this.expression = expression;
    this.zone = zone;
    this.dst = dst;
    this.fields = fields;
    this.layer = new CronDstLayer(fields, zone, dst);
  }

  /**
   * Parses a cron expression (see the class documentation for the syntax) with the default daylight saving
   * policy, {@link DstPolicy#DEFAULT}.
   *
   * @param expression the expression; surrounding whitespace is ignored
   * @param zone the zone whose wall clock the expression describes
   * @return the schedule; never {@code null}
   * @throws NullPointerException if {@code expression} or {@code zone} is {@code null}
   * @throws IllegalArgumentException if the expression is invalid or never fires; the message starts with the quoted
   *     expression and names the field and the rule, e.g. {@code "61 * * * *": minute 61 is out of range 0-59}
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
   * @throws IllegalArgumentException if the expression is invalid or never fires; the message starts with the quoted
   *     expression and names the field and the rule, e.g. {@code "61 * * * *": minute 61 is out of range 0-59}
   */
  public static CronSchedule parse(String expression, ZoneId zone, DstPolicy dst) {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(dst, "dst");
    String trimmed = expression.trim();
    return CronCache.get(trimmed, zone, dst, () -> new CronSchedule(trimmed, zone, dst, CronSyntax.parse(trimmed)));
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
    return fields.hasSeconds();
  }

  /** @return the expression compiled, one bit set per field: what the schedule in words reads */
  public CronFields fields() {
    return fields;
  }

  /**
   * The first fire instant strictly after {@code instant}, with the daylight saving policy of the class
   * documentation applied.
   *
   * @param instant the reference instant; never {@code null}
   * @return the next fire instant, or empty past the last representable one (near {@link Instant#MAX}) or when, with
   *     {@link GapPolicy#SKIP}, every slot of the next 400 years falls in a daylight saving gap ({@code 30 2 ? 3 0L}
   *     in Europe/Prague: 02:30 on the last Sunday of March)
   */
  public Optional<Instant> nextAfter(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    long next = nextAfterEpochSecond(instant.getEpochSecond());
    return next == CronFields.NONE ? Optional.empty() : Optional.of(Instant.ofEpochSecond(next));
  }

  /**
   * {@link #nextAfter(Instant)} in epoch seconds, allocating nothing: fires are whole seconds, so the first fire
   * strictly after any instant within second {@code epochSecond} is the first one strictly after that second.
   *
   * @param epochSecond the reference instant, as seconds since 1970-01-01T00:00:00Z
   * @return the next fire as seconds since the epoch, or {@link Long#MIN_VALUE} if there is none
   */
  long nextAfterEpochSecond(long epochSecond) {
    try {
      return layer.nextAfter(epochSecond);
    } catch (DateTimeException beyondTheZoneRulesRange) {
      return CronFields.NONE; // near Instant.MIN/MAX: no representable wall-clock time
    }
  }

  /**
   * Up to {@code count} fire instants, the first strictly after {@code after} and each strictly after the previous.
   *
   * @param after the reference instant; never {@code null}
   * @param count how many instants to compute, at least 0
   * @return an immutable list, shorter than {@code count} only near {@link Instant#MAX}
   */
  public List<Instant> next(Instant after, int count) {
    Objects.requireNonNull(after, "after");
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    List<Instant> result = new ArrayList<>(Math.min(count, 1024));
    long cursor = after.getEpochSecond();
    while (result.size() < count) {
      cursor = nextAfterEpochSecond(cursor);
      if (cursor == CronFields.NONE) {
        break;
      }
      result.add(Instant.ofEpochSecond(cursor));
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
    try {
      return layer.isShifted(fire);
    } catch (DateTimeException beyondTheZoneRulesRange) {
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
}
