package dev.pump;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.pump.JarProcesses.freePort;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar as an operator runs it: a separate process, a webhook fired over HTTP, then
 * SIGTERM. Every firing accepted with 202 must be in the file sink, and the exit status must be 0.
 */
class ServiceProcessIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @RegisterExtension
  final JarProcesses processes = new JarProcesses();

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
    JarProcesses.Started service = processes.launch(dir.resolve("service.log"), "run", config.toString()).start();

    HttpClient http = HttpClient.newHttpClient();
    service.awaitOk(uri(port, "/health"), DEADLINE);

    // the series exist before the first fire, at 0, so increase() sees that fire
    List<String> firesBefore = get(http, port, "/metrics").body().lines()
      .filter(line -> line.startsWith("pump_trigger_fires_total{") && line.contains("trigger=\"hook\""))
      .toList();
    assertThat(firesBefore).as(service.output()).singleElement().asString().endsWith(" 0.0");

    List<String> firings = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> fired = http.send(HttpRequest.newBuilder(uri(port, "/webhooks/deploy"))
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("n", i).encode()))
          .header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
      assertThat(fired.statusCode()).as(service.output()).isEqualTo(202);
      firings.add(new JsonObject(fired.body()).getString("firing"));
    }

    assertThat(service.stop(DEADLINE)).as(service.output()).isZero();

    // overlap: queue keeps every fire: each firing accepted with 202 is in the file, in order
    List<JsonObject> written = Files.readAllLines(sinkFile).stream().map(JsonObject::new).toList();
    assertThat(written).extracting(e -> e.getString("firing")).containsExactlyElementsOf(firings);
    assertThat(written).extracting(e -> e.getJsonObject("args").getInteger("n")).containsExactly(0, 1, 2, 3, 4);
    assertThat(service.output()).contains("vertx-pump listening on http://127.0.0.1:" + port).contains("vertx-pump stopped");
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(port, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
