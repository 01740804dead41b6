package com.example;

import dev.pump.PumpApplication;
import dev.pump.PumpRoutes;
import dev.pump.http.PumpMetrics;
import dev.pump.pipeline.FileSink;
import dev.pump.pipeline.Pipeline;
import dev.pump.source.SourceRuntime;
import dev.pump.source.TriggerSource;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.TriggerEvent;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.nio.file.Path;
import java.time.Instant;

/** Writes an event to data/heartbeat.jsonl every minute and on every POST /webhooks/heartbeat. */
public class HeartbeatApp {

  /** Runs when one of its triggers fires, on a worker thread: blocking work is fine in cycle(). */
  public static class HeartbeatSource extends TriggerSource {

    public HeartbeatSource(SourceRuntime app, Pipeline pipeline) {
      super(app, pipeline);
    }

    @Override
    protected void cycle(TriggerEvent event) throws Exception {
      process(new JsonObject()                       // waits until the pipeline is ready
        .put("trigger", event.trigger())             // which trigger fired
        .put("args", event.args())                   // the webhook's JSON body; {} for cron
        .put("at", Instant.now().toString()));
    }
  }

  /** Starts the pump inside {@code vertx} and serves it, next to a route of the application's own. */
  public static PumpApplication start(Vertx vertx, Path dataDir, int port) {
    PumpApplication app = PumpApplication.create(vertx);
    Pipeline pipeline = new Pipeline("heartbeat", new FileSink(dataDir.resolve("heartbeat.jsonl")));
    new HeartbeatSource(app, pipeline).on(
      new CronTrigger(app, "* * * * *"),             // every minute
      new WebhookTrigger(app, "heartbeat"));         // POST /webhooks/heartbeat
    PumpRoutes.mount(app).await();                   // optional: the service's /api, /health, /metrics, dashboard
    app.start().await();                             // sources first, then triggers

    Router router = Router.router(vertx);            // the application's own router
    router.get("/hello").handler(ctx -> ctx.end("hello"));
    router.route("/*").subRouter(app.router());      // last: webhooks and the routes mounted above
    vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1").await();
    return app;
  }

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx(PumpMetrics.withPrometheus(new VertxOptions()));   // withPrometheus: for /metrics
    PumpApplication app = start(vertx, Path.of("data"), 8080);
    System.out.println("http://127.0.0.1:8080/ (dashboard), /hello, POST /webhooks/heartbeat");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.close().await();                           // triggers stop, running cycles finish, sinks close
      vertx.close().await();
    }));
  }
}
