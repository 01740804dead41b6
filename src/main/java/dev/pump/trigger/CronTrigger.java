package dev.pump.trigger;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * Fires at the slots of a cron expression: 5-field UNIX cron, the 6-field form with a leading
 * seconds field, or a macro such as {@code @hourly}; see {@link CronSchedule} for the syntax and
 * the daylight-saving policy.
 * <pre>{@code
 * new CronTrigger(app, "0 9 * * 1-5", ZoneId.of("Europe/Prague"))   // 09:00 on working days
 * }</pre>
 */
public class CronTrigger extends TimeTrigger {

  private final CronSchedule schedule;

  /** A schedule in the system time zone. */
  public CronTrigger(TriggerRuntime runtime, String expression) {
    this(runtime, expression, ZoneId.systemDefault());
  }

  /**
   * @throws IllegalArgumentException quoting the expression and naming the field that is wrong
   */
  public CronTrigger(TriggerRuntime runtime, String expression, ZoneId zone) {
    this(runtime, CronSchedule.parse(expression, zone));
  }

  public CronTrigger(TriggerRuntime runtime, CronSchedule schedule) {
    super(runtime, "cron");
    this.schedule = schedule;
  }

  @Override
  public CronTrigger withId(String id) {
    super.withId(id);
    return this;
  }

  public CronSchedule schedule() {
    return schedule;
  }

  /** @return the next {@code count} slots after now */
  public List<Instant> nextFireTimes(int count) {
    return schedule.next(clock().instant(), count);
  }

  @Override
  protected Optional<Instant> slotAfter(Instant instant) {
    return schedule.nextAfter(instant);
  }

  /** Triggers with an equal expression, zone and policy share one cached schedule, and its next-slot computation. */
  @Override
  protected Object sharedSchedule() {
    return schedule;
  }

  /** Slots are whole seconds in every zone (zone offsets and transitions are whole seconds). */
  @Override
  protected Duration minimumGap() {
    return Duration.ofSeconds(1);
  }

  @Override
  public String spec() {
    return schedule.expression();
  }

  @Override
  public Optional<ZoneId> zone() {
    return Optional.of(schedule.zone());
  }
}
