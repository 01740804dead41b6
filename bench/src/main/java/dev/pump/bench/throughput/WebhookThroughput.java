package dev.pump.bench.throughput;

import dev.pump.PumpApplication;
import dev.pump.bench.BenchSources;
import dev.pump.bench.Results;
import dev.pump.bench.Stats;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Promise;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Webhook throughput: requests/s and latency of {@code POST /webhooks/x} (202) under a bounded load:
 * a fixed number of requests with a fixed number in flight, from a Vert.x HttpClient on a Vert.x
 * instance of its own (one event loop) in the same JVM, over loopback, HTTP/1.1 keep-alive.
 *
 * <pre>WebhookThroughput REQUESTS CONCURRENCY REPS [EXTRA_TRIGGERS]</pre>
 * Two warm-up reps are discarded; within a rep ours and raw alternate which goes first.
 * <ul>
 *   <li>ours: a PumpApplication with {@code WebhookTrigger "x"} (rate limit off, no secret) driving a no-op source, served by
 *       {@code app.listen(0, "127.0.0.1")}; each request fires the trigger and runs (or merges into)
 *       a cycle;</li>
 *   <li>raw: a vertx-web Router with {@code POST /webhooks/:name} -> BodyHandler -> 202 and a
 *       similar JSON body, one HttpServer, as the floor;</li>
 *   <li>EXTRA_TRIGGERS (optional): that many cron triggers registered (not started) in our
 *       application besides the webhook, to show what the webhook lookup costs as an application grows.</li>
 * </ul>
 */
public final class WebhookThroughput {

  static final Buffer BODY = new JsonObject().put("ref", "refs/heads/main").put("after", "6f1e0c").toBuffer();

  public static void main(String[] args) throws Exception {
    int requests = Integer.parseInt(args[0]);
    int concurrency = Integer.parseInt(args[1]);
    int reps = Integer.parseInt(args[2]);
    int extra = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    String prefix = extra == 0 ? "webhook" : "webhook.extra" + extra / 1000 + "k";

    Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClientAgent client = clientVertx.createHttpClient(
      new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1"),
      new PoolOptions().setHttp1MaxSize(concurrency));

    double[] oursRate = new double[reps];
    double[] rawRate = new double[reps];
    double[] oursP99 = new double[reps];
    double[] rawP99 = new double[reps];
    double[] handoffRate = new double[reps];
    for (int rep = -WARMUP_REPS; rep < reps; rep++) {
      // the order alternates, so that neither side always runs on a client the other one warmed up
      // (odd reps: hand-off, raw, ours; even reps: ours, raw, hand-off)
      boolean oursFirst = (rep & 1) == 0;
      Load handoff = oursFirst ? null : raw(client, requests, concurrency, true);
      Load base = oursFirst ? null : raw(client, requests, concurrency, false);
      PumpApplication app = PumpApplication.create();
      // the default rate limit (100 requests/s per webhook) would answer 429: measure the engine, not the limit
      WebhookTrigger hook = new WebhookTrigger(app, "x").withoutRateLimit();
      for (int i = 0; i < extra; i++) {
        new CronTrigger(app, "0 0 3 15 6 *", ZoneOffset.UTC);
      }
      new BenchSources.NoopSource(app, BenchSources.noopPipeline("webhook")).on(hook);
      // the cron triggers are started too: they never fire during the run (15 June 03:00, or a year away)
      app.start().await();
      int oursPort = app.listen(0, "127.0.0.1").await().actualPort();
      Load ours = load(client, oursPort, requests, concurrency);
      long fires = hook.fireCount();
      app.close().await();
      if (oursFirst) {
        base = raw(client, requests, concurrency, false);
        handoff = raw(client, requests, concurrency, true);
      }

      Results.log(String.format("%s rep %d: ours %.0f req/s p50 %.2f p99 %.2f ms (errors %d, fires %d) | raw %.0f req/s "
          + "p50 %.2f p99 %.2f ms (errors %d) | ratio %.2f | raw + hand-off %.0f req/s (errors %d)", prefix, rep, ours.rate,
        ours.p50, ours.p99, ours.errors, fires, base.rate, base.p50, base.p99, base.errors, ours.rate / base.rate,
        handoff.rate, handoff.errors));
      if (rep >= 0) {
        oursRate[rep] = ours.errors == 0 ? ours.rate : 0;
        rawRate[rep] = base.rate;
        oursP99[rep] = ours.p99;
        rawP99[rep] = base.p99;
        handoffRate[rep] = handoff.errors == 0 ? handoff.rate : 0;
      }
      Stats.usedHeapAfterGc();
    }
    Results.putReps(prefix + ".ours.rate", oursRate, "req/s");
    Results.putReps(prefix + ".raw.rate", rawRate, "req/s");
    Results.putReps(prefix + ".ours.p99", oursP99, "ms");
    Results.putReps(prefix + ".raw.p99", rawP99, "ms");
    Results.putReps(prefix + ".handoff.rate", handoffRate, "req/s (the raw route also publishing the body to a worker "
      + "verticle that runs an executeBlocking: the floor of a fire handed to a worker source)");
    System.exit(0);
  }

