package dev.pump.trigger;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Fires when the application is idle, at most once per chill-down (5 s by default).
 *
 * <p>Idle means: no source of the application is inside a cycle and no pipeline is throttled
 * (see {@link TriggerRuntime#isIdle()}). It is checked when the trigger starts, on a tick (every
 * second, or every chill-down if that is shorter) and right after any source's cycle ends. A
 * pipeline in the error state does not make the application busy.
 */
public class OpportunisticTrigger extends Trigger {

  /** The least time between two fires unless {@link #withChilldown(Duration)} says otherwise. */
  public static final Duration DEFAULT_CHILLDOWN = Duration.ofSeconds(5);

  private Duration chilldown = DEFAULT_CHILLDOWN;
  private long tickTimer = -1;
  private Runnable stopListening = () -> { };

  public OpportunisticTrigger(TriggerRuntime runtime) {
    super(runtime, "opportunistic");
  }

  @Override
  public OpportunisticTrigger withId(String id) {
    super.withId(id);
    return this;
  }

  /** @param chilldown the least time between two fires; at least 1 ms */
  public OpportunisticTrigger withChilldown(Duration chilldown) {
    Objects.requireNonNull(chilldown, "chilldown");
    if (chilldown.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("opportunistic chilldown must be at least 1ms, got " + chilldown);
    }
    this.chilldown = chilldown;
    return this;
  }

  public Duration chilldown() {
    return chilldown;
  }

  @Override
  public Future<?> start() {
    long tick = Math.max(1, Math.min(1000, chilldown.toMillis()));
    tickTimer = vertx.setPeriodic(tick, t -> fireNowIfIdle());
    stopListening = runtime.onCycleEnded(this::fireIfIdle);
    fireNowIfIdle();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(tickTimer);
    stopListening.run();
    return Future.succeededFuture();
  }

  /**
   * Fires if the application is idle and the chill-down has passed. The tick and the end of every
   * cycle call it; it runs on the trigger's context, so two checks never both pass the chill-down.
   *
   * @return completes once checked
   */
  public Future<Void> fireIfIdle() {
    return onContext(this::fireNowIfIdle);
  }

  private void fireNowIfIdle() {
    Instant last = lastFiredAt().orElse(null);
    boolean chilled = last == null || !clock().instant().isBefore(last.plus(chilldown));
    if (chilled && !isPaused() && runtime.isIdle()) {
      fire(new JsonObject());
    }
  }

  @Override
  public String spec() {
    return "chilldown " + chilldown;
  }
}
