package dev.pump.dashboard;

import dev.pump.PumpApplication;
import dev.pump.http.ApiAuth;
import dev.pump.http.FiringLog;
import dev.pump.http.HttpRoutes;
import dev.pump.pipeline.Pipeline;
import dev.pump.testing.RecordingSource;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A real application served on 127.0.0.1 at a free port, with the management API and the dashboard: one
 * pipeline ({@code orders}), one recording source, a webhook trigger {@code hook} and a cron trigger
 * {@code weekday-nine} ({@code 0 9 * * 1-5} in Europe/Prague).
 */
final class DashboardFixture implements AutoCloseable {

  final PumpApplication app;
  final Pipeline pipeline;
  final RecordingSource source;
  final WebhookTrigger webhook;
  final CronTrigger cron;
  final FiringLog log;
  final List<JsonObject> written = new CopyOnWriteArrayList<>();
  final int port;

  /** @param token the API token; empty for "loopback callers only" */
  DashboardFixture(String token) {
    this(token, null);
  }

  /**
   * @param token the API token; empty for "loopback callers only"
   * @param members the cluster members the dashboard shows; null when not clustered
   */
  DashboardFixture(String token, Supplier<JsonArray> members) {
    app = PumpApplication.builder().nodeId("node-a").build();
    pipeline = new Pipeline("orders", event -> {
      written.add(event);
      return Future.succeededFuture();
    });
    webhook = new WebhookTrigger(app, "hook").withId("hook");
    cron = new CronTrigger(app, "0 9 * * 1-5", ZoneId.of("Europe/Prague")).withId("weekday-nine");
    source = new RecordingSource(app, pipeline);
    source.withId("recorder").on(webhook, cron);

    ApiAuth auth = ApiAuth.create(token);
    log = new FiringLog(app.vertx(), app, FiringLog.DEFAULT_CAPACITY);
    // the service's routes; a cluster state holding only the members the page shows
    HttpRoutes.mountService(app.router(), app.vertx(), app, auth, HttpRoutes.DEFAULT_MAX_BODY_BYTES, log, null,
      members == null ? null : () -> new JsonObject().put("members", members.get()));
    app.start().await();
    log.start().await();
    port = app.listen(0, "127.0.0.1").await().actualPort();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  @Override
  public void close() {
    log.stop().await();
    app.close().await();
  }
}
