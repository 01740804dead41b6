package dev.pump.trigger;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Fires every {@code interval}, at fixed rate: the n-th slot is {@code start + n * interval}, so
 * neither cycle length nor timer lateness makes it drift. The first fire is one interval after the
 * start, or at the start with {@link #withFireAtStart(boolean)} (the source still waits for its
 * pipeline to be ready). With {@link #withStartAt(Instant) startAt} the slots are
 * {@code startAt + n * interval}, the first at {@code startAt}.
 */
public class PeriodicTrigger extends TimeTrigger {

  private final Duration interval;
  private boolean fireAtStart;
  private volatile Instant anchor;

  /**
   * @throws IllegalArgumentException when the interval is shorter than one millisecond
   */
  public PeriodicTrigger(TriggerRuntime runtime, Duration interval) {
    super(runtime, "periodic");
    Objects.requireNonNull(interval, "interval");
    if (interval.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("periodic interval must be at least 1ms, got " + interval);
    }
    this.interval = interval;
  }

  @Override
  public PeriodicTrigger withId(String id) {
    super.withId(id);
    return this;
  }

  /** Also fire once when the trigger starts. */
  public PeriodicTrigger withFireAtStart(boolean fireAtStart) {
    this.fireAtStart = fireAtStart;
    return this;
  }

  public Duration interval() {
    return interval;
  }

  @Override
  protected void onStart(Instant now) {
    // with a startAt, slots are startAt + n * interval (n >= 0); otherwise one interval apart from the start
    anchor = bounds().startAt() == null ? now : bounds().startAt().minus(interval);
    if (fireAtStart && boundsAdmit(now)) {
      fire(new JsonObject(), now, id() + "@" + now);
    }
  }

  @Override
  protected Optional<Instant> slotAfter(Instant instant) {
    long step = interval.toNanos();
    long elapsed = Duration.between(anchor, instant).toNanos();
    long n = elapsed < 0 ? 1 : Math.floorDiv(elapsed, step) + 1;
    return Optional.of(anchor.plusNanos(n * step));
  }

  @Override
  protected Duration minimumGap() {
    return interval;
  }

  @Override
  public String spec() {
    return interval.toString();
  }
}
