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
import java.util.List;

import static dev.pump.JarProcesses.freePort;
import static dev.pump.JarProcesses.jar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The jar started from a directory other than the checkout, without a PATH: it runs the shipped
 * conf/config.yaml found next to its folder, and that file's sink follows dataDir.
 */
class ServiceFromAnotherDirectoryIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @RegisterExtension
  final JarProcesses processes = new JarProcesses();

  @Test
  void theShippedConfigurationIsFoundNextToTheJarAndItsSinkWritesUnderDataDir() throws Exception {
    int port = freePort();
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path dataDir = dir.resolve("pump-data");
    // no arguments: the jar looks for its configuration itself
    JarProcesses.Started service = processes.launch(dir.resolve("service.log"))
      .in(elsewhere)
      .withoutPumpEnvironment()
      .env("PUMP_HTTP_PORT", Integer.toString(port))
      .env("PUMP_DATA_DIR", dataDir.toString())
      .start();

    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port;
    service.awaitOk(URI.create(base + "/health"), DEADLINE);
    HttpResponse<String> fired = http.send(HttpRequest.newBuilder(URI.create(base + "/webhooks/heartbeat"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"who\":\"me\"}")).build(),
      HttpResponse.BodyHandlers.ofString());
    assertThat(fired.statusCode()).as(service.output()).isEqualTo(202);
    String firing = new JsonObject(fired.body()).getString("firing");

    Path sink = dataDir.resolve("heartbeat.jsonl");
    await().atMost(DEADLINE).until(() -> Files.exists(sink) && Files.readString(sink).contains(firing));
    assertThat(elsewhere.resolve("data")).as("nothing written relative to the working directory").doesNotExist();
    Path shipped = jar().toAbsolutePath().getParent().getParent().resolve("conf/config.yaml").normalize();
    assertThat(service.output()).contains("Configuration: " + shipped);

    assertThat(service.stop(DEADLINE)).as(service.output()).isZero();
  }

  @Test
  void withoutAConfigurationAnywhereTheErrorNamesEveryPathTried() throws Exception {
    Path lib = Files.createDirectories(dir.resolve("opt/lib"));
    Path copy = Files.copy(jar(), lib.resolve("vertx-pump.jar"));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    JarProcesses.Started service = processes.launch(dir.resolve("service.log"), "run")
      .jar(copy)
      .in(elsewhere)
      .errorOutput(dir.resolve("stderr.log"))
      .start();

    int status = service.awaitExit(DEADLINE);
    String stderr = service.errorOutput();
    assertThat(status).as(stderr).isEqualTo(2);
    assertThat(stderr.strip()).isEqualTo("run: no configuration given, and none at "
      + String.join(", ", List.of(elsewhere.resolve("conf/config.yaml").toString(),
        lib.resolve("conf/config.yaml").toString(), dir.resolve("opt/conf/config.yaml").toString()))
      + "; give one: run PATH");
  }
}
