package dev.pump.http;

import org.junit.jupiter.api.Test;

import static dev.pump.http.ReplayCache.Outcome.FIRST;
import static dev.pump.http.ReplayCache.Outcome.FULL;
import static dev.pump.http.ReplayCache.Outcome.REPLAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The memory of delivery ids that refuses replays, on times the test chooses. */
class ReplayCacheTest {

  @Test
  void aCacheNeedsRoom() {
    assertThatThrownBy(() -> new ReplayCache(0)).hasMessage("maxEntries must be at least 1, got 0");
  }

  @Test
  void anIdIsAReplayUntilItExpires() {
    ReplayCache cache = new ReplayCache(10);

    assertThat(cache.record("a", 1_000, 0)).isEqualTo(FIRST);
    assertThat(cache.record("a", 1_000, 999)).isEqualTo(REPLAY);
    assertThat(cache.record("a", 2_000, 1_000)).isEqualTo(FIRST);
  }

  @Test
  void expiredIdsAreDroppedSoTheCacheStaysBounded() {
    ReplayCache cache = new ReplayCache(1_000);
    for (int i = 0; i < 100_000; i++) {
      cache.record("id-" + i, i + 10, i);
    }
    assertThat(cache.size()).isLessThanOrEqualTo(11);
  }

  @Test
  void aFullCacheRefusesNewIdsAndSaysWhenThereIsRoom() {
    ReplayCache cache = new ReplayCache(2);
    cache.record("a", 500, 0);
    cache.record("b", 800, 0);

    assertThat(cache.record("c", 900, 100)).isEqualTo(FULL);
    assertThat(cache.millisUntilRoom(100)).isEqualTo(400);
    assertThat(cache.record("c", 900, 500)).isEqualTo(FIRST);
  }

  @Test
  void aForgottenIdMayComeAgain() {
    ReplayCache cache = new ReplayCache(10);
    cache.record("a", 1_000, 0);
    cache.forget("a");

    assertThat(cache.record("a", 1_000, 10)).isEqualTo(FIRST);
    assertThat(cache.record("a", 1_000, 20)).isEqualTo(REPLAY);
  }
}
