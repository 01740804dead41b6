package dev.pump;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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

import static dev.pump.ServiceProcessIT.freePort;
import static dev.pump.ServiceProcessIT.jar;
import static dev.pump.ServiceProcessIT.javaBinary;
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

  private Process process;

  @AfterEach
  void killWhatIsLeft() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  @Test
  void everyHeldEventAnswered202BeforeAKill9ReachesTheSinkAfterTheRestart() throws Exception {
    int port = freePort();
    Path sinkFile = dir.resolve("out/events.jsonl");
    Path config = dir.resolve("config.yaml");
    writeConfig(config, port, sinkFile, "1h");

    process = start(config, "first.log");
    HttpClient http = HttpClient.newHttpClient();
    awaitReady(http, port, "first.log");

    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    IntStream.range(0, BATCHED).forEach(n -> sent.add(post(http, port, "/webhooks/batched", new JsonObject().put("n", n))));
    for (String key : KEYS) {
      IntStream.range(0, DEBOUNCED_PER_KEY).forEach(n ->
        sent.add(post(http, port, "/webhooks/debounced", new JsonObject().put("k", key).put("n", n))));
    }
    for (CompletableFuture<HttpResponse<String>> response : sent) {
      HttpResponse<String> answer = response.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      assertThat(answer.statusCode()).as(log("first.log")).isEqualTo(202);
      assertThat(new JsonObject(answer.body()).getString("held")).as("held, not fired").isNotNull();
    }
    assertThat(Files.exists(sinkFile) ? Files.readAllLines(sinkFile) : List.of()).as("nothing released yet").isEmpty();

    process.destroyForcibly();  // SIGKILL to the JVM itself: no shutdown hook, no grace
    assertThat(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(137);

    writeConfig(config, port, sinkFile, "1s");  // the held events go back into the flow as it is now configured
    process = start(config, "second.log");
    awaitReady(http, port, "second.log");

    await().atMost(DEADLINE).untilAsserted(() -> {
      List<JsonObject> events = eventsIn(sinkFile);
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
    await().atMost(DEADLINE).until(() -> metric(http, port, "pump_journal_backlog") == 0.0);
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

  private Process start(Path config, String logName) throws IOException {
    // the JVM itself, not a shell around it: destroyForcibly() is a SIGKILL to the service
    return new ProcessBuilder(javaBinary(), "-jar", jar().toString(), "run", config.toString())
      .redirectErrorStream(true)
      .redirectOutput(dir.resolve(logName).toFile())
      .start();
  }

  private void awaitReady(HttpClient http, int port, String logName) {
    await().atMost(DEADLINE).ignoreExceptions()
      .until(() -> {
        assertThat(process.isAlive()).as(log(logName)).isTrue();
        return get(http, port, "/health/ready").statusCode() == 200;
      });
  }

  private static CompletableFuture<HttpResponse<String>> post(HttpClient http, int port, String path, JsonObject body) {
    return http.sendAsync(HttpRequest.newBuilder(uri(port, path))
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Content-Type", "application/json").build(),
      HttpResponse.BodyHandlers.ofString());
  }

  /** The events in the sink file; a line cut short (none expected: lines are written whole) is skipped. */
  private static List<JsonObject> eventsIn(Path sinkFile) throws IOException {
    List<JsonObject> events = new ArrayList<>();
    if (!Files.exists(sinkFile)) {
      return events;
    }
    for (String line : Files.readAllLines(sinkFile)) {
      try {
        events.add(new JsonObject(line));
      } catch (RuntimeException e) {
        // a partial last line
      }
    }
    return events;
  }

  private static double metric(HttpClient http, int port, String name) throws Exception {
    return get(http, port, "/metrics").body().lines()
      .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
      .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
      .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in /metrics"));
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(port, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private String log(String name) throws IOException {
    Path log = dir.resolve(name);
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
