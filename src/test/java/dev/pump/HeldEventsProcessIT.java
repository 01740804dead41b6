package dev.pump;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static dev.pump.JarProcesses.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 202 for an event that flow control holds survives {@code kill -9}: webhooks batched and debounced by the
 * shaded jar, run as its own JVM, with windows of an hour, so nothing is released; the JVM is killed with
 * SIGKILL and restarted on the same {@code dataDir} with windows of a second. Every event answered 202 must
 * reach the file sink: each batched event in a batch, each debounced one counted in its key's fire.
 */
class HeldEventsProcessIT {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final int BATCHED = 60;
  private static final int DEBOUNCED_PER_KEY = 10;
  private static final List<String> KEYS = List.of("a", "b", "c");

  @TempDir
  Path dir;

  @RegisterExtension
  final JarProcesses processes = new JarProcesses();

  @Test
  void everyHeldEventAnswered202BeforeAKill9ReachesTheSinkAfterTheRestart() throws Exception {
    int port = freePort();
    Path sinkFile = dir.resolve("out/events.jsonl");
    Path config = dir.resolve("config.yaml");
    writeConfig(config, port, sinkFile, "1h");

    JarProcesses.Started first = start(config, "first.log");
    HttpClient http = HttpClient.newHttpClient();
    first.awaitOk(uri(port, "/health/ready"), DEADLINE);

    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    IntStream.range(0, BATCHED).forEach(n -> sent.add(post(http, port, "/webhooks/batched", new JsonObject().put("n", n))));
    for (String key : KEYS) {
      IntStream.range(0, DEBOUNCED_PER_KEY).forEach(n ->
        sent.add(post(http, port, "/webhooks/debounced", new JsonObject().put("k", key).put("n", n))));
    }
    for (CompletableFuture<HttpResponse<String>> response : sent) {
      HttpResponse<String> answer = response.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      assertThat(answer.statusCode()).as(first.output()).isEqualTo(202);
      assertThat(new JsonObject(answer.body()).getString("held")).as("held, not fired").isNotNull();
    }
    assertThat(Files.exists(sinkFile) ? Files.readAllLines(sinkFile) : List.of()).as("nothing released yet").isEmpty();

    assertThat(first.kill(DEADLINE)).isEqualTo(137);  // SIGKILL to the JVM itself: no shutdown hook, no grace

    writeConfig(config, port, sinkFile, "1s");  // the held events go back into the flow as it is now configured
    start(config, "second.log").awaitOk(uri(port, "/health/ready"), DEADLINE);

    await().atMost(DEADLINE).untilAsserted(() -> {
      List<JsonObject> events = JarProcesses.readSinks(List.of(sinkFile));
      TreeSet<Integer> batched = new TreeSet<>();
      Map<String, Long> debounced = new TreeMap<>();
      for (JsonObject event : events) {
        JsonObject args = event.getJsonObject("args");
        if (event.getString("trigger").equals("batched")) {
          args.getJsonArray("events").forEach(e -> batched.add(((JsonObject) e).getInteger("n")));
        } else {
          debounced.merge(args.getString("k"), args.getJsonObject("debounce").getLong("count"), Long::sum);
        }
      }
      // with durability: none, or before this change, nothing at all reaches the sink
      assertThat(batched).as("batched events in the sink").hasSize(BATCHED);
      assertThat(debounced).as("debounced events counted per key")
        .isEqualTo(Map.of("a", (long) DEBOUNCED_PER_KEY, "b", (long) DEBOUNCED_PER_KEY, "c", (long) DEBOUNCED_PER_KEY));
    });
    await().atMost(DEADLINE).until(() -> JarProcesses.metric(http, port, "pump_journal_backlog") == 0.0);
  }

  private void writeConfig(Path config, int port, Path sinkFile, String window) throws IOException {
    Files.writeString(config, """
      http: { host: 127.0.0.1, port: %d }
      dataDir: %s
      pipelines:
        - id: hooks
          source: { type: clock, overlap: queue, queueLimit: 10000 }
          triggers:
            - { type: webhook, id: batched, name: batched, rateLimit: off,
                flow: { batch: { maxSize: 1000, maxWait: %s } } }
            - { type: webhook, id: debounced, name: debounced, rateLimit: off,
                flow: { key: /k, debounce: { period: %s, maxWait: %s } } }
          sink: { type: file, path: %s }
      """.formatted(port, dir.resolve("data"), window, window, window, sinkFile));
  }

  private JarProcesses.Started start(Path config, String logName) throws IOException {
    return processes.launch(dir.resolve(logName), "run", config.toString()).start();
  }

  private static CompletableFuture<HttpResponse<String>> post(HttpClient http, int port, String path, JsonObject body) {
    return http.sendAsync(HttpRequest.newBuilder(uri(port, path))
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Content-Type", "application/json").build(),
      HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
