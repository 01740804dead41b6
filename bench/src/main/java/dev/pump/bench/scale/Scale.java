package dev.pump.bench.scale;

import dev.pump.PumpApplication;
import dev.pump.bench.Recorder;
import dev.pump.bench.Results;
import dev.pump.bench.Stats;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.Trigger;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import org.quartz.CronScheduleBuilder;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Many cron triggers on one node: time to deploy, heap per trigger after GC, lateness when
 * {@code SHARE} of them share a slot, and the CPU the idle triggers burn.
 *
 * <pre>Scale MODE TOTAL SHARE BUDGET_SECONDS [idle]
 *   MODE ours    CronTrigger verticles (no sources; lateness = firedAt - scheduledAt via onFire)
 *        quartz  Quartz 2.5 RAMJobStore, one job + CronTrigger each, 10 threads, batch 10
 *        bare    the floor of one-verticle-per-trigger: a bare Vert.x verticle holding one timer
 *                (re-armed every 60 s like a TimeTrigger), lateness at the timer</pre>
 *
 * TOTAL - SHARE "bulk" triggers get one of 60 yearly expressions (second 0, minute 0-59, a fixed
 * hour, day and month half a year away, so they never fire during the run and 60 parsed schedules are
 * shared); then SHARE triggers "S,S+3 M H * * *" are added for two slots a few seconds ahead (daily, so
 * they do not fire again during the run). The first is the first fire the JVM ever runs, all of it in
 * the interpreter ({@code cold.p99}); the second, 3 s later, is the lateness reported ({@code p99}). Deploy time is bulk + share. If the bulk deploy does not
 * finish within BUDGET_SECONDS the run reports how far it got and exits.
 *
 * <p>With {@code idle}: the CPU the process burns over a 10 s window in which no trigger is due, after
 * the shared slot. Ours wakes nothing in that window but its clock watch (once a second); Quartz's one
 * scheduler thread sleeps until the next due trigger. Then (ours) the time {@code app.close()} takes.
 */
public final class Scale {

  static final int IDLE_WINDOW_SECONDS = 10;
  static final int IDLE_SETTLE_SECONDS = 15;
  /**
   * The shared triggers fire at two slots this far apart: the first is the first fire the JVM ever runs
   * (kept as {@code cold.p99}), the second is the one reported, as a service that has run for a while.
   */
  static final int WARM_GAP_SECONDS = 3;
  static final int CLOSE_BOUND_SECONDS = 60;
  static boolean idle;
  /** (seconds since the deploy began, triggers deployed), every 5 s. */
  static final List<double[]> PROGRESS = new ArrayList<>();
  static volatile Recorder quartzLateness;
  static volatile Instant quartzSlot;
  static volatile Recorder quartzWarm;

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int total = Integer.parseInt(args[1]);
    int share = Integer.parseInt(args[2]);
    long budgetSeconds = Long.parseLong(args[3]);
    idle = args.length > 4 && args[4].equals("idle");
    String key = "scale." + mode + "." + label(total);
    Results.log(key + ": max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
    switch (mode) {
      case "ours" -> ours(key, total, share, budgetSeconds);
      case "quartz" -> quartz(key, total, share, budgetSeconds);
      case "bare" -> bare(key, total, share, budgetSeconds);
      default -> throw new IllegalArgumentException(mode);
    }
    System.exit(0);
  }

  static String label(int total) {
    return total >= 1_000_000 && total % 1_000_000 == 0 ? total / 1_000_000 + "m" : total / 1000 + "k";
  }

  /** Second 0, minute i % 60, 03:xx on the 15th of the month six months from now: never due in a run. */
  static String bulkExpression(int i, boolean quartz) {
    int month = ZonedDateTime.now(ZoneOffset.UTC).plusMonths(6).getMonthValue();
    return "0 " + (i % 60) + " 3 15 " + month + (quartz ? " ?" : " *");
  }

  /** The first shared slot: a whole second at least {@code leadMillis} ahead, early enough in its minute for the second. */
  static Instant slotAhead(long leadMillis) {
    Instant slot = Instant.now().plusMillis(leadMillis).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    long second = slot.getEpochSecond() % 60;
    return second + WARM_GAP_SECONDS < 60 ? slot : slot.plusSeconds(60 - second);
  }

  /** Time to deploy the shared-slot triggers, estimated from the bulk's rate, twice over, plus 2 s. */
  static long leadMillis(int share, int bulk, double bulkSeconds) {
    return 2000 + (long) (2000.0 * share * bulkSeconds / Math.max(1, bulk));
  }

