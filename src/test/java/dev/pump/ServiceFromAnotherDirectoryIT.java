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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.pump.ServiceProcessIT.freePort;
import static dev.pump.ServiceProcessIT.jar;
import static dev.pump.ServiceProcessIT.javaBinary;
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

  private Process process;

  @AfterEach
  void killWhatIsLeft() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  @Test
  void theShippedConfigurationIsFoundNextToTheJarAndItsSinkWritesUnderDataDir() throws Exception {
    int port = freePort();
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path dataDir = dir.resolve("pump-data");
    ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-jar", jar().toAbsolutePath().toString())
      .directory(elsewhere.toFile())
      .redirectErrorStream(true)
      .redirectOutput(dir.resolve("service.log").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("PUMP_"));
    builder.environment().put("PUMP_HTTP_PORT", Integer.toString(port));
    builder.environment().put("PUMP_DATA_DIR", dataDir.toString());
    process = builder.start();

    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port;
    await().atMost(DEADLINE).ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(
      URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    HttpResponse<String> fired = http.send(HttpRequest.newBuilder(URI.create(base + "/webhooks/heartbeat"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"who\":\"me\"}")).build(),
      HttpResponse.BodyHandlers.ofString());
    assertThat(fired.statusCode()).as(log()).isEqualTo(202);
    String firing = new JsonObject(fired.body()).getString("firing");

    Path sink = dataDir.resolve("heartbeat.jsonl");
    await().atMost(DEADLINE).until(() -> Files.exists(sink) && Files.readString(sink).contains(firing));
    assertThat(elsewhere.resolve("data")).as("nothing written relative to the working directory").doesNotExist();
    Path shipped = jar().toAbsolutePath().getParent().getParent().resolve("conf/config.yaml").normalize();
    assertThat(log()).contains("Configuration: " + shipped);

    process.destroy();
    assertThat(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as(log()).isTrue();
    assertThat(process.exitValue()).as(log()).isZero();
  }

  @Test
  void withoutAConfigurationAnywhereTheErrorNamesEveryPathTried() throws Exception {
    Path lib = Files.createDirectories(dir.resolve("opt/lib"));
    Path copy = Files.copy(jar(), lib.resolve("vertx-pump.jar"));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    process = new ProcessBuilder(javaBinary(), "-jar", copy.toString(), "run")
      .directory(elsewhere.toFile())
      .redirectOutput(dir.resolve("service.log").toFile())
      .redirectError(dir.resolve("stderr.log").toFile())
      .start();

    assertThat(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    String stderr = Files.readString(dir.resolve("stderr.log"));
    assertThat(process.exitValue()).as(stderr).isEqualTo(2);
    assertThat(stderr.strip()).isEqualTo("run: no configuration given, and none at "
      + String.join(", ", List.of(elsewhere.resolve("conf/config.yaml").toString(),
        lib.resolve("conf/config.yaml").toString(), dir.resolve("opt/conf/config.yaml").toString()))
      + "; give one: run PATH");
  }

  private String log() throws IOException {
    Path log = dir.resolve("service.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
