package dev.pump.bench;

import java.util.concurrent.atomic.AtomicInteger;

/** Lock-free collector of latencies in microseconds, bounded in size. */
public final class Recorder {

  private final long[] values;
  private final AtomicInteger next = new AtomicInteger();

  public Recorder(int capacity) {
    this.values = new long[capacity];
  }

  public void add(long micros) {
    int i = next.getAndIncrement();
    if (i < values.length) {
      values[i] = micros;
    }
  }

  public int count() {
    return Math.min(next.get(), values.length);
  }

  /** @return p in [0,1], in milliseconds; sorts the recorded values */
  public double percentileMillis(double p) {
    return Stats.percentile(values, count(), p) / 1000.0;
  }

  public double maxMillis() {
    return percentileMillis(1.0);
  }

  public double minMillis() {
    return percentileMillis(0.0);
  }
}
