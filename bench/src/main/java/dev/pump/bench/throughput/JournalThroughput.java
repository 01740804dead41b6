package dev.pump.bench.throughput;

import dev.pump.PumpApplication;
import dev.pump.bench.BenchSources;
import dev.pump.bench.Results;
import dev.pump.bench.Stats;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What a durable 202 costs: {@code POST /webhooks/x} answered 202 with the fire journal (every accepted
 * fire forced to disk, group commit, before its answer) against the same application without one, the
 * load of {@link WebhookThroughput}. The journal is written under the results directory, on the disk the
 * benchmark runs from (a tmpfs would make the fsync free).
 *
 * <pre>JournalThroughput REQUESTS CONCURRENCY REPS</pre>
 * Two warm-up reps are discarded; within a rep the two alternate which goes first.
 */
public final class JournalThroughput {

  public static void main(String[] args) throws Exception {
    int requests = Integer.parseInt(args[0]);
    int concurrency = Integer.parseInt(args[1]);
    int reps = Integer.parseInt(args[2]);
    String results = System.getProperty("bench.results", "bench/target/results/metrics.tsv");
    Path journals = Path.of(results).toAbsolutePath().getParent().resolve("journal");

    Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClientAgent client = clientVertx.createHttpClient(
      new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1"),
      new PoolOptions().setHttp1MaxSize(concurrency));
    double[] on = new double[reps];
    double[] off = new double[reps];
    double[] onP99 = new double[reps];
    for (int rep = -WebhookThroughput.WARMUP_REPS; rep < reps; rep++) {
      boolean journalFirst = (rep & 1) == 0;
      WebhookThroughput.Load without = journalFirst ? null : run(client, requests, concurrency, null);
      Path dir = journals.resolve("rep" + rep);
      WebhookThroughput.Load with = run(client, requests, concurrency, dir);
      if (journalFirst) {
        without = run(client, requests, concurrency, null);
      }
      delete(dir);
      Results.log(String.format("webhook.journal rep %d: journal %.0f req/s p99 %.2f ms (errors %d) | none %.0f req/s "
        + "p99 %.2f ms (errors %d) | ratio %.2f", rep, with.rate(), with.p99(), with.errors(), without.rate(),
        without.p99(), without.errors(), with.rate() / without.rate()));
      if (rep >= 0) {
        on[rep] = with.errors() == 0 ? with.rate() : 0;
        off[rep] = without.errors() == 0 ? without.rate() : 0;
        onP99[rep] = with.p99();
      }
      Stats.usedHeapAfterGc();
    }
    Results.putReps("webhook.journal.on.rate", on, "req/s, each 202 after its fire was forced to disk");
    Results.putReps("webhook.journal.off.rate", off, "req/s, the same application without a fire journal");
    Results.putReps("webhook.journal.on.p99", onP99, "ms");
    System.exit(0);
  }

  /** One load against a webhook application, with its fire journal in {@code journal}, or none. */
  private static WebhookThroughput.Load run(HttpClientAgent client, int requests, int concurrency, Path journal) {
    PumpApplication.Builder builder = PumpApplication.builder();
    if (journal != null) {
      builder.fireJournal(journal);
    }
    PumpApplication app = builder.build();
    WebhookTrigger hook = new WebhookTrigger(app, "x").withoutRateLimit();
    new BenchSources.NoopSource(app, BenchSources.noopPipeline("webhook")).on(hook);
    app.start().await();
    int port = app.listen(0, "127.0.0.1").await().actualPort();
    WebhookThroughput.Load load = WebhookThroughput.load(client, port, requests, concurrency);
    app.close().await();
    return load;
  }

  /** Deletes a benchmark's journal directory, if there is one. */
  static void delete(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }
}
