package dev.pump.examples;

import dev.pump.PumpApplication;
import dev.pump.pipeline.FileSink;
import dev.pump.pipeline.Pipeline;
import dev.pump.testing.CollectingSink;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.OpportunisticTrigger;
import dev.pump.trigger.PeriodicTrigger;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.RunOnceTrigger;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The README's Java examples, run: if one stops working, this fails. */
@ExtendWith(VertxExtension.class)
class ReadmeExamplesTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private PumpApplication app;
  private CollectingSink sink;
  private Pipeline pipeline;

  @BeforeEach
  void setUp(Vertx vertx) {
    app = PumpApplication.create(vertx);
    sink = new CollectingSink();
    pipeline = new Pipeline("my-pipeline", sink);
  }

  @AfterEach
  void tearDown() throws Exception {
    app.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void builtInTriggersAsInTheReadme() throws Exception {
    new MySource(app, pipeline).on(
      new CronTrigger(app, "*/5 * * * *"),                          // every 5 minutes
      new CronTrigger(app, "0 9 * * 1", ZoneId.of("Europe/Prague")), // Mondays 09:00 in Prague
      new CronTrigger(app, "*/10 * * * * *"),                       // every 10 s (6 fields)
      new PeriodicTrigger(app, Duration.ofSeconds(10)),             // every 10 s, fixed rate
      new OpportunisticTrigger(app),                                // when the app is idle
      new RunOnceTrigger(app),                                      // once, at start
      new WebhookTrigger(app, "heartbeat"),                         // POST /webhooks/heartbeat
      new PubSubTrigger(app, "my.event.topic"));                    // event-bus topic
    app.start().await();

    app.pubSub().publish("my.event.topic", new JsonObject().put("key", "value"));
    await().atMost(DEADLINE).until(() -> sink.events().stream()
      .anyMatch(e -> e.getJsonObject("args").getString("key", "").equals("value")));
    assertThat(app.triggers()).hasSize(8);
  }

  @Test
  void aPipelineWithProcessorsAsInTheReadme(@TempDir Path dir) throws Exception {
    Pipeline orders = new Pipeline("orders",
        List.of(event -> event.getBoolean("test", false) ? null : event,    // null drops the event
                event -> event.put("seen", Instant.now().toString())),
        new FileSink(dir.resolve("data/orders.jsonl")));

    orders.process(new JsonObject().put("id", 1)).await();
    orders.process(new JsonObject().put("id", 2).put("test", true)).await();
    orders.close().await();

    List<String> lines = Files.readAllLines(dir.resolve("data/orders.jsonl"));
    assertThat(lines).hasSize(1);
    assertThat(new JsonObject(lines.get(0)).getInteger("id")).isEqualTo(1);
    assertThat(orders.counters().eventsDropped()).isEqualTo(1);
  }

  @Test
  void multipleTriggersAndAnotherVerticlePublishing(Vertx vertx) throws Exception {
    new MySource(app, pipeline).on(
      new CronTrigger(app, "0 * * * *"),            // every hour
      new PubSubTrigger(app, "force.run"));         // on demand
    app.start().await();

    vertx.deployVerticle(new ForceRunVerticle()).await();
    await().atMost(DEADLINE).until(() -> sink.events().size() == 1);
    assertThat(sink.events().get(0).getJsonObject("args").getString("reason")).isEqualTo("manual");
  }

  @Test
  void aCustomWebhookTriggerOnTheApplicationsRouter(Vertx vertx) throws Exception {
    new MySource(app, pipeline).on(new GitPushTrigger(app, "/git/push"));
    app.start().await();
    int port = app.listen(0, "127.0.0.1").await().actualPort();

    WebClient client = WebClient.create(vertx);
    int status = client.post(port, "127.0.0.1", "/git/push")
      .sendJsonObject(new JsonObject().put("ref", "refs/heads/main")).await().statusCode();
    client.close();

    assertThat(status).isEqualTo(202);
    await().atMost(DEADLINE).until(() -> sink.events().size() == 1);
    assertThat(sink.events().get(0).getString("trigger")).isEqualTo("gitpush-1");
    assertThat(sink.events().get(0).getJsonObject("args").getString("ref")).isEqualTo("refs/heads/main");
  }
}