  /** Fires twice a day: at the slot's second, minute and hour (UTC), and {@link #WARM_GAP_SECONDS} later. */
  static String dailyAt(Instant slot, boolean quartz) {
    ZonedDateTime at = slot.atZone(ZoneOffset.UTC);
    return at.getSecond() + "," + (at.getSecond() + WARM_GAP_SECONDS) + " " + at.getMinute() + " " + at.getHour()
      + " * * " + (quartz ? "?" : "*");
  }

  // ---------------------------------------------------------------------------------------------

  private static void ours(String key, int total, int share, long budgetSeconds) {
    long heapBefore = Stats.usedHeapAfterGc();
    PumpApplication app = PumpApplication.create();
    long heapBase = Stats.usedHeapAfterGc();
    Results.log(key + ": heap before app " + mib(heapBefore) + " MiB, with app " + mib(heapBase) + " MiB");
    int bulk = total - share;
    Trigger[] triggers = new Trigger[total];
    long c0 = System.nanoTime();
    for (int i = 0; i < bulk; i++) {
      triggers[i] = new CronTrigger(app, bulkExpression(i, false), ZoneOffset.UTC);
    }
    double constructSeconds = (System.nanoTime() - c0) / 1e9;
    long heapConstructed = Stats.usedHeapAfterGc();
    Results.log(String.format("%s: %d triggers constructed in %.2fs, heap %d MiB (%.0f B/trigger before deploy)",
      key, bulk, constructSeconds, mib(heapConstructed), (heapConstructed - heapBase) / (double) bulk));

    long d0 = System.nanoTime();
    // start() issues every deployVerticle before it returns: call it off the main thread so the
    // progress monitor (and the time budget) covers that loop too
    Promise<Void> startedPromise = Promise.promise();
    Thread starter = new Thread(() -> app.start().onComplete(startedPromise), "starter");
    starter.setDaemon(true);
    starter.start();
    Future<Void> started = startedPromise.future();
    boolean done = waitWithProgress(key, started, d0, budgetSeconds, () -> countArmed(triggers, bulk), bulk);
    double bulkDeploySeconds = (System.nanoTime() - d0) / 1e9;
    if (!done) {
      budgetExceeded(key, total, bulkDeploySeconds, countArmed(triggers, bulk), heapBase);
      return;
    }

    Recorder lateness = new Recorder(share);
    Recorder warm = new Recorder(share);
    Instant slot = slotAhead(leadMillis(share, bulk, bulkDeploySeconds));
    Instant warmSlot = slot.plusSeconds(WARM_GAP_SECONDS);
    app.onFire((trigger, event) -> {
      if (slot.equals(event.scheduledAt())) {
        lateness.add(Duration.between(event.scheduledAt(), event.firedAt()).toNanos() / 1000);
      } else if (warmSlot.equals(event.scheduledAt())) {
        warm.add(Duration.between(event.scheduledAt(), event.firedAt()).toNanos() / 1000);
      }
    });
    String expression = dailyAt(slot, false);
    for (int i = bulk; i < total; i++) {
      triggers[i] = new CronTrigger(app, expression, ZoneOffset.UTC);
    }
    long s0 = System.nanoTime();
    app.start().await();
    double deploySeconds = bulkDeploySeconds + (System.nanoTime() - s0) / 1e9;
    boolean slotMissed = Instant.now().isAfter(slot.minusMillis(100));
    waitFor(lateness, share, slot);
    waitFor(warm, share, warmSlot);
    long heapAfter = Stats.usedHeapAfterGc();
    report(key, total, share, deploySeconds, heapBase, heapAfter, lateness, warm, slotMissed);
    if (idle) {
      idleWindow(key);
    }
    long closeStart = System.nanoTime();
    boolean closed = app.close().toCompletionStage().toCompletableFuture()
      .completeOnTimeout(null, CLOSE_BOUND_SECONDS, TimeUnit.SECONDS)
      .thenApply(v -> System.nanoTime() - closeStart < CLOSE_BOUND_SECONDS * 1_000_000_000L).join();
    double closeSeconds = (System.nanoTime() - closeStart) / 1e9;
    Results.put(key + ".close", closed ? closeSeconds : Double.POSITIVE_INFINITY,
      "s for app.close() with " + total + " triggers; inf = not closed within " + CLOSE_BOUND_SECONDS + " s");
  }

