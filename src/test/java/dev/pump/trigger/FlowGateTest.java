package dev.pump.trigger;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Flow control decisions alone: no Vert.x, every "now" given by the test. */
class FlowGateTest {

  private static final Instant T0 = Instant.parse("2026-03-30T07:00:00Z");
  private static final Duration SECOND = Duration.ofSeconds(1);

  private static Instant at(long millis) {
    return T0.plusMillis(millis);
  }

  private static JsonObject account(String id) {
    return new JsonObject().put("account_id", id);
  }

  private static FlowGate gate(String key, FlowControl.Rate rate, FlowControl.Debounce debounce, FlowControl.Batch batch,
                               FlowControl.Throttle throttle, int maxKeys) {
    return new FlowGate(new FlowControl(key, rate, debounce, batch, throttle, maxKeys));
  }

  @Test
  void badFlowControlIsRefusedNamingTheRule() {
    assertThatThrownBy(() -> new FlowControl(null, null, null, null, null, 10))
      .hasMessage("flow control needs at least one of rateLimit, debounce, batch, throttle");
    assertThatThrownBy(() -> new FlowControl(null, null, new FlowControl.Debounce(SECOND, SECOND),
      new FlowControl.Batch(5, SECOND), null, 10)).hasMessageStartingWith("debounce and batch cannot be combined");
    assertThatThrownBy(() -> new FlowControl("account_id", new FlowControl.Rate(1, SECOND), null, null, null, 10))
      .hasMessageStartingWith("key \"account_id\" is not a JSON pointer");
    assertThatThrownBy(() -> new FlowControl.Debounce(Duration.ofSeconds(10), SECOND))
      .hasMessage("debounce maxWait (PT1S) must not be shorter than its period (PT10S)");
    assertThatThrownBy(() -> new FlowControl.Rate(0, SECOND)).hasMessage("limit must be at least 1, got 0");
  }

  @Test
  void aRateLimitDropsTheExcessPerKeyAndRefillsWithTime() {
    FlowGate gate = gate("/account_id", new FlowControl.Rate(2, Duration.ofSeconds(10)), null, null, null, 100);
    assertThat(gate.offer(account("a"), at(0)).verdict()).isEqualTo(FlowGate.Verdict.FIRE);
    assertThat(gate.offer(account("a"), at(1)).verdict()).isEqualTo(FlowGate.Verdict.FIRE);
    FlowGate.Decision third = gate.offer(account("a"), at(2));
    assertThat(third.verdict()).isEqualTo(FlowGate.Verdict.REFUSED);
    assertThat(third.reason()).isEqualTo("rate limit of 2 per PT10S exceeded for key 'a'");
    assertThat(gate.offer(account("b"), at(3)).verdict()).isEqualTo(FlowGate.Verdict.FIRE);   // its own stream
    assertThat(gate.offer(account("a"), at(5_002)).verdict()).isEqualTo(FlowGate.Verdict.FIRE); // one token back
    assertThat(gate.dropped()).isEqualTo(1);
  }

  @Test
  void debounceFiresOnceAfterAQuietPeriodWithTheLastArgsAndTheCount() {
    FlowGate gate = gate(null, null, new FlowControl.Debounce(Duration.ofSeconds(5), Duration.ofSeconds(60)), null, null, 100);
    assertThat(gate.offer(new JsonObject().put("n", 1), at(0)).verdict()).isEqualTo(FlowGate.Verdict.HELD);
    assertThat(gate.offer(new JsonObject().put("n", 2), at(3_000)).verdict()).isEqualTo(FlowGate.Verdict.HELD);
    assertThat(gate.nextDeadline()).isEqualTo(at(8_000));
    assertThat(gate.due(at(7_999)).fires()).isEmpty();
    assertThat(gate.due(at(8_000)).fires()).containsExactly(new JsonObject().put("n", 2).put("debounce", new JsonObject().put("count", 2)));
    assertThat(gate.nextDeadline()).isNull();
  }

  @Test
  void debounceFiresAtMaxWaitAfterTheFirstEventEvenIfEventsKeepComing() {
    FlowGate gate = gate(null, null, new FlowControl.Debounce(Duration.ofSeconds(5), Duration.ofSeconds(12)), null, null, 100);
    for (long t = 0; t <= 8_000; t += 4_000) {
      assertThat(gate.due(at(t)).fires()).as("at %d ms", t).isEmpty();
      gate.offer(new JsonObject().put("t", t), at(t));
    }
    // events at 0, 4 and 8 s, each within 5 s of the last: at 12 s maxWait is reached all the same
    assertThat(gate.nextDeadline()).isEqualTo(at(12_000));
    List<JsonObject> fired = gate.due(at(12_000)).fires();
    assertThat(fired).hasSize(1);
    assertThat(fired.get(0).getLong("t")).isEqualTo(8_000);
    assertThat(fired.get(0).getJsonObject("debounce").getLong("count")).isEqualTo(3);
  }

