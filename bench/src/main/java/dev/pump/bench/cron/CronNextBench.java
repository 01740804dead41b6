package dev.pump.bench.cron;

import dev.pump.trigger.CronSchedule;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.Random;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;

/**
 * Next fire time after a given instant, ns/op: our {@link CronSchedule} (bit sets searched month to second)
 * vs Quartz {@code CronExpression.getNextValidTimeAfter} vs Spring {@code CronExpression.next},
 * all in UTC, all parsed once in setup. Each call asks about the next of 1024 random instants of
 * one year (the same instants for all three), so no library can answer from a one-entry memo.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CronNextBench {

  static final int INPUTS = 1024;

  /** Index into {@link CronExpressions}. */
  @Param({"0", "1", "2", "3", "4", "5", "6"})
  public int expression;

  private CronSchedule ours;
  private org.quartz.CronExpression quartz;
  private org.springframework.scheduling.support.CronExpression spring;
  private final Instant[] instants = new Instant[INPUTS];
  private final Date[] dates = new Date[INPUTS];
  private final ZonedDateTime[] zoned = new ZonedDateTime[INPUTS];
  private int next;

  @Setup
  public void setUp() throws ParseException {
    ours = CronSchedule.parse(CronExpressions.OURS[expression], ZoneOffset.UTC);
    quartz = new org.quartz.CronExpression(CronExpressions.QUARTZ[expression]);
    quartz.setTimeZone(TimeZone.getTimeZone("UTC"));
    spring = org.springframework.scheduling.support.CronExpression.parse(CronExpressions.OURS[expression]);
    Instant[] sample = inputs();
    for (int i = 0; i < INPUTS; i++) {
      instants[i] = sample[i];
      dates[i] = Date.from(sample[i]);
      zoned[i] = sample[i].atZone(ZoneOffset.UTC);
    }
  }

  /** 1024 random instants of 2026, whole milliseconds (Quartz's resolution), fixed seed. */
  static Instant[] inputs() {
    Random random = new Random(42);
    long from = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    long span = 365L * 24 * 3600 * 1000;
    Instant[] out = new Instant[INPUTS];
    for (int i = 0; i < INPUTS; i++) {
      out[i] = Instant.ofEpochMilli(from + (long) (random.nextDouble() * span));
    }
    return out;
  }

  private int index() {
    next = (next + 1) & (INPUTS - 1);
    return next;
  }

  @Benchmark
  public Object ours() {
    return ours.nextAfter(instants[index()]);
  }

  @Benchmark
  public Object quartz() {
    return quartz.getNextValidTimeAfter(dates[index()]);
  }

  @Benchmark
  public Object spring() {
    return spring.next(zoned[index()]);
  }
}
