package dev.pump.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** The system clock plus an offset a test can step, as NTP (or an operator) steps a real clock. */
public final class SteppableClock implements InstantSource {

  private volatile Duration offset = Duration.ZERO;

  @Override
  public Instant instant() {
    return Instant.now().plus(offset);
  }

  public void step(Duration by) {
    offset = offset.plus(by);
  }
}
