package dev.pump.bench.precision;

import dev.pump.PumpApplication;
import dev.pump.bench.BenchSources;
import dev.pump.bench.Recorder;
import dev.pump.bench.Results;
import dev.pump.bench.Stats;
import dev.pump.pipeline.Pipeline;
import dev.pump.trigger.CronTrigger;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fire precision: N cron triggers due at the same second; lateness = clock now - scheduled instant,
 * taken where the work runs (our source's {@code cycle()}, Quartz's {@code Job.execute}).
 *
 * <pre>FirePrecision ours N SLOTS WARMUP_SLOTS           one source per trigger, 6-field cron "0/P * * * * *", UTC
 * FirePrecision raw N SLOTS WARMUP_SLOTS            the floor: N plain Vert.x timers (setTimer, spread over the
 *                                                     event loops), each re-armed for the next slot; lateness at
 *                                                     the timer's handler
 * FirePrecision handoff N SLOTS WARMUP_SLOTS        the floor of "every source is a worker verticle": the raw
 *                                                     timers, each publishing to its own worker verticle (one
 *                                                     pool of 20, as our sources) which runs an unordered
 *                                                     executeBlocking; lateness there
 * FirePrecision quartz N SLOTS WARMUP_SLOTS THREADS   RAMJobStore, one job + one CronTrigger "0/P * * * * ?" per
 *                                                     job, SimpleThreadPool of THREADS, batch acquisition = THREADS</pre>
 *
 * All N triggers fire every P seconds (P = 2 s, 10 s from N = 5 000 on), so every slot is due for all
 * N at once. After the deploy, the first slot is the "cold" one (our sources create their second
 * worker thread at their first cycle, the JIT has seen nothing: costs a running service paid long ago;
 * kept as {@code cold.p99}); WARMUP_SLOTS more are discarded; the next SLOTS slots are the measured
 * reps. The run waits for all N executions of each measured slot (30 s at most after the last).
 */
public final class FirePrecision {

  static final int CLOSE_BOUND_SECONDS = 10;

  /** Where quartz jobs record. */
  static volatile Slots quartzSlots;

