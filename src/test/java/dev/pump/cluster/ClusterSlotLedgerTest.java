package dev.pump.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Claims, fired marks, takeovers and last fired slots on two Hazelcast nodes in this JVM ({@code a}, {@code b});
 * a third node joins for each test that needs a node to leave or die.
 */
class ClusterSlotLedgerTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final Duration WINDOW = Duration.ofSeconds(30);

  private static ClusterNodes nodes;
  private static ClusterSlotLedger a;
  private static ClusterSlotLedger b;

  @BeforeAll
  static void startCluster() throws Exception {
    nodes = ClusterNodes.start(2);
    a = new ClusterSlotLedger(nodes.get(0), ClusterNodes.manager(nodes.get(0)), "node-a", WINDOW);
    b = new ClusterSlotLedger(nodes.get(1), ClusterNodes.manager(nodes.get(1)), "node-b", WINDOW);
  }

  @AfterAll
  static void stopCluster() {
    if (nodes != null) {
      nodes.close();
    }
  }

  /** A slot of its own for each test: the current second, so it is inside the takeover window. */
  private static Instant slot() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  private static <T> T result(Future<T> future) throws Exception {
    return future.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void illegalArgumentsAreRefused() {
    Vertx vertx = nodes.get(0);
    ClusterManager manager = ClusterNodes.manager(vertx);
    assertThatThrownBy(() -> new ClusterSlotLedger(vertx, manager, "n", Duration.ofSeconds(-1)))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("takeoverWindow must not be negative, got PT-1S");
    assertThatThrownBy(() -> new ClusterSlotLedger(vertx, manager, null, WINDOW)).isInstanceOf(NullPointerException.class)
      .hasMessage("nodeId");
    assertThatThrownBy(() -> new ClusterSlotLedger(vertx, null, "n", WINDOW)).isInstanceOf(IllegalArgumentException.class)
      .hasMessage("clusterManager is required on a clustered Vert.x: pass the one it was built with");
    assertThatThrownBy(() -> a.claim(null, slot())).isInstanceOf(NullPointerException.class).hasMessage("triggerId");
    assertThatThrownBy(() -> a.claim("t", null)).isInstanceOf(NullPointerException.class).hasMessage("slot");
  }

  @Test
  void onAVertxThatIsNotClusteredTheFirstClaimWinsAndTheNextLosesAtOnce() throws Exception {
    Vertx local = Vertx.vertx();
    try {
      ClusterSlotLedger one = new ClusterSlotLedger(local, null, "one", WINDOW);
      ClusterSlotLedger other = new ClusterSlotLedger(local, null, "other", WINDOW);
      Instant slot = slot();
      assertThat(result(one.claim("local", slot))).isTrue();
      assertThat(result(other.claim("local", slot))).isFalse();
      assertThat(other.watching()).isZero();
    } finally {
      local.close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void theFirstClaimWinsAndTheOtherNodeLosesOnceTheSlotIsMarkedFired() throws Exception {
    Instant slot = slot();
    long takeovers = b.takeovers();
    assertThat(result(a.claim("first-wins", slot))).isTrue();
    Future<Boolean> lost = b.claim("first-wins", slot);

    result(a.markFired("first-wins", slot));
    assertThat(result(lost)).isFalse();
    assertThat(result(a.claim("first-wins", slot.plusSeconds(1)))).isTrue();
    assertThat(b.takeovers()).isEqualTo(takeovers);
  }

  @Test
  void aSlotWhoseWinnerDiesBeforeFiringItIsTakenOverByExactlyOneSurvivor() throws Exception {
    Vertx doomed = nodes.join();
    ClusterSlotLedger c = new ClusterSlotLedger(doomed, ClusterNodes.manager(doomed), "node-c", WINDOW);
    Instant slot = slot();
    assertThat(result(c.claim("takeover", slot))).isTrue();
    Future<Boolean> onA = a.claim("takeover", slot);
    Future<Boolean> onB = b.claim("takeover", slot);

    nodes.kill(doomed); // claimed, never marked fired

    await().atMost(DEADLINE).until(() -> onA.isComplete() || onB.isComplete());
    ClusterSlotLedger winner = onA.isComplete() ? a : b;
    Future<Boolean> other = onA.isComplete() ? onB : onA;
    assertThat(result(onA.isComplete() ? onA : onB)).isTrue();
    assertThat(winner.takeovers()).isEqualTo(1);
    result(winner.markFired("takeover", slot));
    assertThat(result(other)).isFalse();
    nodes.awaitSafe();
  }

  @Test
  void aSlotMarkedFiredIsNotTakenOverWhenItsWinnerLeaves() throws Exception {
    Vertx leaving = nodes.join();
    ClusterSlotLedger c = new ClusterSlotLedger(leaving, ClusterNodes.manager(leaving), "node-c", WINDOW);
    Instant slot = slot();
    long takeovers = a.takeovers();
    assertThat(result(c.claim("fired-then-left", slot))).isTrue();
    Future<Boolean> onA = a.claim("fired-then-left", slot);
    result(c.markFired("fired-then-left", slot));

    nodes.leave(leaving);

    assertThat(result(onA)).isFalse();
    assertThat(a.takeovers()).isEqualTo(takeovers);
    nodes.awaitSafe();
  }

  @Test
  void aSlotOlderThanTheTakeoverWindowIsNeverTakenOver() throws Exception {
    ClusterSlotLedger shortA = new ClusterSlotLedger(nodes.get(0), ClusterNodes.manager(nodes.get(0)), "node-a",
      Duration.ofSeconds(1));
    Vertx doomed = nodes.join();
    ClusterSlotLedger c = new ClusterSlotLedger(doomed, ClusterNodes.manager(doomed), "node-c", WINDOW);
    Instant slot = slot();
    assertThat(result(c.claim("too-old", slot))).isTrue();
    Future<Boolean> onA = shortA.claim("too-old", slot);

    assertThat(result(onA)).isFalse(); // the window passes while node-c is alive and silent
    nodes.kill(doomed);
    assertThat(shortA.takeovers()).isZero();
    assertThat(shortA.watching()).isZero();
    nodes.awaitSafe();
  }

  @Test
  void theLastFiredSlotOnlyMovesForwardsAndIsTheSameOnEveryNode() throws Exception {
    Instant later = Instant.parse("2026-03-30T07:05:00Z");
    assertThat(result(b.lastFired("last"))).isEmpty();
    result(a.recordFired("last", later));
    result(b.recordFired("last", later.minusSeconds(300)));

    assertThat(result(b.lastFired("last"))).isEqualTo(Optional.of(later));
    result(b.recordFired("last", later.plusSeconds(60)));
    assertThat(result(a.lastFired("last"))).isEqualTo(Optional.of(later.plusSeconds(60)));
  }

  @Test
  void aClosedLedgerRefusesClaimsAndGivesUpWhatItWatched() throws Exception {
    ClusterSlotLedger closing = new ClusterSlotLedger(nodes.get(1), ClusterNodes.manager(nodes.get(1)), "node-b", WINDOW);
    Instant slot = slot();
    assertThat(result(a.claim("closing", slot))).isTrue();
    Future<Boolean> watched = closing.claim("closing", slot);
    await().atMost(DEADLINE).until(() -> closing.watching() == 1);

    result(closing.close());

    assertThat(result(watched)).isFalse();
    assertThatThrownBy(() -> result(closing.claim("closing", slot.plusSeconds(1))))
      .hasMessageContaining("the slot ledger is closed");
  }
}
