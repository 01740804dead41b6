package dev.pump.http;

import dev.pump.trigger.WebhookTrigger.RateLimit;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token bucket behind a webhook's rate limit, on a clock the test moves. */
class TokenBucketTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void illegalLimitsAreRefused() {
    assertThatThrownBy(() -> new RateLimit(0, Duration.ofSeconds(1), 1)).hasMessageContaining("at least 1, got 0");
    assertThatThrownBy(() -> new RateLimit(1, Duration.ZERO, 1)).hasMessageContaining("must be positive");
    assertThatThrownBy(() -> new RateLimit(1, Duration.ofSeconds(1), 0)).hasMessageContaining("burst");
  }

  @Test
  void aFullBucketLetsABurstThroughThenRefusesWithTheWait() {
    TokenBucket bucket = new TokenBucket(new RateLimit(10, Duration.ofSeconds(1), 5), 0);

    for (int i = 0; i < 5; i++) {
      assertThat(bucket.tryTake(0)).as("request %d of the burst", i).isZero();
    }
    assertThat(bucket.tryTake(0)).isEqualTo(SECOND / 10);
  }

  @Test
  void tokensComeBackAtTheRateAndNeverBeyondTheBurst() {
    TokenBucket bucket = new TokenBucket(new RateLimit(2, Duration.ofSeconds(1), 2), 0);
    bucket.tryTake(0);
    bucket.tryTake(0);

    assertThat(bucket.tryTake(SECOND / 2)).isZero();
    assertThat(bucket.tryTake(SECOND / 2)).isEqualTo(SECOND / 2);
    // an hour of quiet refills only up to the burst
    long later = 3600 * SECOND;
    assertThat(bucket.tryTake(later)).isZero();
    assertThat(bucket.tryTake(later)).isZero();
    assertThat(bucket.tryTake(later)).isPositive();
  }

  @Test
  void aSlowRateGivesALongWait() {
    TokenBucket bucket = new TokenBucket(new RateLimit(1, Duration.ofMinutes(1), 1), 0);
    bucket.tryTake(0);

    assertThat(bucket.tryTake(0)).isEqualTo(60 * SECOND);
  }
}
