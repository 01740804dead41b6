package dev.pump.config;

import dev.pump.PumpApplication;
import dev.pump.PumpRoutes;
import dev.pump.examples.GitPushKind;
import dev.pump.examples.GitPushTrigger;
import dev.pump.trigger.Trigger;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * A trigger kind and a sink kind of a user's own, from the classpath (a class loader that sees
 * {@code kinds/META-INF/services} as an application jar would), go through YAML like built-in ones:
 * their keys are checked with suggestions, their values with key paths, and they run and are described.
 */
@ExtendWith(VertxExtension.class)
class CustomKindTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private ClassLoader previous;
  private URLClassLoader withKinds;
  private PumpApplication app;

  @BeforeEach
  void seeTheKindsOfTheApplicationJar() {
    URL kinds = CustomKindTest.class.getResource("/kinds/");
    withKinds = new URLClassLoader(new URL[] {kinds}, CustomKindTest.class.getClassLoader());
    previous = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(withKinds);
  }

  @AfterEach
  void restore() throws Exception {
    if (app != null) {
      app.close().await(20, TimeUnit.SECONDS);
    }
    Thread.currentThread().setContextClassLoader(previous);
    withKinds.close();
  }

  private PumpConfig load(String triggerAndSink) throws IOException {
    Path file = Files.writeString(dir.resolve("config.yaml"), """
      dataDir: %s
      pipelines:
        - id: pushes
          source: { type: clock }
      %s
      """.formatted(dir.resolve("data"), triggerAndSink.indent(4)));
    return new ConfigLoader(Map.of()).load(file);
  }

  private List<String> problemsOf(String triggerAndSink) {
    return catchThrowableOfType(() -> load(triggerAndSink), InvalidConfigException.class).problems();
  }

  @Test
  void theKindsAreKnownByTheirTypesNextToTheBuiltInOnes() {
    assertThat(problemsOf("""
      triggers: [ { type: gitpuhs, id: p } ]
      sink: { type: memroy }"""))
      .containsExactly(
        "pipelines[0].triggers[0].type: unknown trigger type 'gitpuhs' (did you mean 'gitpush'? known types are: "
          + "cron, periodic, pubsub, webhook, opportunistic, runonce, gitpush)",
        "pipelines[0].sink.type: unknown sink type 'memroy' (did you mean 'memory'? known types are: "
          + "log, file, eventbus, http, class, memory, broken)");
  }

  @Test
  void aKindWhoseBindThrowsIsAProblemOfItsEntryAndTheOtherProblemsAreStillReported() {
    assertThat(problemsOf("""
      triggers: [ { type: gitpush, id: p, pth: /git/push } ]
      sink: { type: broken }"""))
      .containsExactly(
        "pipelines[0].triggers[0].pth: unknown key (did you mean 'path'?)",
        "pipelines[0].sink: the sink kind 'broken' (dev.pump.config.BrokenSinkKind) failed to read this entry: "
          + "java.lang.IllegalStateException: a bug: 'settings' was never read");
  }

  @Test
  void aTypoInTheirKeysGetsASuggestionAndABadValueItsKeyPath() {
    assertThat(problemsOf("""
      triggers: [ { type: gitpush, id: p, pth: /git/push }, { type: gitpush, id: q, path: "git push" } ]
      sink: { type: memory, capacty: 10, name: "" }"""))
      .containsExactly(
        "pipelines[0].triggers[0].pth: unknown key (did you mean 'path'?)",
        "pipelines[0].triggers[1].path: must start with '/' and have no spaces, got \"git push\"",
        "pipelines[0].sink.capacty: unknown key (did you mean 'capacity'?)",
        "pipelines[0].sink.name: must not be empty");
    assertThat(problemsOf("""
      triggers: [ { type: gitpush, id: "not an id", path: 7 } ]
      sink: { type: memory, capacity: 0 }"""))
      .containsExactly(
        "pipelines[0].triggers[0].id: must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit, "
          + "got \"not an id\"",
        "pipelines[0].triggers[0].path: must be a string, got 7 (put it in quotes)",
        "pipelines[0].sink.capacity: must keep at least 1 event, got 0");
  }

  @Test
  void theyBindWithTheirDefaults() throws IOException {
    PumpConfig config = load("""
      triggers: [ { type: gitpush, id: pushes } ]
      sink: { type: memory }""");

    PipelineConfig pipeline = config.pipelines().get(0);
    assertThat(pipeline.triggers()).containsExactly(new GitPushKind.Config("pushes", "/git/push"));
    assertThat(pipeline.sink()).isEqualTo(new MemorySinkKind.Config("pushes", 100));
    assertThat(config.toRedactedJson().getJsonArray("pipelines").getJsonObject(0).getJsonObject("sink").encode())
      .isEqualTo("{\"type\":\"memory\"}");
  }

  @Test
  void theyRunAndTheTriggerIsDescribedForTheDashboard(Vertx vertx) throws Exception {
    PumpConfig config = load("""
      triggers: [ { type: gitpush, id: pushes, path: /hooks/git } ]
      sink: { type: memory, name: custom-kind-test, capacity: 5 }""");
    app = PumpAssembler.assemble(config, PumpApplication.builder().vertx(vertx));
    PumpRoutes.mount(app).await(20, TimeUnit.SECONDS);       // the dashboard's stream among them
    app.start().await(20, TimeUnit.SECONDS);
    HttpServer server = app.listen(0, "127.0.0.1").await(20, TimeUnit.SECONDS);

    HttpResponse<String> response = HttpClient.newHttpClient().send(
      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/hooks/git"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"ref\":\"main\"}")).build(),
      HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(202);
    await().atMost(DEADLINE).until(() -> !MemorySinkKind.BUILT.get("custom-kind-test").events().isEmpty());
    assertThat(MemorySinkKind.BUILT.get("custom-kind-test").events()).singleElement()
      .satisfies(event -> assertThat(event.getJsonObject("args").getString("ref")).isEqualTo("main"));
    assertThat(app.trigger("pushes")).get().isInstanceOf(GitPushTrigger.class);
    assertThat(dashboardState(server.actualPort()).getJsonArray("triggers").getJsonObject(0).getString("schedule"))
      .isEqualTo("on each git push to POST /hooks/git");
  }

  /** The first event of the dashboard's stream: the whole state. */
  private static JsonObject dashboardState(int port) throws Exception {
    HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(
      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/stream")).build(),
      HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = stream.body()) {
      return new JsonObject(lines.filter(line -> line.startsWith("data:")).findFirst().orElseThrow()
        .substring("data:".length()));
    }
  }

  @Test
  void theExampleOfDocsConfigurationRegistersAndBindsThisKind() throws IOException {
    String doc = Files.readString(Path.of("docs/configuration.md"));
    String section = doc.substring(doc.indexOf("## Your own kind"));
    String services = block(section, "```\n");
    String yaml = block(section, "```yaml\n");

    assertThat(services).isEqualTo(Files.readString(
      Path.of("src/test/resources/kinds/META-INF/services/dev.pump.config.TriggerKind")));
    PumpConfig config = new ConfigLoader(Map.of("PUMP_DATA_DIR", dir.toString()))
      .load(Files.writeString(dir.resolve("doc.yaml"), yaml));
    assertThat(config.pipelines().get(0).triggers()).containsExactly(new GitPushKind.Config("git-pushes", "/git/push"));
  }

  /** The first fenced block of {@code text} that opens with {@code fence}, without its fences. */
  private static String block(String text, String fence) {
    int start = text.indexOf(fence) + fence.length();
    return text.substring(start, text.indexOf("```\n", start));
  }

  @Test
  void aTriggerOfNoKindIsDescribedByItsSpecAndTheBuiltInOnesByTheirKind(Vertx vertx) {
    app = PumpApplication.builder().vertx(vertx).build();
    Trigger own = new Trigger(app, "doorbell") { };
    Trigger cron = new dev.pump.trigger.CronTrigger(app, "0 9 * * 1-5");

    assertThat(app.describe(own)).isEqualTo("when its own code fires it");
    assertThat(app.describe(cron)).isEqualTo("at 09:00, Monday to Friday");
  }
}