  record Load(double rate, double p50, double p99, int errors) {
  }

  static final int WARMUP_REPS = 2;

  /**
   * The floor: a vertx-web route with a BodyHandler answering 202 with a similar body; with {@code handoff}, the
   * route also publishes the body as JSON to a worker verticle (a pool of 20, as our sources) that runs an
   * unordered executeBlocking, before answering: what handing a fire to a worker source costs at least.
   */
  static Load raw(HttpClientAgent client, int requests, int concurrency, boolean handoff) {
    Vertx raw = Vertx.vertx();
    if (handoff) {
      raw.deployVerticle(new VerticleBase() {
        @Override
        public Future<?> start() {
          return vertx.eventBus().<JsonObject>localConsumer("handoff.x",
            message -> context.executeBlocking(() -> message.body().size(), false)).completion();
        }
      }, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setWorkerPoolName("handoff")
        .setWorkerPoolSize(20)).await();
    }
    Router router = Router.router(raw);
    Buffer answer = new JsonObject().put("trigger", "x").put("firing", "3f0a6c2e-8d0c-4a47-9a53-2e2f1c7e0b51").toBuffer();
    router.post("/webhooks/:name")
      .handler(BodyHandler.create(false).setBodyLimit(1024 * 1024))
      .handler(ctx -> {
        if (handoff) {
          raw.eventBus().publish("handoff.x", ctx.body().asJsonObject());
        }
        ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json").end(answer);
      });
    HttpServer server = raw.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    Load base = load(client, server.actualPort(), requests, concurrency);
    raw.close().await();
    return base;
  }

  /** Sends {@code requests} POSTs keeping {@code concurrency} in flight; latency per request. */
  static Load load(HttpClientAgent client, int port, int requests, int concurrency) {
    long[] latencies = new long[requests];
    AtomicInteger started = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    Promise<Void> done = Promise.promise();
    // a request stuck on a pooled connection counts as an error after 10 s instead of hanging the run (seen once
    // in the raw baseline's load, 2026-12-03)
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setPort(port).setHost("127.0.0.1")
      .setURI("/webhooks/x").putHeader("Content-Type", "application/json").setIdleTimeout(10_000);
    long t0 = System.nanoTime();
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      int i = started.getAndIncrement();
      if (i >= requests) {
        return;
      }
      long s = System.nanoTime();
      client.request(options)
        .compose(request -> request.send(BODY))
        .compose(response -> {
          if (response.statusCode() != 202) {
            errors.incrementAndGet();
          }
          return response.body();
        })
        .onComplete(ar -> {
          latencies[i] = System.nanoTime() - s;
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
    for (int c = 0; c < concurrency; c++) {
      next[0].run();
    }
    done.future().await();
    double seconds = (System.nanoTime() - t0) / 1e9;
    Arrays.sort(latencies);
    return new Load(requests / seconds, latencies[requests / 2] / 1e6,
      latencies[(int) Math.ceil(requests * 0.99) - 1] / 1e6, errors.get());
  }
}
