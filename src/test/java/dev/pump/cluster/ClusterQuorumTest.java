package dev.pump.cluster;

import dev.pump.http.SharedReplayWindow;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A node claims cluster-once slots only while it sees a quorum; Hazelcast refuses the claims map below it too. */
class ClusterQuorumTest {

  private ClusterNodes nodes;
  private Vertx alone;

  @AfterEach
  void close() throws Exception {
    if (nodes != null) {
      nodes.close();
    }
    if (alone != null) {
      alone.close().await(ClusterNodes.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void theDefaultQuorumIsAStrictMajority() {
    assertThat(ClusterQuorum.majorityOf(1)).isEqualTo(1);
    assertThat(ClusterQuorum.majorityOf(2)).isEqualTo(2);
    assertThat(ClusterQuorum.majorityOf(3)).isEqualTo(2);
    assertThat(ClusterQuorum.majorityOf(4)).isEqualTo(3);
    assertThat(ClusterQuorum.majorityOf(5)).isEqualTo(3);
    assertThatThrownBy(() -> ClusterQuorum.majorityOf(0)).isInstanceOf(IllegalArgumentException.class)
      .hasMessage("a cluster has at least 1 member, got 0");
  }

  @Test
  void theDefaultQuorumCountsThisNodeOnceListedOrNot() {
    assertThat(ClusterSetup.defaultQuorum("127.0.0.1", 5801, List.of())).isEqualTo(1);
    assertThat(ClusterSetup.defaultQuorum("127.0.0.1", 5801, List.of("127.0.0.1:5802", "127.0.0.1:5803"))).isEqualTo(2);
    assertThat(ClusterSetup.defaultQuorum("127.0.0.1", 5801,
      List.of("127.0.0.1:5801", "localhost:5802", "127.0.0.1:5803"))).isEqualTo(2);
    assertThat(ClusterSetup.defaultQuorum("127.0.0.1", 5801, List.of("127.0.0.1:5802"))).isEqualTo(2);
  }

  @Test
  void aQuorumBelowOneOrWithoutAClusterIsRefused() throws Exception {
    assertThatThrownBy(() -> new ClusterQuorum(null, 1)).isInstanceOf(IllegalArgumentException.class)
      .hasMessage("ClusterQuorum needs the cluster manager of a clustered Vert.x instance");
    assertThatThrownBy(() -> ClusterSetup.hazelcast("n", "127.0.0.1", 5801, List.of(), 0))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("cluster quorum must be at least 1, got 0");
  }

  @Test
  void theQuorumIsPresentWithEnoughMembersAndGoneWhenTooManyLeave() throws Exception {
    nodes = ClusterNodes.start(3);
    ClusterQuorum two = new ClusterQuorum(ClusterNodes.manager(nodes.get(0)), 2);
    ClusterQuorum four = new ClusterQuorum(ClusterNodes.manager(nodes.get(0)), 4);

    assertThat(two.present()).isTrue();
    assertThat(four.present()).as("more than there are").isFalse();
    assertThat(two.toJson().getInteger("required")).isEqualTo(2);
    assertThat(two.toJson().getBoolean("present")).isTrue();

    two.watch(nodes.get(0));
    nodes.kill(nodes.get(2));
    assertThat(two.present()).as("two of three are a majority").isTrue();
    nodes.kill(nodes.get(1));
    await().atMost(ClusterNodes.DEADLINE).until(() -> !two.present());
    await().atMost(ClusterNodes.DEADLINE).until(() -> two.losses() == 1);
    two.stop();
  }

  @Test
  void aNodeWithoutAQuorumClaimsNothingAndTheOthersStillCan() throws Exception {
    nodes = ClusterNodes.start(2);
    ClusterSlotLedger minority = new ClusterSlotLedger(nodes.get(0), ClusterNodes.manager(nodes.get(0)), "node-a",
      Duration.ofSeconds(30), new ClusterQuorum(ClusterNodes.manager(nodes.get(0)), 3));
    ClusterSlotLedger enough = new ClusterSlotLedger(nodes.get(1), ClusterNodes.manager(nodes.get(1)), "node-b",
      Duration.ofSeconds(30), new ClusterQuorum(ClusterNodes.manager(nodes.get(1)), 2));
    Instant slot = Instant.now().plusSeconds(60);

    assertThat(minority.claim("t", slot).await(10, TimeUnit.SECONDS)).as("no quorum: not claimed").isFalse();
    assertThat(minority.withoutQuorum()).isEqualTo(1);
    assertThat(enough.claim("t", slot).await(10, TimeUnit.SECONDS)).as("nothing was written by the other").isTrue();
    minority.close();
    enough.close();
  }

  @Test
  void theClaimsMapRefusesEveryReadAndWriteOnANodeThatSeesTooFewMembers() throws Exception {
    int port = ClusterNodes.freePort();
    int absent = ClusterNodes.freePort();
    // two members listed, one up: the default quorum is 2
    ClusterManager manager = ClusterSetup.hazelcast("pump-test-" + UUID.randomUUID(), "127.0.0.1", port,
      List.of("127.0.0.1:" + absent));
    alone = Vertx.builder()
      .with(ClusterSetup.eventBusOn(new VertxOptions(), "127.0.0.1"))
      .withClusterManager(manager)
      .buildClustered()
      .await(ClusterNodes.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    AsyncMap<String, String> claims = alone.sharedData().<String, String>getAsyncMap(ClusterSlotLedger.CLAIMS_MAP)
      .await();

    assertThatThrownBy(() -> claims.putIfAbsent("t@slot", "me").await(10, TimeUnit.SECONDS))
      .hasMessageContaining("Split brain protection exception: " + ClusterSetup.QUORUM_NAME);
    assertThatThrownBy(() -> claims.get("t@slot").await(10, TimeUnit.SECONDS))
      .hasMessageContaining("Split brain protection exception");
    assertThatThrownBy(() -> new SharedReplayWindow(alone, "me", ClusterSetup.DELIVERIES_MAP).record("hook", "id", 1000).await(10, TimeUnit.SECONDS))
      .hasMessageContaining("Split brain protection exception");
    assertThat(new ClusterQuorum(manager, 2).present()).isFalse();
  }
}
