package dev.pump;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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

import static dev.pump.JarProcesses.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The shaded jar under hostile input and faults: what an operator would see from outside. */
class HostileProcessIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String PASSWORD = "hunter2-pw";
  private static final String API_KEY = "k3y-0f-the-sink";

  @TempDir
  Path dir;

  @RegisterExtension
  final JarProcesses processes = new JarProcesses();

  private final HttpClient http = HttpClient.newHttpClient();

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
    JarProcesses.Started service = start(config, Map.of("PUMP_TEST_SINK_URL", sinkUrl.replace("/in?", "/env?")));
    service.awaitOk(uri(port, "/api/pipelines"), DEADLINE);

    assertThat(post(port, "/webhooks/in").statusCode()).isEqualTo(202);
    assertThat(post(port, "/webhooks/in2").statusCode()).isEqualTo(202);
    await().atMost(DEADLINE).until(() -> get(port, "/health").statusCode() == 503
      && get(port, "/health").body().contains("from-env") && get(port, "/health").body().contains("from-file")
      && get(port, "/api/pipelines").body().contains("/env?api_key=***"));

    String health = get(port, "/health").body();
    String pipelines = get(port, "/api/pipelines").body();
    assertThat(health).contains("127.0.0.1:" + deadPort + "/in?api_key=***&team=ops");
    assertThat(pipelines).contains("http://***@127.0.0.1:" + deadPort);
    service.stop(DEADLINE);
    for (String shown : new String[] {health, pipelines, service.output()}) {
      assertThat(shown).doesNotContain(PASSWORD).doesNotContain(API_KEY);
    }
    assertThat(service.output()).contains("api_key=***");
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
      JarProcesses.Started service = start(config, Map.of());
      service.awaitOk(uri(port, "/health"), DEADLINE);
      for (int i = 0; i < 3; i++) {
        assertThat(post(port, "/webhooks/in").statusCode()).isEqualTo(202);
      }

      service.terminate();  // SIGTERM
      service.awaitOutput("Stopping:", DEADLINE);
      int answered = 0;
      while (service.isAlive() && answered < 20) {
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

      assertThat(service.awaitExit(DEADLINE)).as(service.output()).isZero();
      assertThat(service.output()).contains("ran out: 3 accepted fires not run");
    }
  }

  private JarProcesses.Started start(Path config, Map<String, String> environment) throws IOException {
    return processes.launch(dir.resolve("service.log"), "run", config.toString()).env(environment).start();
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
}
