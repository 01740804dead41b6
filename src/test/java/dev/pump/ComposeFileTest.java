package dev.pump;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docker-compose.yml: Compose itself validates it ({@code docker compose config}, or Debian's {@code docker-compose}
 * v1; no Docker engine needed; {@code .ci/run} installs the latter, and under {@code CI=true} its absence fails
 * the test), with and without the cluster profile; every service runs the image the build makes ({@code mvn -Pimage
 * package}, ImageIT reads it) and restarts on liveness, not readiness.
 */
class ComposeFileTest {

  private static final Path COMPOSE = Path.of("docker-compose.yml");

  @Test
  void composeAcceptsTheFileWithAndWithoutTheClusterProfile() throws Exception {
    Optional<List<String>> compose = compose();
    if ("true".equals(System.getenv("CI"))) {
      assertThat(compose).as("docker compose or docker-compose (.ci/run installs Debian's docker-compose)").isPresent();
    }
    assumeTrue(compose.isPresent(), "neither docker compose nor docker-compose is installed");

    assertThat(run(compose.get(), "-f", COMPOSE.toString(), "config", "--quiet")).isEmpty();
    assertThat(run(compose.get(), "-f", COMPOSE.toString(), "--profile", "cluster", "config", "--services"))
      .containsExactlyInAnyOrder("pump", "pump-a", "pump-b", "pump-c");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyServiceRestartsOnLivenessNotReadiness() throws Exception {
    Map<String, Object> file = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(COMPOSE));
    Map<String, Object> services = (Map<String, Object>) file.get("services");

    assertThat(services).isNotEmpty();
    services.forEach((name, service) -> {
      Map<String, Object> healthcheck = (Map<String, Object>) ((Map<String, Object>) service).get("healthcheck");
      assertThat(healthcheck).as(name + " has a healthcheck").isNotNull();
      assertThat(String.join(" ", (List<String>) healthcheck.get("test"))).as(name).contains("GET /health/live ");
    });
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyServiceRunsTheBuildsImageWithItsDataInAVolumeOfItsOwn() throws Exception {
    Map<String, Object> file = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(COMPOSE));
    Map<String, Object> services = (Map<String, Object>) file.get("services");
    Map<String, Object> volumes = (Map<String, Object>) file.get("volumes");

    List<String> dataVolumes = new ArrayList<>();
    services.forEach((name, service) -> {
      Map<String, Object> settings = (Map<String, Object>) service;
      assertThat(settings.get("image")).as(name + "'s image").isEqualTo("vertx-pump:" + BuildInfo.version());
      List<String> mounts = (List<String>) settings.get("volumes");
      assertThat(mounts).as(name + "'s volumes").noneMatch(mount -> mount.contains("target/"));
      String data = mounts.stream().filter(mount -> mount.endsWith(":/app/data")).findFirst().orElseThrow();
      dataVolumes.add(data.substring(0, data.indexOf(':')));
    });
    // a named volume starts as a copy of the image's /app/data, which the image's user can write; a host folder does not
    assertThat(dataVolumes).doesNotHaveDuplicates().allSatisfy(volume -> assertThat(volumes).containsKey(volume));
  }

  /** What Compose printed on stdout, line by line; fails with its stderr when it refuses the file. */
  private static List<String> run(List<String> compose, String... args) throws Exception {
    List<String> command = new ArrayList<>(compose);
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + err).isZero();
    return out.lines().filter(line -> !line.isBlank()).toList();
  }

  /** {@code docker compose} when the plugin answers, else {@code docker-compose}, else nothing. */
  private static Optional<List<String>> compose() throws Exception {
    if (onPath("docker").isPresent()) {
      Process plugin = new ProcessBuilder("docker", "compose", "version").redirectErrorStream(true).start();
      plugin.getInputStream().readAllBytes();
      if (plugin.waitFor(30, TimeUnit.SECONDS) && plugin.exitValue() == 0) {
        return Optional.of(List.of("docker", "compose"));
      }
    }
    return onPath("docker-compose").map(p -> List.of(p.toString()));
  }

  private static Optional<Path> onPath(String name) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
      .map(p -> Path.of(p, name)).filter(Files::isExecutable).findFirst();
  }
}
