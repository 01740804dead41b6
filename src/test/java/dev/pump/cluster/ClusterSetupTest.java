package dev.pump.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Hazelcast configuration the service runs with, checked without starting Hazelcast. */
class ClusterSetupTest {

  @Test
  void aWildcardHostOrABadPortIsRefused() {
    assertThatThrownBy(() -> ClusterSetup.hazelcast("n", "0.0.0.0", 5701, List.of()))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("host '0.0.0.0' is a wildcard address: give the address the other members reach this node at");
    assertThatThrownBy(() -> ClusterSetup.hazelcast("n", "127.0.0.1", 0, List.of()))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("cluster port must be between 1 and 65535, got 0");
  }

  @Test
  void joinsOverTcpIpOnlyBoundToTheConfiguredAddressWithoutPhoningHome() {
    Config config = ClusterSetup.hazelcast("staging", "localhost", 5702, List.of("localhost:5701")).getConfig();

    assertThat(config.getClusterName()).isEqualTo("staging");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5702);
    assertThat(config.getNetworkConfig().isPortAutoIncrement()).isFalse();
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    // names become addresses: with interfaces restricted Hazelcast would drop other machines given by name
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("0");
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    assertThat(config.getProperty("hazelcast.shutdownhook.enabled")).isEqualTo("false");
    // Vert.x's own maps are kept (ConfigUtil.loadConfig)
    assertThat(config.getMultiMapConfigs()).containsKey("__vertx.subs");
  }

  @Test
  void theEventBusListensOnTheClusterHostAndAdvertisesIt() {
    VertxOptions options = ClusterSetup.eventBusOn(new VertxOptions(), "10.0.0.7");

    assertThat(options.getEventBusOptions().getHost()).isEqualTo("10.0.0.7");
    assertThat(options.getEventBusOptions().getPort()).isZero();
    assertThat(options.getEventBusOptions().getClusterPublicHost()).isEqualTo("10.0.0.7");
  }

  @Test
  void aMemberThatDoesNotResolveIsKeptAsGiven() {
    assertThat(ClusterSetup.resolved("no-such-host.invalid:5701")).isEqualTo("no-such-host.invalid:5701");
    assertThat(ClusterSetup.resolved("10.0.0.1:5701")).isEqualTo("10.0.0.1:5701");
  }
}