  @Test
  void aBatchFiresWhenFullOrAtMaxWaitWithTheEventsInArrivalOrder() {
    FlowGate gate = gate("/account_id", null, null, new FlowControl.Batch(3, Duration.ofSeconds(10)), null, 100);
    assertThat(gate.offer(account("a").put("n", 1), at(0)).reason()).isEqualTo("batched for key 'a' (1 of 3)");
    gate.offer(account("a").put("n", 2), at(1));
    FlowGate.Decision full = gate.offer(account("a").put("n", 3), at(2));
    assertThat(full.verdict()).isEqualTo(FlowGate.Verdict.FIRE);
    assertThat(full.fires().get(0).getJsonArray("events").stream().map(e -> ((JsonObject) e).getInteger("n")))
      .containsExactly(1, 2, 3);
    assertThat(full.fires().get(0).getString("key")).isEqualTo("a");

    gate.offer(account("b"), at(100));
    assertThat(gate.due(at(10_099)).fires()).isEmpty();
    assertThat(gate.due(at(10_100)).fires()).singleElement()
      .satisfies(batch -> assertThat(batch.getJsonArray("events").size()).isEqualTo(1));
  }

  @Test
  void aThrottleLetsTheExcessWaitThenRefusesItAndReleasesItAtTheRate() {
    FlowGate gate = gate(null, null, null, null, new FlowControl.Throttle(1, Duration.ofSeconds(10), 2), 100);
    assertThat(gate.offer(new JsonObject().put("n", 1), at(0)).verdict()).isEqualTo(FlowGate.Verdict.FIRE);
    assertThat(gate.offer(new JsonObject().put("n", 2), at(1)).reason())
      .isEqualTo("throttled to 1 per PT10S: waiting (1 of at most 2)");
    gate.offer(new JsonObject().put("n", 3), at(2));
    FlowGate.Decision fourth = gate.offer(new JsonObject().put("n", 4), at(3));
    assertThat(fourth.verdict()).isEqualTo(FlowGate.Verdict.REFUSED);
    assertThat(fourth.reason()).isEqualTo("throttled to 1 per PT10S and 2 fire(s) already waiting");
    assertThat(gate.refused()).isEqualTo(1);

    assertThat(gate.nextDeadline()).isEqualTo(at(10_000));
    assertThat(gate.due(at(10_000)).fires()).containsExactly(new JsonObject().put("n", 2));
    assertThat(gate.due(at(19_999)).fires()).isEmpty();
    assertThat(gate.due(at(20_000)).fires()).containsExactly(new JsonObject().put("n", 3));
    assertThat(gate.nextDeadline()).isNull();
  }

  @Test
  void keysAreBoundedTheLeastRecentlyUsedIsEvictedAndItsCollectedEventsFire() {
    FlowGate gate = gate("/account_id", null, new FlowControl.Debounce(SECOND, SECOND), null, null, 2);
    gate.offer(account("a"), at(0));
    gate.offer(account("b"), at(1));
    gate.offer(account("a"), at(2));  // b is now the least recently used
    FlowGate.Decision third = gate.offer(account("c"), at(3));
    assertThat(third.verdict()).isEqualTo(FlowGate.Verdict.HELD);
    assertThat(third.fires()).containsExactly(account("b").put("debounce", new JsonObject().put("count", 1)));
    assertThat(gate.evictedKeys()).isEqualTo(1);
    assertThat(gate.snapshot(at(3), 10).getInteger("keys")).isEqualTo(2);
  }

  @Test
  void eventsWithoutTheKeyShareOneStreamAndTheSnapshotShowsWhatIsHeld() {
    FlowGate gate = gate("/account_id", null, new FlowControl.Debounce(Duration.ofSeconds(5), Duration.ofSeconds(30)),
      null, null, 100);
    gate.offer(new JsonObject(), at(0));
    gate.offer(new JsonObject().put("other", 1), at(1_000));
    JsonObject snapshot = gate.snapshot(at(1_000), 10);
    assertThat(snapshot.getInteger("keys")).isEqualTo(1);
    assertThat(snapshot.getLong("collapsed")).isEqualTo(1);
    JsonObject stream = snapshot.getJsonArray("streams").getJsonObject(0);
    assertThat(stream.getString("key")).isEmpty();
    assertThat(stream.getJsonObject("debounce")).isEqualTo(new JsonObject().put("count", 2).put("fireAt", "2026-03-30T07:00:06Z"));
  }

  @Test
  void aDebouncedFireCarriesTheIdsOfEveryEventItCollapsedOldestFirst() {
    FlowGate gate = gate(null, null, new FlowControl.Debounce(Duration.ofSeconds(5), Duration.ofMinutes(1)), null, null, 100);
    gate.offer(new JsonObject().put("n", 1), "e1", at(0), false);
    gate.offer(new JsonObject().put("n", 2), "e2", at(1_000), false);
    assertThat(gate.due(at(6_000)).released()).containsExactly(new FlowGate.Release(
      new JsonObject().put("n", 2).put("debounce", new JsonObject().put("count", 2)), List.of("e1", "e2")));
  }

