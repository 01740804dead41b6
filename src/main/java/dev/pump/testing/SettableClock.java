package dev.pump.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * A clock a test moves by hand, so that nothing waits for real time to pass, as db-scheduler's
 * {@code SettableClock}. Give it to {@link dev.pump.PumpApplication.Builder#clock}; after moving it, call
 * {@link dev.pump.PumpApplication#runDue()} to fire at once what the clock now says is due, instead of waiting
 * for the application's clock watch to notice (within a second):
 * <pre>{@code
 * SettableClock clock = SettableClock.at("2026-03-30T06:59:00Z");
 * PumpApplication app = PumpApplication.builder().vertx(vertx).clock(clock).build();
 * ... triggers, sources, app.start() ...
 * clock.tick(Duration.ofMinutes(1));
 * app.runDue().await();
 * }</pre>
 * Safe to read from any thread; moving it backwards is allowed (a time trigger then waits for its slot again).
 */
public final class SettableClock implements InstantSource {

  private volatile Instant now;

  /** @param start the instant the clock shows until it is moved */
  public SettableClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /**
   * @param isoInstant an ISO-8601 instant such as {@code 2026-03-30T07:00:00Z}
   * @throws java.time.format.DateTimeParseException when it is not one
   */
  public static SettableClock at(String isoInstant) {
    return new SettableClock(Instant.parse(isoInstant));
  }

  @Override
  public Instant instant() {
    return now;
  }

  /** Shows {@code instant} from now on. */
  public void set(Instant instant) {
    now = Objects.requireNonNull(instant, "instant");
  }

  /** Moves the clock by {@code duration}; a negative one moves it back. */
  public void tick(Duration duration) {
    now = now.plus(duration);
  }
}
