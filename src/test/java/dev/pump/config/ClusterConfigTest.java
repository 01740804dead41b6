package dev.pump.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code cluster} keys added by clustering: takeoverWindow, nodeName, and their environment variables. */
class ClusterConfigTest {

  private static final String PIPELINE = """
    pipelines:
      - id: p
        source: { type: clock }
        triggers: [ { type: runonce, id: once } ]
        sink: { type: log }
    """;

  @TempDir
  Path dir;

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("config.yaml"), yaml);
  }

  @Test
  void aNegativeTakeoverWindowIsRefused() {
    assertThatThrownBy(() -> new ClusterConfig(true, "n", "127.0.0.1", 5701, List.of(), Duration.ofSeconds(-1), null))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("cluster takeoverWindow must not be negative, got PT-1S");
  }

  @Test
  void theTakeoverWindowDefaultsToThirtySecondsAndTheNodeIdToHostAndPort() throws IOException {
    ClusterConfig cluster = new ConfigLoader(Map.of()).load(write("cluster: { enabled: true, port: 5702 }\n" + PIPELINE))
      .cluster();

    assertThat(cluster.takeoverWindow()).isEqualTo(Duration.ofSeconds(30));
    assertThat(cluster.nodeName()).isNull();
    assertThat(cluster.nodeId()).isEqualTo("127.0.0.1:5702");
  }

  @Test
  void takeoverWindowAndNodeNameAreReadFromTheFile() throws IOException {
    ClusterConfig cluster = new ConfigLoader(Map.of())
      .load(write("cluster: { enabled: true, takeoverWindow: 45s, nodeName: node-a }\n" + PIPELINE)).cluster();

    assertThat(cluster.takeoverWindow()).isEqualTo(Duration.ofSeconds(45));
    assertThat(cluster.nodeId()).isEqualTo("node-a");
  }

  @Test
  void theNewClusterKeysHaveEnvironmentOverrides() throws IOException {
    ClusterConfig cluster = new ConfigLoader(Map.of(
      "PUMP_CLUSTER_NAME", "staging",
      "PUMP_CLUSTER_NODE_NAME", "pump-b",
      "PUMP_CLUSTER_TAKEOVER_WINDOW", "1m")).load(write(PIPELINE)).cluster();

    assertThat(cluster.name()).isEqualTo("staging");
    assertThat(cluster.nodeId()).isEqualTo("pump-b");
    assertThat(cluster.takeoverWindow()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aBadTakeoverWindowOrAnEmptyNodeNameIsReportedWithItsKeyPath() throws IOException {
    Path config = write("cluster: { takeoverWindow: soon, nodeName: \"\" }\n" + PIPELINE);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(config))
      .isInstanceOf(InvalidConfigException.class)
      .hasMessageContaining("cluster.takeoverWindow: must be a duration like 500ms, 10s, 5m, 1h or 1d, got \"soon\"")
      .hasMessageContaining("cluster.nodeName: must not be empty");
  }

  @Test
  void theQuorumDefaultsToNullForAMajorityAndIsReadFromTheFileOrTheEnvironment() throws IOException {
    String three = "cluster: { enabled: true, members: [\"10.0.0.1:5701\", \"10.0.0.2:5701\"]%s }\n" + PIPELINE;

    assertThat(new ConfigLoader(Map.of()).load(write(three.formatted(""))).cluster().quorum()).isNull();
    assertThat(new ConfigLoader(Map.of()).load(write(three.formatted(", quorum: 3"))).cluster().quorum()).isEqualTo(3);
    assertThat(new ConfigLoader(Map.of("PUMP_CLUSTER_QUORUM", "1")).load(write(three.formatted(""))).cluster().quorum())
      .isEqualTo(1);
  }

  @Test
  void aQuorumBelowOneOrAboveTheMembersIsReportedWithItsKeyPath() throws IOException {
    Path zero = write("cluster: { enabled: true, members: [\"10.0.0.1:5701\"], quorum: 0 }\n" + PIPELINE);
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(zero))
      .isInstanceOf(InvalidConfigException.class)
      .hasMessageContaining("cluster.quorum: ");
    Path three = write("cluster: { enabled: true, members: [\"10.0.0.1:5701\"], quorum: 3 }\n" + PIPELINE);
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(three))
      .isInstanceOf(InvalidConfigException.class)
      .hasMessageContaining("cluster.quorum: ");
    assertThatThrownBy(() -> new ClusterConfig(true, "n", "127.0.0.1", 5701, List.of(), Duration.ofSeconds(1), null, 0))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("cluster quorum must be at least 1, got 0");
  }

  @Test
  void theShippedClusterConfigurationIsValid() throws IOException {
    PumpConfig config = new ConfigLoader(Map.of()).load(Path.of("conf/cluster.yaml"));

    assertThat(config.cluster().enabled()).isTrue();
    assertThat(config.cluster().members()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703");
    assertThat(config.cluster().takeoverWindow()).isEqualTo(Duration.ofSeconds(30));
  }
}