  public static void main(String[] args) throws Exception {
    String system = args[0];
    int n = Integer.parseInt(args[1]);
    int reps = Integer.parseInt(args[2]);
    int warmups = Integer.parseInt(args[3]);
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    String key = "precision." + (system.equals("quartz") ? "quartz" + threads : system) + ".n" + n;
    int period = n >= 5000 ? 10 : 2;
    Results.log(key + ": " + n + " triggers every " + period + " s; 1 cold + " + warmups + " warm-up + " + reps
      + " measured slots");

    Run run = switch (system) {
      case "ours" -> runOurs(n, period, reps + warmups + 1, warmups);
      case "raw" -> runRaw(n, period, reps + warmups + 1, warmups, false);
      case "handoff" -> runRaw(n, period, reps + warmups + 1, warmups, true);
      default -> runQuartz(n, threads, period, reps + warmups + 1, warmups);
    };

    double[] p50 = new double[reps];
    double[] p99 = new double[reps];
    double[] max = new double[reps];
    double[] fireP99 = new double[reps];
    long missing = 0;
    for (int i = 0; i < reps + warmups + 1; i++) {
      Instant slot = run.first.plusSeconds((long) i * period);
      Recorder cycles = run.cycles.slot(slot);
      Recorder fires = run.fires == null ? null : run.fires.slot(slot);
      String what = i == 0 ? "cold" : i <= warmups ? "warm-up" : "rep " + (i - warmups - 1);
      Results.log(String.format("%s slot %s (%s): executions %d/%d, p50 %.2f p99 %.2f max %.2f ms%s", key, slot,
        what, cycles.count(), n, cycles.percentileMillis(0.5), cycles.percentileMillis(0.99), cycles.maxMillis(),
        fires == null ? "" : String.format(" (at the trigger: p99 %.2f ms)", fires.percentileMillis(0.99))));
      if (i == 0) {
        Results.put(key + ".cold.p99", cycles.percentileMillis(0.99), "ms, first slot after the deploy; "
          + cycles.count() + "/" + n + " executions");
      }
      if (i <= warmups) {
        continue;
      }
      int rep = i - warmups - 1;
      missing += n - cycles.count();
      boolean complete = cycles.count() == n;
      p50[rep] = cycles.percentileMillis(0.5);
      p99[rep] = complete ? cycles.percentileMillis(0.99) : Double.POSITIVE_INFINITY;
      max[rep] = complete ? cycles.maxMillis() : Double.POSITIVE_INFINITY;
      fireP99[rep] = fires == null ? Double.NaN : fires.percentileMillis(0.99);
    }
    Results.putReps(key + ".p50", p50, "ms");
    Results.putReps(key + ".p99", p99, "ms");
    Results.putReps(key + ".max", max, "ms");
    Results.put(key + ".deploy", run.deploySeconds, "s to deploy (ours: app.start(); Quartz: scheduleJob x N + start)");
    Results.put(key + ".missing", missing, "executions of the measured slots that never came (30 s after the last)");
    Results.put(key + ".threads", run.threads, "JVM threads while the N triggers ran");
    if (run.cpu.nanos() >= 0) {
      // CPU is counted per thread whatever else the machine runs: steadier than lateness on a shared machine
      StringBuilder groups = new StringBuilder();
      run.cpu.millisByGroup().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> groups.append(groups.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
          .append(String.format("%.1f", e.getValue() * 1000.0 / ((double) reps * n))));
      // the JIT (still compiling in the first slots at large N) and this benchmark's own main thread are
      // left out of the compared figure: what remains is what the fires cost (event loops, workers, GC)
      long fireMillis = run.cpu.millisByGroup().entrySet().stream()
        .filter(e -> !e.getKey().contains("CompilerThre") && !e.getKey().equals("java"))
        .mapToLong(Map.Entry::getValue).sum();
      Results.put(key + ".cpu_per_fire", fireMillis * 1000.0 / ((double) reps * n),
        "us of CPU per fire over the " + reps + " measured slots, without the JIT and the benchmark's main thread; "
          + "the process in all " + String.format("%.1f", run.cpu.nanos() / 1000.0 / ((double) reps * n))
          + " us (us by thread: " + groups + ")");
    }
    if (run.cpu.allocatedBytes() >= 0) {
      // allocation per fire is what drives the young collections that make the slow slots at 1 000 triggers
      Results.put(key + ".alloc_per_fire", run.cpu.allocatedBytes() / ((double) reps * n),
        "bytes allocated per fire over the " + reps + " measured slots, every thread (the benchmark's recorder allocates nothing)");
    }
    if (run.fires != null) {
      Results.putReps(key + ".fire.p99", fireP99, "ms (firedAt - scheduledAt, at the trigger)");
    }
    if (n >= 5000 && system.equals("ours")) {
      // closing 10 000 sources takes minutes here (every source's pool starts a thread to stop it, and the
      // event loop doing it is blocked meanwhile), and even System.exit then waits: not measured at this N
      Results.put(key + ".close", Double.NaN, "not measured at this N (see RESULTS.md)");
      Runtime.getRuntime().halt(0);
    }
    long c0 = System.nanoTime();
    Thread closer = new Thread(run.close, "closer");
    closer.setDaemon(true);
    closer.start();
    closer.join(CLOSE_BOUND_SECONDS * 1000L);
    double closeSeconds = closer.isAlive() ? Double.POSITIVE_INFINITY : (System.nanoTime() - c0) / 1e9;
    Results.put(key + ".close", closeSeconds, "s to close (ours: app.close(); Quartz: shutdown(true)); inf = not "
      + "closed within " + CLOSE_BOUND_SECONDS + " s");
    System.exit(0);
  }

  /** Lateness per slot. */
  static final class Slots {
    private final int n;
    private final Map<Instant, Recorder> bySlot = new ConcurrentHashMap<>();

    Slots(int n) {
      this.n = n;
    }

