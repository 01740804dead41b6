package dev.pump.trigger;

import java.time.Instant;

/**
 * An instant written on every fire by one thread and read now and then by any (a snapshot, the
 * next or last fire time). Kept as epoch nanoseconds in a volatile long: an {@link Instant} stored
 * into a long-lived object costs G1 a dirty card to refine per write, which was a measured part of
 * what a fire cost at 10 000 triggers per slot. Instants outside what a long of nanoseconds holds
 * (before 1677 or after 2262) are kept as objects, so nothing is clamped.
 */
final class InstantCell {

  private static final long EMPTY = Long.MIN_VALUE;
  private static final long FAR = Long.MAX_VALUE;
  private static final long LONG_NANOS_SECONDS = Long.MAX_VALUE / 1_000_000_000L;

  private volatile long epochNanos = EMPTY;
  private volatile Instant far;

  void set(Instant instant) {
    if (instant == null) {
      epochNanos = EMPTY;
      return;
    }
    long seconds = instant.getEpochSecond();
    if (seconds <= -LONG_NANOS_SECONDS || seconds >= LONG_NANOS_SECONDS) {
      far = instant; // published by the volatile write below
      epochNanos = FAR;
    } else {
      epochNanos = seconds * 1_000_000_000L + instant.getNano();
    }
  }

  /** @return the instant last set, or {@code null} */
  Instant get() {
    long nanos = epochNanos;
    if (nanos == EMPTY) {
      return null;
    }
    return nanos == FAR ? far : Instant.ofEpochSecond(0, nanos);
  }
}
