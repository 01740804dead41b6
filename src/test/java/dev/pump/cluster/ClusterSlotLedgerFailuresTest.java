package dev.pump.cluster;

import com.hazelcast.core.IndeterminateOperationStateException;
import dev.pump.testing.SettableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Claims and fired marks whose writes fail as they do when the network is cut between a partition's owner and
 * its backup: on a map that fails the writes it is told to, with members and the quorum set by the test and a
 * clock that moves only when the test moves it.
 */
class ClusterSlotLedgerFailuresTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final Duration WINDOW = Duration.ofSeconds(30);
  private static final Instant SLOT = Instant.parse("2026-12-03T13:00:00Z");

  private Vertx vertx;
  private final Set<String> members = ConcurrentHashMap.newKeySet();
  private final AtomicInteger membersAsked = new AtomicInteger();
  private final AtomicBoolean quorum = new AtomicBoolean(true);
  private final SettableClock clock = new SettableClock(SLOT.plusMillis(5));
  private FailingMap map;
  private ClusterSlotLedger ledger;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    members.addAll(List.of("me", "other", "third"));
    map = new FailingMap(vertx.sharedData().<String, String>getLocalAsyncMap("claims").await());
    ledger = new ClusterSlotLedger(vertx, "me", "node-me", () -> {
      membersAsked.incrementAndGet();
      return Set.copyOf(members);
    }, name -> Future.succeededFuture(map), WINDOW, quorum::get, clock);
  }

  @AfterEach
  void stop() {
    ledger.close();
    vertx.close().await();
  }

  @Test
  void aClaimThatMayHaveLandedIsAskedAgainOnceAMemberIsGoneWhileThisSideKeepsTheQuorum() throws Exception {
    map.landThenFailPutIfAbsent.set(1);  // written on this side, the backup never answered
    Future<Boolean> claim = ledger.claim("t", SLOT);

    awaitChecks(5);
    assertThat(claim.isComplete()).as("not asked again while every member is still there").isFalse();

    members.remove("other");  // the failure detection declared the cut-off node dead
    assertThat(claim.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("the write had landed: this node fires")
      .isTrue();
    assertThat(map.putIfAbsentCalls.get()).isEqualTo(2);
  }

  @Test
  void aSideWithoutTheQuorumDoesNotAskEarlyAndThenClaimsNothing() throws Exception {
    map.landThenFailPutIfAbsent.set(1);
    Future<Boolean> claim = ledger.claim("t", SLOT);
    awaitChecks(1);
    quorum.set(false);  // this node is the one cut off: its quorum goes before the others are declared dead
    members.removeAll(List.of("other", "third"));

    awaitChecks(5);
    assertThat(claim.isComplete()).as("no early ask without the quorum").isFalse();

    clock.tick(ClusterSlotLedger.INDETERMINATE_RETRY);
    assertThat(claim.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("never fires what the others cannot see")
      .isFalse();
    assertThat(ledger.withoutQuorum()).isEqualTo(1);
  }

  @Test
  void aFiredMarkThatCouldNotBeWrittenIsWrittenAgainUntilItLands() throws Exception {
    assertThat(ledger.claim("t", SLOT).await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    map.failPut.set(3);  // the mark's partition owner cannot be reached three times

    ledger.markFired("t", SLOT).await(DEADLINE.toSeconds(), TimeUnit.SECONDS);

    assertThat(map.putCalls.get()).isEqualTo(4);
    assertThat(map.get(ClusterSlotLedger.key("t", SLOT) + "#fired").await()).isEqualTo("me node-me");
  }

  @Test
  void aFiredMarkIsGivenUpOnceTheSlotIsPastTheTakeoverWindow() throws Exception {
    assertThat(ledger.claim("t", SLOT).await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    map.failPut.set(Integer.MAX_VALUE);
    Future<Void> marked = ledger.markFired("t", SLOT);
    await().atMost(DEADLINE).until(() -> map.putCalls.get() >= 3);
    assertThat(marked.isComplete()).isFalse();

    clock.tick(WINDOW);  // no survivor takes over a slot this old: nothing left to protect
    await().atMost(DEADLINE).until(marked::isComplete);
    assertThat(marked.failed()).isTrue();
  }

  /** Waits until the ledger has looked at the members {@code checks} more times. */
  private void awaitChecks(int checks) {
    int seen = membersAsked.get();
    await().atMost(DEADLINE).until(() -> membersAsked.get() >= seen + checks);
  }

  /** A local async map whose next writes fail, as Hazelcast's do across a network cut. */
  private static final class FailingMap implements AsyncMap<String, String> {
    private final AsyncMap<String, String> map;
    final AtomicInteger landThenFailPutIfAbsent = new AtomicInteger();
    final AtomicInteger failPut = new AtomicInteger();
    final AtomicInteger putIfAbsentCalls = new AtomicInteger();
    final AtomicInteger putCalls = new AtomicInteger();

    FailingMap(AsyncMap<String, String> map) {
      this.map = map;
    }

    private static <T> Future<T> indeterminate() {
      return Future.failedFuture(new IndeterminateOperationStateException("no backup acknowledged the write"));
    }

    @Override
    public Future<String> putIfAbsent(String k, String v, long ttl) {
      putIfAbsentCalls.incrementAndGet();
      Future<String> written = map.putIfAbsent(k, v, ttl);
      return landThenFailPutIfAbsent.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? written.compose(x -> indeterminate())
        : written;
    }

    @Override
    public Future<Void> put(String k, String v, long ttl) {
      putCalls.incrementAndGet();
      return failPut.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? indeterminate() : map.put(k, v, ttl);
    }

    @Override
    public Future<String> get(String k) {
      return map.get(k);
    }

    @Override
    public Future<Void> put(String k, String v) {
      return put(k, v, Long.MAX_VALUE);
    }

    @Override
    public Future<String> putIfAbsent(String k, String v) {
      return putIfAbsent(k, v, Long.MAX_VALUE);
    }

    @Override
    public Future<String> remove(String k) {
      return map.remove(k);
    }

    @Override
    public Future<Boolean> removeIfPresent(String k, String v) {
      return map.removeIfPresent(k, v);
    }

    @Override
    public Future<String> replace(String k, String v) {
      return map.replace(k, v);
    }

    @Override
    public Future<Boolean> replaceIfPresent(String k, String oldValue, String newValue) {
      return map.replaceIfPresent(k, oldValue, newValue);
    }

    @Override
    public Future<Void> clear() {
      return map.clear();
    }

    @Override
    public Future<Integer> size() {
      return map.size();
    }

    @Override
    public Future<Set<String>> keys() {
      return map.keys();
    }

    @Override
    public Future<List<String>> values() {
      return map.values();
    }

    @Override
    public Future<Map<String, String>> entries() {
      return map.entries();
    }
  }
}
