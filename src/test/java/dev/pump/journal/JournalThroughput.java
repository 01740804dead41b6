package dev.pump.journal;

import dev.pump.PumpApplication;
import dev.pump.pipeline.Durability;
import dev.pump.pipeline.Pipeline;
import dev.pump.source.TriggerSource;
import dev.pump.testing.CollectingSink;
import dev.pump.trigger.TriggerEvent;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Not a test: a JMH-free measurement of webhook 202s per second with {@code durability: journal}
 * against {@code none}, on this machine's disk. The shape of bench/'s {@code WebhookThroughput}:
 * a Vert.x HttpClient of its own (one event loop) in the same JVM, {@code CONCURRENCY} requests in
 * flight over loopback keep-alive, a webhook (rate limit off) driving a no-op source. One warm-up
 * pair, then {@code REPS} pairs whose order alternates.
 * <pre>
 * mvn -q -o dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp target/classes:target/test-classes:$(cat /tmp/cp.txt) dev.pump.journal.JournalThroughput 20000 32 3 [DIR]
 * </pre>
 * DIR (a temporary directory by default) is where the journal goes: put it on the disk to measure.
 */
public final class JournalThroughput {

  private static final Buffer BODY = new JsonObject().put("ref", "refs/heads/main").put("after", "6f1e0c").toBuffer();

  /** Does nothing with its fires: the measurement is of accepting them. */
  static final class NoopSource extends TriggerSource {
    NoopSource(PumpApplication app, Pipeline pipeline) {
      super(app, pipeline);
    }

    @Override
    protected void cycle(TriggerEvent event) {
    }
  }

  private JournalThroughput() {
  }

  public static void main(String[] args) throws Exception {
    int requests = Integer.parseInt(args[0]);
    int concurrency = Integer.parseInt(args[1]);
    int reps = Integer.parseInt(args[2]);
    Path root = args.length > 3 ? Files.createDirectories(Path.of(args[3])) : Files.createTempDirectory("journal-bench");
    Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClientAgent client = clientVertx.createHttpClient(
      new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1"), new PoolOptions().setHttp1MaxSize(concurrency));
    for (int rep = -1; rep < reps; rep++) {
      boolean journalFirst = (rep & 1) == 0;
      Result first = run(client, root.resolve("rep" + rep + "a"), journalFirst ? Durability.JOURNAL : Durability.NONE,
        requests, concurrency);
      Result second = run(client, root.resolve("rep" + rep + "b"), journalFirst ? Durability.NONE : Durability.JOURNAL,
        requests, concurrency);
      Result journal = journalFirst ? first : second;
      Result none = journalFirst ? second : first;
      System.out.printf("%s rep %d: journal %.0f req/s (errors %d, %d forces for %d fires) | none %.0f req/s (errors %d)"
          + " | journal/none %.2f%n", rep < 0 ? "warm-up" : "measured", rep, journal.rate, journal.errors, journal.forces,
        journal.fires, none.rate, none.errors, journal.rate / none.rate);
    }
    clientVertx.close().await();
    System.exit(0);
  }

  private record Result(double rate, int errors, long forces, long fires) {
  }

  private static Result run(HttpClientAgent client, Path dir, Durability durability, int requests, int concurrency)
    throws Exception {
    PumpApplication app = PumpApplication.builder().fireJournal(dir).build();
    WebhookTrigger hook = new WebhookTrigger(app, "x").withoutRateLimit();
    new NoopSource(app, new Pipeline("webhook", new CollectingSink()).withDurability(durability)).on(hook);
    app.start().await();
    int port = app.listen(0, "127.0.0.1").await().actualPort();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setPort(port).setHost("127.0.0.1")
      .setURI("/webhooks/x").putHeader("Content-Type", "application/json").setIdleTimeout(10_000);
    AtomicInteger started = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    Promise<Void> done = Promise.promise();
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      if (started.getAndIncrement() >= requests) {
        return;
      }
      client.request(options)
        .compose(request -> request.send(BODY))
        .compose(response -> {
          if (response.statusCode() != 202) {
            errors.incrementAndGet();
          }
          return response.body();
        })
        .onComplete(ar -> {
          if (ar.failed()) {
            errors.incrementAndGet();
          }
          if (finished.incrementAndGet() == requests) {
            done.tryComplete();
          } else {
            next[0].run();
          }
        });
    };
    long t0 = System.nanoTime();
    for (int c = 0; c < concurrency; c++) {
      next[0].run();
    }
    done.future().await();
    double seconds = (System.nanoTime() - t0) / 1e9;
    FireJournal journal = app.fireJournal().orElseThrow();
    long forces = journal.forces();
    long fires = journal.acceptedFires();
    app.close().await();
    return new Result(requests / seconds, errors.get(), forces, fires);
  }
}