    /** Called on every fire (ours) and every cycle (all systems): kept cheap, a lookup and no allocation. */
    void add(Instant scheduledAt, Instant at) {
      Recorder slot = bySlot.get(scheduledAt);
      if (slot == null) {
        slot = bySlot.computeIfAbsent(scheduledAt, s -> new Recorder(n));
      }
      slot.add((at.getEpochSecond() - scheduledAt.getEpochSecond()) * 1_000_000
        + (at.getNano() - scheduledAt.getNano()) / 1000);
    }

    Recorder slot(Instant slot) {
      return bySlot.getOrDefault(slot, new Recorder(0));
    }
  }

  /** What a run measured; {@code close} shuts the system down (bounded by the caller). */
  record Run(Instant first, Slots cycles, Slots fires, double deploySeconds, int threads, Cpu cpu, Runnable close) {
  }

  /** The first slot at least 1 s after now. */
  private static Instant firstSlot(int period) {
    Instant at = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
    while (at.getEpochSecond() % period != 0) {
      at = at.plusSeconds(1);
    }
    return at;
  }

  /**
   * Waits for the last slot; measures the process's CPU from the end of the last warm-up slot to the end
   * of the last slot, so {@code Cpu} covers the measured slots (and the quiet seconds between them).
   */
  private static Cpu waitFor(Slots slots, int n, Instant first, int count, int period, int warmups) {
    Instant lastWarmup = first.plusSeconds((long) warmups * period);
    Instant last = first.plusSeconds((long) (count - 1) * period);
    Instant deadline = last.plusSeconds(30);
    long cpuAtStart = -1;
    long allocatedAtStart = -1;
    Map<String, Long> groupsAtStart = Map.of();
    while (Instant.now().isBefore(deadline)) {
      if (cpuAtStart < 0 && Instant.now().isAfter(lastWarmup) && slots.slot(lastWarmup).count() >= n) {
        cpuAtStart = Stats.processCpuNanos();
        allocatedAtStart = Stats.allocatedBytes();
        groupsAtStart = Stats.cpuMillisByThreadGroup();
      }
      if (Instant.now().isAfter(last) && slots.slot(last).count() >= n) {
        break;
      }
      Stats.sleep(20);
    }
    Cpu cpu = new Cpu(cpuAtStart < 0 ? -1 : Stats.processCpuNanos() - cpuAtStart,
      allocatedAtStart < 0 ? -1 : Stats.allocatedBytes() - allocatedAtStart, new TreeMap<>());
    Map<String, Long> before = groupsAtStart;
    Stats.cpuMillisByThreadGroup().forEach((group, millis) -> {
      long used = millis - before.getOrDefault(group, 0L);
      if (used > 0) {
        cpu.millisByGroup().put(group, used);
      }
    });
    Stats.sleep(200);
    return cpu;
  }

  /** Process CPU over the measured slots, in all and by thread group (ms), and the bytes allocated meanwhile. */
  record Cpu(long nanos, long allocatedBytes, Map<String, Long> millisByGroup) {
  }

  private static Run runOurs(int n, int period, int slots, int warmups) {
    PumpApplication app = PumpApplication.create();
    Pipeline pipeline = BenchSources.noopPipeline("precision");
    Slots cycles = new Slots(n);
    Slots fires = new Slots(n);
    app.onFire((trigger, event) -> {
      if (event.scheduledAt() != null) {
        fires.add(event.scheduledAt(), event.firedAt());
      }
    });
    String expression = "0/" + period + " * * * * *";
    for (int i = 0; i < n; i++) {
      new BenchSources.LatenessSource(app, pipeline, cycles::add).on(new CronTrigger(app, expression, ZoneOffset.UTC));
    }
    long t0 = System.nanoTime();
    app.start().await();
    double deploySeconds = (System.nanoTime() - t0) / 1e9;
    Instant first = firstSlot(period);
    Cpu cpu = waitFor(cycles, n, first, slots, period, warmups);
    return new Run(first, cycles, fires, deploySeconds, Stats.threadCount(), cpu, () -> app.close().await());
  }

