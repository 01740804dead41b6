package dev.pump.bench.throughput;

import dev.pump.PumpApplication;
import dev.pump.bench.BenchSources;
import dev.pump.bench.Results;
import dev.pump.bench.Stats;
import dev.pump.journal.FireJournal;
import dev.pump.source.TriggerSource;
import dev.pump.trigger.PubSubTrigger;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Pub/sub trigger throughput: messages/s from {@code eventBus().publish(topic)} until every message
 * has been handled by the source: as a cycle of the no-op source or merged into one (the source
 * merges fires that arrive during a cycle, as designed), i.e. until cycles + firesMerged = messages.
 * Baseline: the same publisher, raw {@code publish} to a plain consumer verticle counting messages.
 *
 * <pre>PubSubThroughput MESSAGES REPS WINDOW</pre>
 * (the raw baseline publishes {@link #RAW_FACTOR} x MESSAGES, so that its run is not over in 100 ms)
 * The publisher (main thread) keeps at most WINDOW messages in flight (published, not yet handled),
 * for both, so neither side queues without bound. Two warm-up reps are discarded; within a rep ours
 * and raw alternate which goes first.
 *
 * <pre>PubSubThroughput MESSAGES REPS WINDOW journal</pre>
 * What the service's default {@code durability: journal} costs pub/sub: the same load against an application
 * with a fire journal (each message appended and forced to disk, group commit, before it reaches the source; the
 * directory next to the results, on disk, as in {@link JournalThroughput}) and against the same application
 * without one; within a rep the two alternate which goes first.
 */
public final class PubSubThroughput {

  /** The raw bus is several times faster: it gets this many times the messages, so both runs last long enough. */
  static final int RAW_FACTOR = 5;

  public static void main(String[] args) throws Exception {
    int messages = Integer.parseInt(args[0]);
    int reps = Integer.parseInt(args[1]);
    int window = Integer.parseInt(args[2]);
    JsonObject body = new JsonObject().put("order", 42).put("status", "paid");
    if (args.length > 3 && args[3].equals("journal")) {
      journalAgainstNone(body, messages, reps, window);
      System.exit(0);
    }

    double[] ours = new double[reps];
    double[] raw = new double[reps];
    double[] cyclesShare = new double[reps];
    for (int rep = -2; rep < reps; rep++) {
      // the order alternates, so that neither side always runs second in a warmer JVM
      boolean oursFirst = (rep & 1) == 0;
      double rawRate = oursFirst ? 0 : raw(body, RAW_FACTOR * messages, window);
      Run run = ours(body, messages, window, null);
      if (oursFirst) {
        rawRate = raw(body, RAW_FACTOR * messages, window);
      }

      Results.log(String.format("pubsub rep %d: ours %.0f msg/s (fires %d, cycles %d, merged %d), raw %.0f msg/s, ratio %.2f",
        rep, run.rate, run.fires, run.cycles, run.merged, rawRate, run.rate / rawRate));
      if (rep >= 0) {
        ours[rep] = run.rate;
        raw[rep] = rawRate;
        cyclesShare[rep] = 100.0 * run.cycles / run.fires;
      }
      Stats.usedHeapAfterGc();
    }
    Results.putReps("pubsub.ours", ours, "msg/s");
    Results.putReps("pubsub.raw", raw, "msg/s");
    Results.putReps("pubsub.ours.cyclesPct", cyclesShare, "% of fires that got a cycle of their own (rest merged)");
    System.exit(0);
  }

  /** One pub/sub load through a {@link PumpApplication}, and what its trigger and source counted. */
  private record Run(double rate, long fires, long cycles, long merged, long forces) {
  }

  /** The load against an application with its fire journal in {@code journal}, or none. */
  private static Run ours(JsonObject body, int messages, int window, Path journal) {
    PumpApplication.Builder builder = PumpApplication.builder();
    if (journal != null) {
      builder.fireJournal(journal);
    }
    PumpApplication app = builder.build();
    PubSubTrigger trigger = new PubSubTrigger(app, "bench.topic");
    TriggerSource source = new BenchSources.NoopSource(app, BenchSources.noopPipeline("pubsub")).on(trigger);
    app.start().await();
    double rate = drive(app.vertx(), "bench.topic", body, messages, window,
      () -> source.cycles() + source.firesMerged());
    long forces = app.fireJournal().map(FireJournal::forces).orElse(0L);
    Run run = new Run(rate, trigger.fireCount(), source.cycles(), source.firesMerged(), forces);
    app.close().await();
    return run;
  }

  /** The service's default ({@code durability: journal}) against {@code durability: none}, both ours. */
  private static void journalAgainstNone(JsonObject body, int messages, int reps, int window) throws IOException {
    String results = System.getProperty("bench.results", "bench/target/results/metrics.tsv");
    Path journals = Path.of(results).toAbsolutePath().getParent().resolve("pubsub-journal");
    double[] on = new double[reps];
    double[] off = new double[reps];
    double[] perForce = new double[reps];
    for (int rep = -2; rep < reps; rep++) {
      boolean journalFirst = (rep & 1) == 0;
      // without a journal the same messages took 0.15-1 s, too short to measure (0.2-1.4M msg/s by the order of
      // the two): that side gets RAW_FACTOR times the messages, so both last seconds
      Run without = journalFirst ? null : ours(body, RAW_FACTOR * messages, window, null);
      Path dir = journals.resolve("rep" + rep);
      Run with = ours(body, messages, window, dir);
      if (journalFirst) {
        without = ours(body, RAW_FACTOR * messages, window, null);
      }
      JournalThroughput.delete(dir);
      Results.log(String.format("pubsub.journal rep %d: journal %.0f msg/s (fires %d, forces %d, %.0f fires/force) | "
          + "none %.0f msg/s | ratio %.2f", rep, with.rate, with.fires, with.forces,
        (double) with.fires / Math.max(1, with.forces), without.rate, with.rate / without.rate));
      if (rep >= 0) {
        on[rep] = with.rate;
        off[rep] = without.rate;
        perForce[rep] = (double) with.fires / Math.max(1, with.forces);
      }
      Stats.usedHeapAfterGc();
    }
    Results.putReps("pubsub.journal.on", on, "msg/s, each message forced to disk (group commit) before its cycle");
    Results.putReps("pubsub.journal.off", off, "msg/s, the same application without a fire journal");
    Results.putReps("pubsub.journal.firesPerForce", perForce, "fires per fsync");
  }

  /** The floor: the same publisher, raw publish to a consumer verticle that counts. */
  static double raw(JsonObject body, int messages, int window) {
    Vertx vertx = Vertx.vertx();
    AtomicLong received = new AtomicLong();
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.eventBus().consumer("raw.topic", message -> received.incrementAndGet()).completion();
      }
    }).await();
    double rate = drive(vertx, "raw.topic", body, messages, window, received::get);
    vertx.close().await();
    return rate;
  }

  /** Publishes {@code messages} from this thread, at most {@code window} unhandled; returns messages/s. */
  static double drive(Vertx vertx, String topic, JsonObject body, int messages, int window, LongSupplier handled) {
    long t0 = System.nanoTime();
    int published = 0;
    while (published < messages) {
      long inFlight = published - handled.getAsLong();
      if (inFlight < window) {
        int burst = (int) Math.min(window - inFlight, messages - published);
        for (int i = 0; i < burst; i++) {
          vertx.eventBus().publish(topic, body);
        }
        published += burst;
      } else {
        Thread.onSpinWait();
        Thread.yield();
      }
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (handled.getAsLong() < messages && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      Thread.yield();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (handled.getAsLong() < messages) {
      Results.log(topic + ": only " + handled.getAsLong() + "/" + messages + " handled within 60 s");
      return handled.getAsLong() / seconds;
    }
    return messages / seconds;
  }
}
