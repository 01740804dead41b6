package dev.pump.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/** Percentiles, min/median/max, heap after GC and process CPU time. */
public final class Stats {

  private Stats() {
  }

  /** Nearest-rank percentile of {@code values[0..count)}; sorts that range in place. */
  public static double percentile(long[] values, int count, double p) {
    if (count == 0) {
      return Double.NaN;
    }
    Arrays.sort(values, 0, count);
    int rank = (int) Math.ceil(p * count);
    return values[Math.max(0, Math.min(count - 1, rank - 1))];
  }

  public static double[] minMedianMax(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new double[] {sorted[0], median, sorted[n - 1]};
  }

  public static double median(double[] values) {
    return minMedianMax(values)[1];
  }

  /** Used heap in bytes after two full collections (System.gc() is a full GC with G1 unless disabled). */
  public static long usedHeapAfterGc() {
    for (int i = 0; i < 2; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  public static long usedHeapNow() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** CPU time of this process, all threads, in nanoseconds. */
  public static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }

  /**
   * CPU time (ms, user + system) of this process's threads, summed by thread name with digits and dashes
   * cut off the end (so the event loops add up as one): where idle CPU goes, including the JVM's own threads.
   */
  public static java.util.Map<String, Long> cpuMillisByThreadGroup() {
    java.util.Map<String, Long> byGroup = new java.util.TreeMap<>();
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    if (tasks == null) {
      return byGroup;
    }
    for (java.io.File task : tasks) {
      try {
        String name = java.nio.file.Files.readString(task.toPath().resolve("comm")).strip().replaceAll("[-#0-9]+$", "");
        String stat = java.nio.file.Files.readString(task.toPath().resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime, in 1/100 s
        byGroup.merge(name, ticks * 10, Long::sum);
      } catch (java.io.IOException | RuntimeException e) {
        // the thread ended while we read it
      }
    }
    return byGroup;
  }

  /**
   * Bytes allocated so far by this process's live threads (HotSpot's per-thread TLAB counters); a difference
   * over a window where no thread ends is what that window allocated.
   */
  public static long allocatedBytes() {
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads) {
      long sum = 0;
      for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
        sum += Math.max(0, bytes);
      }
      return sum;
    }
    return -1;
  }

  public static int threadCount() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