  private static int countArmed(Trigger[] triggers, int upTo) {
    int armed = 0;
    for (int i = 0; i < upTo; i++) {
      if (triggers[i] != null && triggers[i].nextFireAt().isPresent()) {
        armed++;
      }
    }
    return armed;
  }

  // ---------------------------------------------------------------------------------------------

  private static void quartz(String key, int total, int share, long budgetSeconds) throws Exception {
    Properties props = new Properties();
    props.setProperty("org.quartz.scheduler.instanceName", "scale");
    props.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    props.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    props.setProperty("org.quartz.threadPool.threadCount", "10");
    props.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    props.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", "10");
    long heapBefore = Stats.usedHeapAfterGc();
    Scheduler scheduler = new StdSchedulerFactory(props).getScheduler();
    scheduler.start();
    long heapBase = Stats.usedHeapAfterGc();
    Results.log(key + ": heap before scheduler " + mib(heapBefore) + " MiB, with scheduler " + mib(heapBase) + " MiB");
    TimeZone utc = TimeZone.getTimeZone("UTC");
    int bulk = total - share;
    long d0 = System.nanoTime();
    long deadline = d0 + budgetSeconds * 1_000_000_000L;
    int scheduled = 0;
    try {
      for (int i = 0; i < bulk; i++) {
        scheduler.scheduleJob(JobBuilder.newJob(LatenessJob.class).withIdentity("j" + i).build(),
          TriggerBuilder.newTrigger().withIdentity("t" + i)
            .withSchedule(CronScheduleBuilder.cronSchedule(bulkExpression(i, true)).inTimeZone(utc)).build());
        scheduled++;
        if ((i & 4095) == 0 && System.nanoTime() > deadline) {
          break;
        }
      }
    } catch (OutOfMemoryError e) {
      Results.log(key + ": OutOfMemoryError after " + scheduled + " jobs");
    }
    double bulkDeploySeconds = (System.nanoTime() - d0) / 1e9;
    if (scheduled < bulk) {
      budgetExceeded(key, total, bulkDeploySeconds, scheduled, heapBase);
      return;
    }
    Results.log(String.format("%s: %d jobs scheduled in %.2fs", key, bulk, bulkDeploySeconds));

    Recorder lateness = new Recorder(share);
    Instant slot = slotAhead(leadMillis(share, bulk, bulkDeploySeconds));
    Recorder warm = new Recorder(share);
    quartzLateness = lateness;
    quartzWarm = warm;
    quartzSlot = slot;
    String expression = dailyAt(slot, true);
    long s0 = System.nanoTime();
    for (int i = bulk; i < total; i++) {
      scheduler.scheduleJob(JobBuilder.newJob(LatenessJob.class).withIdentity("j" + i).build(),
        TriggerBuilder.newTrigger().withIdentity("t" + i)
          .withSchedule(CronScheduleBuilder.cronSchedule(expression).inTimeZone(utc)).build());
    }
    double deploySeconds = bulkDeploySeconds + (System.nanoTime() - s0) / 1e9;
    boolean slotMissed = Instant.now().isAfter(slot.minusMillis(100));
    waitFor(lateness, share, slot);
    waitFor(warm, share, slot.plusSeconds(WARM_GAP_SECONDS));
    long heapAfter = Stats.usedHeapAfterGc();
    report(key, total, share, deploySeconds, heapBase, heapAfter, lateness, warm, slotMissed);
    if (idle) {
      idleWindow(key);
    }
    scheduler.shutdown(false);
  }

