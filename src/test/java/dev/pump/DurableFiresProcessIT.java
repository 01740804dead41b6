package dev.pump;

import dev.pump.testing.GatedProcessor;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.pump.JarProcesses.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 202 survives {@code kill -9}: webhooks accepted by the shaded jar, run as its own JVM, for a
 * pipeline with {@code overlap: queue} whose step is slow (it passes a number of events the test
 * sets, then waits); the JVM is killed with SIGKILL while most fires are pending, and restarted on
 * the same {@code dataDir}. Every firing id answered 202 must reach the file sink at least once.
 */
class DurableFiresProcessIT {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final int WEBHOOKS = 400;
  private static final int IN_FLIGHT = 40;

  @TempDir
  Path dir;

  @RegisterExtension
  final JarProcesses processes = new JarProcesses();

  @Test
  void everyFireAnswered202BeforeAKill9ReachesTheSinkAfterTheRestart() throws Exception {
    int port = freePort();
    Path sinkFile = dir.resolve("out/events.jsonl");
    Path gate = dir.resolve("gate");
    Files.writeString(gate, Integer.toString(WEBHOOKS / 4));  // a quarter pass, then the step waits
    Path config = Files.writeString(dir.resolve("config.yaml"), """
      http: { host: 127.0.0.1, port: %d }
      dataDir: %s
      pipelines:
        - id: hooks
          source: { type: clock, overlap: queue, queueLimit: 10000 }
          triggers:
            - { type: webhook, id: hook, name: deploy, rateLimit: off }
          processors:
            - { class: %s, config: { gate: "%s" } }
          sink: { type: file, path: %s }
      """.formatted(port, dir.resolve("data"), GatedProcessor.class.getName(), gate, sinkFile));

    JarProcesses.Started first = start(config, "first.log");
    HttpClient http = HttpClient.newHttpClient();
    first.awaitOk(uri(port, "/health/ready"), DEADLINE);

    Set<String> accepted = new LinkedHashSet<>();
    for (int from = 0; from < WEBHOOKS; from += IN_FLIGHT) {
      List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
      for (int i = from; i < from + IN_FLIGHT; i++) {
        sent.add(http.sendAsync(HttpRequest.newBuilder(uri(port, "/webhooks/deploy"))
            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("n", i).encode()))
            .header("Content-Type", "application/json").build(),
          HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> response : sent) {
        HttpResponse<String> answer = response.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(first.output()).isEqualTo(202);
        accepted.add(new JsonObject(answer.body()).getString("firing"));
      }
    }
    assertThat(accepted).hasSize(WEBHOOKS);
    await().atMost(DEADLINE).until(() -> firingsIn(sinkFile).size() >= WEBHOOKS / 4);
    assertThat(firingsIn(sinkFile)).as("the step holds the rest").hasSizeLessThan(WEBHOOKS);

    assertThat(first.kill(DEADLINE)).isEqualTo(137);  // SIGKILL to the JVM itself: no shutdown hook, no grace

    Files.writeString(gate, Integer.toString(Integer.MAX_VALUE));  // the step is quick from now on
    start(config, "second.log").awaitOk(uri(port, "/health/ready"), DEADLINE);

    await().atMost(DEADLINE).untilAsserted(() -> {
      Set<String> missing = new LinkedHashSet<>(accepted);
      missing.removeAll(firingsIn(sinkFile));
      // with durability: none, about three quarters are missing here
      assertThat(missing).as("%d of the %d firings answered 202 never reached the sink", missing.size(), WEBHOOKS)
        .isEmpty();
    });
    await().atMost(DEADLINE).until(() -> JarProcesses.metric(http, port, "pump_journal_backlog") == 0.0);
    assertThat(JarProcesses.metric(http, port, "pump_journal_writable")).isEqualTo(1.0);
    assertThat(JarProcesses.metric(http, port, "pump_journal_size_bytes")).isPositive();
  }

  /** The jar with the test classes, for {@link GatedProcessor}. */
  private JarProcesses.Started start(Path config, String logName) throws IOException {
    return processes.launch(dir.resolve(logName), "run", config.toString()).withTestClasses().start();
  }

  /** The firing ids in the sink file; a line the kill cut short (none expected: lines are written whole) is skipped. */
  private static Set<String> firingsIn(Path sinkFile) throws IOException {
    return JarProcesses.readSinks(List.of(sinkFile)).stream().map(e -> e.getString("firing"))
      .collect(Collectors.toSet());
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
