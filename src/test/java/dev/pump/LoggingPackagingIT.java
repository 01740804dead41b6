package dev.pump;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logging belongs to the service: the library jar ships neither Logback's configuration nor a dependency on
 * it that an embedding application would inherit; the fat jar has both and logs one line per event, as text
 * or, with {@code PUMP_LOG_FORMAT=json}, as JSON.
 */
class LoggingPackagingIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @RegisterExtension
  final JarProcesses processes = new JarProcesses();

  @Test
  void theLibraryJarHasNoLogbackConfigurationAndDeclaresLogbackOptional() throws IOException {
    try (JarFile library = new JarFile(libraryJar().toFile())) {
      assertThat(library.getEntry("logback.xml")).as("logback.xml in the library jar").isNull();
      assertThat(library.getEntry("ch/qos/logback/classic/Logger.class")).isNull();
      assertThat(library.getEntry("dev/pump/PumpApplication.class")).isNotNull();

      String pom = read(library, "META-INF/maven/dev.pump/vertx-pump/pom.xml");
      String logback = pom.substring(pom.indexOf("<artifactId>logback-classic</artifactId>"));
      logback = logback.substring(0, logback.indexOf("</dependency>"));
      assertThat(logback).as("the published pom's logback-classic").contains("<optional>true</optional>");
      assertThat(pom).contains("<artifactId>slf4j-api</artifactId>");
    }
  }

  @Test
  void theFatJarHasTheServicesLogbackConfiguration() throws IOException {
    try (JarFile fat = new JarFile(JarProcesses.jar().toFile())) {
      assertThat(read(fat, "logback.xml")).isEqualTo(Files.readString(LoggingConfigTest.SERVICE_CONFIG));
      assertThat(fat.getEntry("ch/qos/logback/classic/Logger.class")).isNotNull();
    }
  }

  @Test
  void theFatJarLogsOneTextLinePerEventByDefault() throws Exception {
    List<String> lines = runUntilHealthyThenStop(null);

    assertThat(lines).as(String.join("\n", lines)).isNotEmpty()
      .allMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO |WARN |ERROR|DEBUG) \\S+ - .*"))
      .anyMatch(line -> line.contains(" INFO  dev.pump.") && line.contains("vertx-pump listening on http://"));
  }

  @Test
  void theFatJarLogsJsonWithPumpLogFormatJson() throws Exception {
    List<String> lines = runUntilHealthyThenStop("json");

    assertThat(lines).as(String.join("\n", lines)).isNotEmpty();
    List<JsonObject> events = lines.stream().map(JsonObject::new).toList();
    assertThat(events).allMatch(e -> e.getString("level") != null && e.getString("loggerName") != null)
      .anyMatch(e -> e.getString("formattedMessage").startsWith("vertx-pump listening on http://"));
  }

  /** Runs the fat jar on a free port until {@code /health/live} answers, stops it, returns its output lines. */
  private List<String> runUntilHealthyThenStop(String logFormat) throws Exception {
    int port = JarProcesses.freePort();
    Path config = Files.writeString(dir.resolve("config.yaml"), """
      http: { host: 127.0.0.1, port: %d }
      dataDir: %s
      shutdownGrace: 1s
      pipelines:
        - id: quiet
          source: { type: clock }
          triggers:
            - { type: cron, id: new-year, schedule: "0 0 1 1 *" }
          sink: { type: log }
      """.formatted(port, dir.resolve("data")));
    JarProcesses.Launch launch = processes.launch(dir.resolve("service.log"), "run", config.toString())
      .withoutPumpEnvironment();
    if (logFormat != null) {
      launch.env("PUMP_LOG_FORMAT", logFormat);
    }
    JarProcesses.Started service = launch.start();
    service.awaitOk(URI.create("http://127.0.0.1:" + port + "/health/live"), DEADLINE);
    service.stop(DEADLINE);
    return service.output().lines().filter(line -> !line.isBlank()).toList();
  }

  private static String read(JarFile jar, String name) throws IOException {
    ZipEntry entry = jar.getEntry(name);
    assertThat(entry).as(name + " in " + jar.getName()).isNotNull();
    try (InputStream in = jar.getInputStream(entry)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Path libraryJar() {
    String jar = System.getProperty("pump.libraryJar");
    assertThat(jar).as("system property pump.libraryJar (set by the failsafe plugin)").isNotNull();
    assertThat(Path.of(jar)).as("the library jar; run mvn verify, not only mvn test").exists();
    return Path.of(jar);
  }
}
