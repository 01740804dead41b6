package dev.pump;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shaded jar as an operator runs it: a separate process, a webhook fired over HTTP, then
 * SIGTERM. Every firing accepted with 202 must be in the file sink, and the exit status must be 0.
 */
class ServiceProcessIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  private Process process;

  @AfterEach
  void killWhatIsLeft() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  @Test
  void aWebhookFiredBeforeSigtermIsInTheFileSinkAndTheProcessExitsZero() throws Exception {
    int port = freePort();
    Path sinkFile = dir.resolve("out/events.jsonl");
    Path config = Files.writeString(dir.resolve("config.yaml"), """
      http: { host: 127.0.0.1, port: %d }
      dataDir: %s
      shutdownGrace: 5s
      pipelines:
        - id: hooks
          source: { type: clock, overlap: queue, queueLimit: 100 }
          triggers:
            - { type: webhook, id: hook, name: deploy }
            - { type: cron, id: never-soon, schedule: "0 0 1 1 *" }
          sink: { type: file, path: %s }
      """.formatted(port, dir.resolve("data"), sinkFile));
    process = new ProcessBuilder(javaBinary(), "-jar", jar().toString(), "run", config.toString())
      .redirectErrorStream(true)
      .redirectOutput(dir.resolve("service.log").toFile())
      .start();

    HttpClient http = HttpClient.newHttpClient();
    await().atMost(DEADLINE).ignoreExceptions()
      .until(() -> get(http, port, "/health").statusCode() == 200);

    // the series exist before the first fire, at 0, so increase() sees that fire
    List<String> firesBefore = get(http, port, "/metrics").body().lines()
      .filter(line -> line.startsWith("pump_trigger_fires_total{") && line.contains("trigger=\"hook\""))
      .toList();
    assertThat(firesBefore).as(log()).singleElement().asString().endsWith(" 0.0");

    List<String> firings = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> fired = http.send(HttpRequest.newBuilder(uri(port, "/webhooks/deploy"))
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("n", i).encode()))
          .header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
      assertThat(fired.statusCode()).as(log()).isEqualTo(202);
      firings.add(new JsonObject(fired.body()).getString("firing"));
    }

    process.destroy(); // SIGTERM
    assertThat(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as(log()).isTrue();
    assertThat(process.exitValue()).as(log()).isZero();

    // overlap: queue keeps every fire: each firing accepted with 202 is in the file, in order
    List<JsonObject> written = Files.readAllLines(sinkFile).stream().map(JsonObject::new).toList();
    assertThat(written).extracting(e -> e.getString("firing")).containsExactlyElementsOf(firings);
    assertThat(written).extracting(e -> e.getJsonObject("args").getInteger("n")).containsExactly(0, 1, 2, 3, 4);
    assertThat(log()).contains("vertx-pump listening on http://127.0.0.1:" + port).contains("vertx-pump stopped");
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(port, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private String log() throws IOException {
    Path log = dir.resolve("service.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  static Path jar() {
    String jar = System.getProperty("pump.jar");
    assertThat(jar).as("system property pump.jar (set by the failsafe plugin)").isNotNull();
    assertThat(Path.of(jar)).as("the shaded jar; run mvn verify, not only mvn test").exists();
    return Path.of(jar);
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
