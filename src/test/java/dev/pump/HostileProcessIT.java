package dev.pump;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.pump.ServiceProcessIT.freePort;
import static dev.pump.ServiceProcessIT.jar;
import static dev.pump.ServiceProcessIT.javaBinary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The shaded jar under hostile input and faults: what an operator would see from outside. */
class HostileProcessIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String PASSWORD = "hunter2-pw";
  private static final String API_KEY = "k3y-0f-the-sink";

  @TempDir
  Path dir;

  private Process process;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void killWhatIsLeft() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  @Test
  void sinkCredentialsAreShownNowhere() throws Exception {
    int port = freePort();
    int deadPort = freePort();  // nothing listens there: every POST fails
    String sinkUrl = "http://ops:" + PASSWORD + "@127.0.0.1:" + deadPort + "/in?api_key=" + API_KEY + "&team=ops";
    Path config = Files.writeString(dir.resolve("config.yaml"), """
      http: { host: 127.0.0.1, port: %d }
      dataDir: %s
      pipelines:
        - id: from-file
          source: { type: clock }
          triggers: [ { type: webhook, id: hook, name: in } ]
          sink: { type: http, url: "%s", maxAttempts: 1, initialBackoff: 10ms, maxBackoff: 10ms }
        - id: from-env
          source: { type: clock }
          triggers: [ { type: webhook, id: hook2, name: in2 } ]
          sink: { type: http, urlEnv: PUMP_TEST_SINK_URL, maxAttempts: 1, initialBackoff: 10ms, maxBackoff: 10ms }
      """.formatted(port, dir.resolve("data"), sinkUrl));
    start(config, Map.of("PUMP_TEST_SINK_URL", sinkUrl.replace("/in?", "/env?")));
    await().atMost(DEADLINE).ignoreExceptions().until(() -> get(port, "/api/pipelines").statusCode() == 200);

    assertThat(post(port, "/webhooks/in").statusCode()).isEqualTo(202);
    assertThat(post(port, "/webhooks/in2").statusCode()).isEqualTo(202);
    await().atMost(DEADLINE).until(() -> get(port, "/health").statusCode() == 503
      && get(port, "/health").body().contains("from-env") && get(port, "/health").body().contains("from-file")
      && get(port, "/api/pipelines").body().contains("/env?api_key=***"));

    String health = get(port, "/health").body();
    String pipelines = get(port, "/api/pipelines").body();
    assertThat(health).contains("127.0.0.1:" + deadPort + "/in?api_key=***&team=ops");
    assertThat(pipelines).contains("http://***@127.0.0.1:" + deadPort);
    process.destroy();
    process.waitFor();
    for (String shown : new String[] {health, pipelines, log()}) {
      assertThat(shown).doesNotContain(PASSWORD).doesNotContain(API_KEY);
    }
    assertThat(log()).contains("api_key=***");
  }

  @Test
  void fromSigtermOnFiresAreRefusedWith503AndWhatCouldNotRunIsCounted() throws Exception {
    int port = freePort();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      // the sink's endpoint accepts connections and never answers: the cycle outlasts the grace
      Path config = Files.writeString(dir.resolve("config.yaml"), """
        http: { host: 127.0.0.1, port: %d }
        dataDir: %s
        shutdownGrace: 2s
        pipelines:
          - id: stuck
            source: { type: clock, overlap: queue, queueLimit: 10 }
            triggers: [ { type: webhook, id: hook, name: in } ]
            sink: { type: http, url: "http://127.0.0.1:%d/in", maxAttempts: 1, timeout: 60s }
        """.formatted(port, dir.resolve("data"), silent.getLocalPort()));
      start(config, Map.of());
      await().atMost(DEADLINE).ignoreExceptions().until(() -> get(port, "/health").statusCode() == 200);
      for (int i = 0; i < 3; i++) {
        assertThat(post(port, "/webhooks/in").statusCode()).isEqualTo(202);
      }

      process.destroy();  // SIGTERM
      await().atMost(DEADLINE).until(() -> log().contains("Stopping:"));
      int answered = 0;
      while (process.isAlive() && answered < 20) {
        HttpResponse<String> late;
        try {
          late = post(port, "/webhooks/in");
        } catch (IOException closedOrRefused) {
          break;  // the server is gone: refused too, as it should be
        }
        answered++;
        assertThat(late.statusCode()).as("a webhook after SIGTERM").isEqualTo(503);
        assertThat(late.headers().firstValue("Retry-After")).isPresent();
      }

      assertThat(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(log()).isZero();
      assertThat(log()).contains("ran out: 3 accepted fires not run");
    }
  }

  private void start(Path config, Map<String, String> environment) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-jar", jar().toString(), "run", config.toString())
      .redirectErrorStream(true)
      .redirectOutput(dir.resolve("service.log").toFile());
    builder.environment().putAll(environment);
    process = builder.start();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(port, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(port, path)).POST(HttpRequest.BodyPublishers.ofString("{}"))
      .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private String log() throws IOException {
    Path log = dir.resolve("service.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