  @Test
  void aBatchCarriesItsEventsIdsAndAWithdrawnEventLeavesIt() {
    FlowGate gate = gate(null, null, null, new FlowControl.Batch(3, Duration.ofSeconds(10)), null, 100);
    gate.offer(new JsonObject().put("n", 1), "e1", at(0), false);
    gate.offer(new JsonObject().put("n", 2), "e2", at(1), false);
    assertThat(gate.withdraw(new JsonObject(), "e1")).isTrue();
    assertThat(gate.withdraw(new JsonObject(), "e1")).as("once").isFalse();
    gate.offer(new JsonObject().put("n", 3), "e3", at(2), false);
    FlowGate.Decision full = gate.offer(new JsonObject().put("n", 4), "e4", at(3), false);
    assertThat(full.verdict()).isEqualTo(FlowGate.Verdict.FIRE);
    FlowGate.Release batch = full.released().get(0);
    assertThat(batch.held()).containsExactly("e2", "e3", "e4");
    assertThat(batch.args().getJsonArray("events").stream().map(e -> ((JsonObject) e).getInteger("n")))
      .containsExactly(2, 3, 4);
  }

  @Test
  void aWithdrawnDebouncedEventTakesItsCountBackAndTheLastOneTheWholeStream() {
    FlowGate gate = gate(null, null, new FlowControl.Debounce(SECOND, SECOND), null, null, 100);
    gate.offer(new JsonObject().put("n", 1), "e1", at(0), false);
    gate.offer(new JsonObject().put("n", 2), "e2", at(1), false);
    assertThat(gate.withdraw(new JsonObject(), "e2")).isTrue();
    assertThat(gate.due(at(1_001)).released()).singleElement()
      .satisfies(r -> assertThat(r.held()).containsExactly("e1"))
      .satisfies(r -> assertThat(r.args().getJsonObject("debounce").getLong("count")).isEqualTo(1));
    gate.offer(new JsonObject(), "e3", at(2_000), false);
    assertThat(gate.withdraw(new JsonObject(), "e3")).isTrue();
    assertThat(gate.nextDeadline()).as("nothing held").isNull();
  }

  @Test
  void heldEventsTheFlowRulesDropAreNamedByTheirIds() {
    // a batch released into a full throttle, and the fires waiting for the throttle of an evicted key
    FlowGate gate = gate("/account_id", null, null, new FlowControl.Batch(2, Duration.ofMinutes(1)),
      new FlowControl.Throttle(1, Duration.ofMinutes(1), 1), 1);
    assertThat(gate.offer(account("a"), "a1", at(0), false).verdict()).isEqualTo(FlowGate.Verdict.HELD);
    assertThat(gate.offer(account("a"), "a2", at(1), false).released()).singleElement()
      .satisfies(r -> assertThat(r.held()).containsExactly("a1", "a2"));
    gate.offer(account("a"), "a3", at(2), false);
    assertThat(gate.offer(account("a"), "a4", at(3), false).verdict()).as("waits for the throttle")
      .isEqualTo(FlowGate.Verdict.HELD);
    gate.offer(account("a"), "a5", at(4), false);
    FlowGate.Decision refused = gate.offer(account("a"), "a6", at(5), false);
    assertThat(refused.verdict()).isEqualTo(FlowGate.Verdict.REFUSED);
    assertThat(refused.dropped()).containsExactly("a5", "a6");

    FlowGate.Decision evicting = gate.offer(account("b"), "b1", at(6), false);
    assertThat(evicting.dropped()).as("a3 and a4 waited for the throttle of the evicted key").containsExactly("a3", "a4");
  }

  @Test
  void aRecoveredEventPassesTheRateLimitItPassedBefore() {
    FlowGate gate = gate(null, new FlowControl.Rate(1, Duration.ofHours(1)), new FlowControl.Debounce(SECOND, SECOND),
      null, null, 100);
    assertThat(gate.offer(new JsonObject(), "e1", at(0), true).verdict()).isEqualTo(FlowGate.Verdict.HELD);
    assertThat(gate.offer(new JsonObject(), "e2", at(1), true).verdict()).isEqualTo(FlowGate.Verdict.HELD);
    assertThat(gate.offer(new JsonObject(), "e3", at(2), false).verdict()).as("a new event meets it")
      .isEqualTo(FlowGate.Verdict.HELD);
    assertThat(gate.offer(new JsonObject(), "e4", at(3), false).verdict()).isEqualTo(FlowGate.Verdict.REFUSED);
    assertThat(gate.due(at(1_003)).released()).singleElement()
      .satisfies(r -> assertThat(r.held()).containsExactly("e1", "e2", "e3"));
  }
}