  /**
   * N plain timers, each armed (ms, rounded up, from the wall clock) for the next multiple of the period;
   * with {@code handoff}, each timer publishes to a worker verticle of its own that runs an executeBlocking.
   */
  private static Run runRaw(int n, int period, int slots, int warmups, boolean handoff) {
    Vertx vertx = Vertx.vertx();
    Slots lateness = new Slots(n);
    long t0 = System.nanoTime();
    if (handoff) {
      List<Future<String>> workers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String address = "handoff." + i;
        workers.add(vertx.deployVerticle(new VerticleBase() {
          @Override
          public Future<?> start() {
            return vertx.eventBus().<Long>localConsumer(address, message -> {
              Instant slot = Instant.ofEpochSecond(message.body());
              context.executeBlocking(() -> {
                lateness.add(slot, Instant.now());
                return null;
              }, false);
            }).completion();
          }
        }, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setWorkerPoolName("handoff")
          .setWorkerPoolSize(20)));
      }
      Future.all(workers).await();
    }
    List<Future<String>> deployed = new ArrayList<>();
    int loops = 2 * Runtime.getRuntime().availableProcessors(); // Vert.x's default event-loop pool
    int[] next = {0};
    for (int l = 0; l < loops; l++) {
      int count = n / loops + (l < n % loops ? 1 : 0);
      int first = next[0];
      next[0] += count;
      deployed.add(vertx.deployVerticle(new VerticleBase() {
        @Override
        public Future<?> start() {
          for (int i = first; i < first + count; i++) {
            arm(vertx, lateness, period, handoff ? "handoff." + i : null);
          }
          return Future.succeededFuture();
        }
      }));
    }
    Future.all(deployed).await();
    double deploySeconds = (System.nanoTime() - t0) / 1e9;
    Instant first = firstSlot(period);
    Cpu cpu = waitFor(lateness, n, first, slots, period, warmups);
    return new Run(first, lateness, null, deploySeconds, Stats.threadCount(), cpu, () -> vertx.close().await());
  }

  private static void arm(Vertx vertx, Slots lateness, int period, String handoff) {
    Instant now = Instant.now();
    long next = (now.getEpochSecond() / period + 1) * period;
    Instant slot = Instant.ofEpochSecond(next);
    long millis = Math.max(1, (Duration.between(now, slot).toNanos() + 999_999) / 1_000_000);
    vertx.setTimer(millis, id -> {
      if (handoff == null) {
        lateness.add(slot, Instant.now());
      } else {
        vertx.eventBus().publish(handoff, next);
      }
      arm(vertx, lateness, period, handoff);
    });
  }

  private static Run runQuartz(int n, int threads, int period, int slots, int warmups) throws Exception {
    Properties props = new Properties();
    props.setProperty("org.quartz.scheduler.instanceName", "precision");
    props.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    props.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    props.setProperty("org.quartz.threadPool.threadCount", String.valueOf(threads));
    props.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    // Quartz's own advice for "very many triggers needing to be fired all at once"; must be <= threads
    props.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", String.valueOf(threads));
    Scheduler scheduler = new StdSchedulerFactory(props).getScheduler();
    Slots cycles = new Slots(n);
    quartzSlots = cycles;
    String expression = "0/" + period + " * * * * ?";
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      scheduler.scheduleJob(
        JobBuilder.newJob(LatenessJob.class).withIdentity("j" + i).build(),
        TriggerBuilder.newTrigger().withIdentity("t" + i)
          .withSchedule(CronScheduleBuilder.cronSchedule(expression).inTimeZone(TimeZone.getTimeZone("UTC")))
          .build());
    }
    scheduler.start();
    double deploySeconds = (System.nanoTime() - t0) / 1e9;
    Instant first = firstSlot(period);
    Cpu cpu = waitFor(cycles, n, first, slots, period, warmups);
    return new Run(first, cycles, null, deploySeconds, Stats.threadCount(), cpu, () -> {
      try {
        scheduler.shutdown(true);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** Records Instant.now() - scheduled fire time. */
  public static final class LatenessJob implements Job {
    @Override
    public void execute(JobExecutionContext context) {
      Instant now = Instant.now();
      quartzSlots.add(context.getScheduledFireTime().toInstant(), now);
    }
  }
}
