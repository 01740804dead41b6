package dev.pump.examples;

import com.example.HeartbeatApp;
import dev.pump.PumpApplication;
import dev.pump.config.ConfigLoader;
import dev.pump.config.PumpConfig;
import dev.pump.http.PumpMetrics;
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
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Java of README.md and docs/java.md, checked to be the code compiled here and run: if one stops
 * working or drifts from what is printed, this fails.
 */
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
  void theReadmesClassIsHeartbeatAppByteForByte() throws IOException {
    List<String> blocks = blocks(Path.of("README.md"), "java");
    List<String> complete = blocks.stream().filter(b -> b.startsWith("package com.example;")).toList();

    assertThat(complete).as("the README prints one complete class").hasSize(1);
    assertThat(complete.get(0)).isEqualTo(Files.readString(Path.of("src/test/java/com/example/HeartbeatApp.java")));
  }

  @Test
  void heartbeatAppRunsAsPrinted(@TempDir Path dir) throws Exception {
    // as HeartbeatApp.main creates it, so that /metrics has its registry
    Vertx vertx = Vertx.vertx(PumpMetrics.withPrometheus(new VertxOptions()));
    WebClient client = WebClient.create(vertx);
    try {
      int port = freePort();
      PumpApplication heartbeat = HeartbeatApp.start(vertx, dir, port);

      assertThat(client.get(port, "127.0.0.1", "/hello").send().await().bodyAsString()).isEqualTo("hello");
      HttpResponse<Buffer> fired = client.post(port, "127.0.0.1", "/webhooks/heartbeat")
        .sendJsonObject(new JsonObject().put("who", "me")).await();
      assertThat(fired.statusCode()).isEqualTo(202);
      Path written = dir.resolve("heartbeat.jsonl");
      await().atMost(DEADLINE).until(() -> Files.exists(written) && Files.readAllLines(written).stream()
        .map(JsonObject::new).anyMatch(e -> e.getJsonObject("args").getString("who", "").equals("me")));
      // the service's routes, mounted by PumpRoutes.mount(app)
      assertThat(client.get(port, "127.0.0.1", "/api/triggers").send().await().bodyAsJsonArray()).hasSize(2);
      assertThat(client.get(port, "127.0.0.1", "/health").send().await().statusCode()).isEqualTo(200);
      assertThat(client.get(port, "127.0.0.1", "/metrics").send().await().bodyAsString())
        .contains("pump_trigger_fires_total{trigger=\"webhook-1\",type=\"webhook\"} 1.0");
      assertThat(client.get(port, "127.0.0.1", "/ui/").send().await().statusCode()).isEqualTo(200);
      assertThat(client.get(port, "127.0.0.1", "/no-such-page").send().await().statusCode()).isEqualTo(404);
      heartbeat.close().await();
    } finally {
      client.close();
      vertx.close().await();
    }
  }

  @Test
  void theReadmesDependencyBlockIsThePomsCoordinates() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    String project = pom.substring(pom.indexOf("<modelVersion>"), pom.indexOf("<properties>"));

    String dependency = """
      <dependency>
        <groupId>%s</groupId>
        <artifactId>%s</artifactId>
        <version>%s</version>
      </dependency>
      """.formatted(tag(project, "groupId"), tag(project, "artifactId"), tag(project, "version"));
    assertThat(blocks(Path.of("README.md"), "xml")).containsExactly(dependency);
    assertThat(blocks(Path.of("README.md"), "sh")).anyMatch(block -> block.contains("mvn -q install -DskipTests"));
  }

  @Test
  void theReadmesYamlIsAValidConfigurationWhoseSinkFollowsDataDir(@TempDir Path dir) throws IOException {
    List<String> yaml = blocks(Path.of("README.md"), "yaml");
    assertThat(yaml).hasSize(1);
    Path file = Files.writeString(dir.resolve("my.yaml"), yaml.get(0));

    PumpConfig config = new ConfigLoader(Map.of("PUMP_DATA_DIR", dir.resolve("d").toString())).load(file);

    assertThat(config.pipelines()).singleElement().satisfies(p -> {
      assertThat(p.triggers()).hasSize(2);
      assertThat(p.sink().toJson().getString("path")).isEqualTo(dir.resolve("d/heartbeat.jsonl").toString());
    });
  }

  @Test
  void theContractsYamlIsAValidConfiguration(@TempDir Path dir) throws IOException {
    List<String> yaml = blocks(Path.of("docs/interface.md"), "yaml");
    assertThat(yaml).hasSize(1);
    Path file = Files.writeString(dir.resolve("interface.yaml"), yaml.get(0));

    PumpConfig config = new ConfigLoader(Map.of()).load(file);

    assertThat(config.pipelines()).singleElement().satisfies(p -> assertThat(p.triggers()).hasSize(7));
  }

  @Test
  void theClassesOfDocsJavaAreTheExampleFiles() throws IOException {
    List<String> classes = blocks(Path.of("docs/java.md"), "java").stream()
      .filter(b -> b.startsWith("public class ")).toList();

    assertThat(classes).hasSize(4);
    for (String printed : classes) {
      String name = printed.substring("public class ".length()).split("\\s")[0];
      String source = Files.readString(Path.of("src/test/java/dev/pump/examples", name + ".java"));
      assertThat(printed).as(name).isEqualTo(source.substring(source.indexOf("public class ")));
    }
  }

  @Test
  void theKindOfTheReadmesExtendingSectionIsTheExampleFile() throws IOException {
    List<String> classes = blocks(Path.of("README.md"), "java").stream()
      .filter(b -> b.startsWith("public class ")).toList();

    assertThat(classes).hasSize(1);
    String source = Files.readString(Path.of("src/test/java/dev/pump/examples/GitPushKind.java"));
    assertThat(classes.get(0)).isEqualTo(source.substring(source.indexOf("public class ")));
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

  /** The fenced blocks of {@code language} in a Markdown file, each with its final newline. */
  static List<String> blocks(Path markdown, String language) throws IOException {
    List<String> blocks = new ArrayList<>();
    StringBuilder block = null;
    for (String line : Files.readAllLines(markdown)) {
      if (block == null && line.equals("```" + language)) {
        block = new StringBuilder();
      } else if (block != null && line.equals("```")) {
        blocks.add(block.toString());
        block = null;
      } else if (block != null) {
        block.append(line).append('\n');
      }
    }
    return blocks;
  }

  private static String tag(String xml, String name) {
    int start = xml.indexOf("<" + name + ">") + name.length() + 2;
    return xml.substring(start, xml.indexOf("</" + name + ">", start));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
