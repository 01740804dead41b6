package dev.pump.dashboard;

import dev.pump.PumpApplication;
import dev.pump.http.ApiAuth;
import dev.pump.http.FiringLog;
import dev.pump.http.HttpRoutes;
import dev.pump.pipeline.Pipeline;
import dev.pump.testing.RecordingSource;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.PeriodicTrigger;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.Trigger;
import dev.pump.trigger.TriggerEvent;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Random;

/**
 * Takes docs/dashboard.png: {@code mvn test -Dtest=DashboardScreenshotTest -Dpump.dashboard.screenshot=docs/dashboard.png}.
 * Not part of the normal run. The chart's last hour is replayed onto the event bus (the FiringLog and the
 * sources see those fires as real ones); everything else on the picture happened while the test ran.
 */
@EnabledIfSystemProperty(named = "pump.dashboard.screenshot", matches = ".+")
class DashboardScreenshotTest {

  @Test
  void takesTheScreenshotOfTheReadme() throws Exception {
    PumpApplication app = PumpApplication.builder().nodeId("pump-1").build();
    Pipeline orders = new Pipeline("orders", event -> Future.succeededFuture());
    Pipeline heartbeat = new Pipeline("heartbeat", event -> Future.succeededFuture());
    Pipeline reports = new Pipeline("reports", event -> Future.succeededFuture());
    Trigger everyFive = new CronTrigger(app, "*/5 * * * 1-5").withId("every-5-min");
    Trigger hook = new WebhookTrigger(app, "orders").withId("orders-hook");
    Trigger forced = new PubSubTrigger(app, "force.run").withId("forced");
    Trigger beat = new PeriodicTrigger(app, Duration.ofSeconds(2)).withId("two-seconds");
    Trigger weekday = new CronTrigger(app, "0 9 * * 1-5", ZoneId.of("Europe/Prague")).withId("weekday-report");
    Trigger nightly = new CronTrigger(app, "30 2 * * *", ZoneId.of("Europe/Prague")).withId("nightly-cleanup");
    new RecordingSource(app, orders).withId("orders-import").on(everyFive, hook, forced);
    new RecordingSource(app, heartbeat).withId("clock").on(beat);
    RecordingSource reporter = new RecordingSource(app, reports);
    reporter.withId("report-builder").on(weekday, nightly);
    ApiAuth auth = ApiAuth.create("");
    FiringLog log = new FiringLog(app.vertx(), app, FiringLog.DEFAULT_CAPACITY);
    HttpRoutes.mountService(app.router(), app.vertx(), app, auth, HttpRoutes.DEFAULT_MAX_BODY_BYTES, log, null, null);
    app.start().await();
    log.start().await();
    int port = app.listen(0, "127.0.0.1").await().actualPort();
    try (Browser browser = Browser.start()) {
      replayLastHour(app, log);
      nightly.pause();
      reporter.failNextCycle(new java.io.UncheckedIOException(new java.io.IOException("report store unreachable: connection refused (reports-db:5432)")));
      weekday.fire(new JsonObject());
      for (int i = 0; i < 3; i++) {
        hook.fire(new JsonObject().put("order", 1000 + i));
      }
      browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1900));
      browser.open("http://127.0.0.1:" + port + "/");
      browser.waitForText("#conn", "live");
      browser.find("#cron-expr").clear();
      browser.find("#cron-expr").sendKeys("0 9 * * 1-5");
      browser.find("#cron-zone").clear();
      browser.find("#cron-zone").sendKeys("Europe/Prague");
      browser.waitForText("#cron-words", "(Europe/Prague)");
      browser.waitFor("the playground", () -> browser.count("#cron-next li") == 10);
      browser.script("document.activeElement.blur()");
      browser.waitFor("a few periodic fires", () -> beat.fireCount() >= 3);
      browser.waitForText("[data-pipeline='reports']", "error");
      Path target = Path.of(System.getProperty("pump.dashboard.screenshot"));
      if (!target.isAbsolute()) {
        target = Path.of(System.getProperty("pump.dashboard.basedir", ".")).resolve(target);
      }
      Files.write(target, browser.screenshot());
      System.err.println("dashboard screenshot written to " + target.toAbsolutePath());
    } finally {
      log.stop().await();
      app.close().await();
    }
  }

  /** Publishes fires of the past hour, as the triggers would have: the chart then has something to show. */
  private static void replayLastHour(PumpApplication app, FiringLog log) {
    Random random = new Random(7);
    Instant now = Instant.now();
    Instant slot = now.minus(Duration.ofMinutes(59)).truncatedTo(ChronoUnit.MINUTES);
    for (Instant t = slot; t.isBefore(now.minusSeconds(60)); t = t.plus(Duration.ofMinutes(1))) {
      long minute = t.getEpochSecond() / 60;
      if (minute % 5 == 0) {
        publish(app, "every-5-min", "cron", t, t.plusMillis(1 + random.nextInt(9)), "every-5-min@" + t);
      }
      if (random.nextInt(4) == 0) {
        for (int i = random.nextInt(3); i >= 0; i--) {
          Instant at = t.plusSeconds(random.nextInt(60));
          publish(app, "orders-hook", "webhook", null, at, "delivery-" + random.nextInt(1_000_000));
        }
      }
      if (random.nextInt(12) == 0) {
        publish(app, "forced", "pubsub", null, t.plusSeconds(random.nextInt(60)), "f-" + random.nextInt(1_000_000));
      }
    }
  }

  private static void publish(PumpApplication app, String trigger, String type, Instant scheduledAt, Instant firedAt,
                              String firing) {
    TriggerEvent event = new TriggerEvent(trigger, type, new JsonObject(), scheduledAt, firedAt, app.nodeId(), firing);
    app.vertx().eventBus().publish(Trigger.address(trigger), event.toJson());
  }
}
