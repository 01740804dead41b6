package dev.pump.bench.cron;

import dev.pump.trigger.CronSchedule;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.text.ParseException;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/**
 * Parse and compile, ns/op: {@link CronSchedule#parse} vs Quartz {@code new CronExpression} vs Spring
 * {@code CronExpression.parse}. Each call reads the next of 1024 distinct expressions (seconds and minutes vary
 * in {@code S M 9-17 * * MON-FRI}), twice as many as our schedule cache holds, so every one of ours misses the
 * cache: the figure is a first parse, with the cache's bookkeeping.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CronParseBench {

  static final int INPUTS = 1024;

  private final String[] ours = new String[INPUTS];
  private final String[] quartz = new String[INPUTS];
  private int next;

  @Setup
  public void setUp() {
    for (int i = 0; i < INPUTS; i++) {
      int second = i % 60;
      int minute = (i / 60) % 60;
      ours[i] = second + " " + minute + "/15 9-17 * * MON-FRI";
      quartz[i] = second + " " + minute + "/15 9-17 ? * MON-FRI";
    }
  }

  private int index() {
    next = (next + 1) & (INPUTS - 1);
    return next;
  }

  @Benchmark
  public Object ours() {
    return CronSchedule.parse(ours[index()], ZoneOffset.UTC);
  }

  @Benchmark
  public Object quartz() throws ParseException {
    return new org.quartz.CronExpression(quartz[index()]);
  }

  @Benchmark
  public Object spring() {
    return org.springframework.scheduling.support.CronExpression.parse(ours[index()]);
  }
}