  /** Records Instant.now() - scheduled fire time for the shared slot. */
  public static final class LatenessJob implements Job {
    @Override
    public void execute(JobExecutionContext context) {
      Instant now = Instant.now();
      Instant scheduled = context.getScheduledFireTime().toInstant();
      if (scheduled.equals(quartzSlot)) {
        quartzLateness.add(Duration.between(scheduled, now).toNanos() / 1000);
      } else if (scheduled.equals(quartzSlot.plusSeconds(WARM_GAP_SECONDS))) {
        quartzWarm.add(Duration.between(scheduled, now).toNanos() / 1000);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** One timer per verticle, re-armed every 60 s: the floor of one-verticle-per-trigger with a timer each. */
  static final class TimerVerticle extends VerticleBase {
    private Instant slot; // null: a bulk verticle that never fires
    private Recorder lateness;
    private final Recorder warm;
    volatile boolean armed;

    TimerVerticle(Instant slot, Recorder lateness, Recorder warm) {
      this.slot = slot;
      this.lateness = lateness;
      this.warm = warm;
    }

    @Override
    public Future<?> start() {
      arm();
      armed = true;
      return Future.succeededFuture();
    }

    private void arm() {
      long millis = slot == null ? 60_000
        : Math.max(1, (Duration.between(Instant.now(), slot).toNanos() + 999_999) / 1_000_000);
      vertx.setTimer(millis, id -> {
        if (slot != null) {
          lateness.add(Duration.between(slot, Instant.now()).toNanos() / 1000);
          if (lateness != warm) { // then the warm slot
            slot = slot.plusSeconds(WARM_GAP_SECONDS);
            lateness = warm;
            arm();
          }
        } else {
          arm();
        }
      });
    }
  }

  private static void bare(String key, int total, int share, long budgetSeconds) {
    long heapBefore = Stats.usedHeapAfterGc();
    Vertx vertx = Vertx.vertx();
    long heapBase = Stats.usedHeapAfterGc();
    Results.log(key + ": heap before Vert.x " + mib(heapBefore) + " MiB, with Vert.x " + mib(heapBase) + " MiB");
    int bulk = total - share;
    TimerVerticle[] verticles = new TimerVerticle[total];
    long d0 = System.nanoTime();
    List<Future<String>> deployed = new ArrayList<>(bulk);
    for (int i = 0; i < bulk; i++) {
      verticles[i] = new TimerVerticle(null, null, null);
      deployed.add(vertx.deployVerticle(verticles[i]));
    }
    AtomicInteger armedCount = new AtomicInteger();
    boolean done = waitWithProgress(key, Future.all(deployed).mapEmpty(), d0, budgetSeconds, () -> {
      int armed = 0;
      for (int i = 0; i < bulk; i++) {
        if (verticles[i].armed) {
          armed++;
        }
      }
      armedCount.set(armed);
      return armed;
    }, bulk);
    double bulkDeploySeconds = (System.nanoTime() - d0) / 1e9;
    if (!done) {
      budgetExceeded(key, total, bulkDeploySeconds, armedCount.get(), heapBase);
      return;
    }
    Recorder lateness = new Recorder(share);
    Recorder warm = new Recorder(share);
    Instant slot = slotAhead(leadMillis(share, bulk, bulkDeploySeconds));
    List<Future<String>> more = new ArrayList<>(share);
    long s0 = System.nanoTime();
    for (int i = bulk; i < total; i++) {
      verticles[i] = new TimerVerticle(slot, lateness, warm);
      more.add(vertx.deployVerticle(verticles[i]));
    }
    Future.all(more).await();
    double deploySeconds = bulkDeploySeconds + (System.nanoTime() - s0) / 1e9;
    boolean slotMissed = Instant.now().isAfter(slot.minusMillis(100));
    waitFor(lateness, share, slot);
    waitFor(warm, share, slot.plusSeconds(WARM_GAP_SECONDS));
    long heapAfter = Stats.usedHeapAfterGc();
    report(key, total, share, deploySeconds, heapBase, heapAfter, lateness, warm, slotMissed);
  }

  // ---------------------------------------------------------------------------------------------

  /** Waits for {@code done}, logging progress every 5 s; false if the budget ran out first. */
  private static boolean waitWithProgress(String key, Future<?> done, long startNanos, long budgetSeconds,
                                          IntSupplier progress, int target) {
    long deadline = startNanos + budgetSeconds * 1_000_000_000L;
    long nextLog = System.nanoTime() + 5_000_000_000L;
    PROGRESS.clear();
    while (!done.isComplete()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      if (System.nanoTime() > nextLog) {
        nextLog += 5_000_000_000L;
        int count = progress.getAsInt();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        PROGRESS.add(new double[] {seconds, count});
        Results.log(String.format("%s: %.0fs, %d/%d started, heap %d MiB (not collected)", key,
          seconds, count, target, mib(Stats.usedHeapNow())));
      }
      Stats.sleep(50);
    }
    if (done.failed()) {
      throw new IllegalStateException(key + ": deploy failed", done.cause());
    }
    return true;
  }

  private static void budgetExceeded(String key, int total, double seconds, int deployed, long heapBase) {
    long heap = Stats.usedHeapAfterGc();
    double perTrigger = deployed == 0 ? Double.NaN : (heap - heapBase) / (double) deployed;
    Results.log(String.format("%s: stopped after %.0fs with %d/%d started; heap %d MiB after GC",
      key, seconds, deployed, total, mib(heap)));
    // extrapolate with the rate of the last 10 s: the deploy slows down as it goes (see RESULTS.md)
    double linear = deployed == 0 ? Double.POSITIVE_INFINITY : seconds * total / deployed;
    double extrapolated = linear;
    String how = "linearly from the average rate";
    if (PROGRESS.size() >= 3) {
      double[] last = PROGRESS.get(PROGRESS.size() - 1);
      double[] before = PROGRESS.get(PROGRESS.size() - 3);
      double rate = (last[1] - before[1]) / (last[0] - before[0]);
      if (rate > 0) {
        extrapolated = Math.max(linear, seconds + (total - deployed) / rate);
        how = String.format("at the rate of the last 10 s, %.0f/s (linear from the average: %.0f s)", rate, linear);
      }
    }
    Results.put(key + ".deploy", extrapolated, String.format("NOT FINISHED: %d of %d started after %.0f s; "
      + "a lower bound, extrapolated %s (ours: started = the trigger's start() ran; the deploy future "
      + "completes later)", deployed, total, seconds, how));
    Results.put(key + ".heapPerTrigger", perTrigger, "bytes, over the " + deployed + " started (the rest "
      + "constructed, some half-deployed)");
    Results.put(key + ".heapTotalMiB", perTrigger * total / (1024 * 1024), "MiB extrapolated to " + total);
    Results.put(key + ".p99", Double.NaN, "not measured: deploy did not finish");
  }

  private static void waitFor(Recorder recorder, int n, Instant slot) {
    Instant deadline = slot.plusSeconds(30);
    while (recorder.count() < n && Instant.now().isBefore(deadline)) {
      Stats.sleep(20);
    }
  }

  private static void report(String key, int total, int share, double deploySeconds, long heapBase, long heapAfter,
                             Recorder cold, Recorder lateness, boolean slotMissed) {
    double perTrigger = (heapAfter - heapBase) / (double) total;
    Results.put(key + ".deploy", deploySeconds, "s for " + total + " (bulk + " + share + " at the shared slot)");
    Results.put(key + ".heapPerTrigger", perTrigger, "bytes; heap after GC " + mib(heapAfter) + " MiB, "
      + mib(heapBase) + " MiB before the triggers; threads " + Stats.threadCount());
    Results.put(key + ".heapTotalMiB", (heapAfter - heapBase) / (1024.0 * 1024), "MiB for " + total + " triggers");
    String detail = String.format("p50 %.2f, max %.2f ms; %d/%d fired within 30 s%s", lateness.percentileMillis(0.5),
      lateness.maxMillis(), lateness.count(), share, slotMissed ? "; DEPLOY ENDED AFTER THE SLOT" : "");
    double p99 = lateness.count() < share ? Double.POSITIVE_INFINITY : lateness.percentileMillis(0.99);
    Results.put(key + ".p99", p99, detail + "; the second shared slot, " + WARM_GAP_SECONDS + " s after the first");
    Results.put(key + ".cold.p99", cold.count() < share ? Double.POSITIVE_INFINITY : cold.percentileMillis(0.99),
      String.format("ms, the first shared slot: the first fires this JVM runs (p50 %.2f ms; %d/%d fired)",
        cold.percentileMillis(0.5), cold.count(), share));
  }

  /**
   * CPU of the process over {@link #IDLE_WINDOW_SECONDS} with nothing due, after {@link #IDLE_SETTLE_SECONDS} for
   * the JIT and the GC to finish with the deploy and the slots; the detail says which threads used it.
   */
  static void idleWindow(String key) {
    Stats.sleep(IDLE_SETTLE_SECONDS * 1000L);
    java.util.Map<String, Long> before = Stats.cpuMillisByThreadGroup();
    long cpu0 = Stats.processCpuNanos();
    long t0 = System.nanoTime();
    Stats.sleep(IDLE_WINDOW_SECONDS * 1000L);
    double cores = (Stats.processCpuNanos() - cpu0) / (double) (System.nanoTime() - t0);
    StringBuilder threads = new StringBuilder();
    Stats.cpuMillisByThreadGroup().forEach((group, ms) -> {
      long used = ms - before.getOrDefault(group, 0L);
      if (used > 0) {
        threads.append(threads.length() == 0 ? "" : ", ").append(group).append(' ').append(used).append(" ms");
      }
    });
    Results.put(key + ".idleCpu", cores * 100, "% of one core over " + IDLE_WINDOW_SECONDS + " s with nothing due, "
      + IDLE_SETTLE_SECONDS + " s after the last fire; by thread: " + threads);
  }

  private static long mib(long bytes) {
    return bytes / (1024 * 1024);
  }
}
