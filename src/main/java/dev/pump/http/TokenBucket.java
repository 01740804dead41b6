package dev.pump.http;

import dev.pump.trigger.WebhookTrigger.RateLimit;

/**
 * A token bucket of {@link RateLimit#burst()} tokens, refilled at {@link RateLimit#perSecond()}; one
 * token per request. Time is passed in (nanoseconds of a monotonic clock), so tests need no sleep.
 */
final class TokenBucket {

  private final double capacity;
  private final double tokensPerNano;
  // guarded by this
  private double tokens;
  private long lastNanos;

  TokenBucket(RateLimit limit, long nowNanos) {
    this.capacity = limit.burst();
    this.tokensPerNano = limit.perSecond() / 1e9;
    this.tokens = capacity;
    this.lastNanos = nowNanos;
  }

  /**
   * Takes a token if there is one.
   *
   * @return 0 when the request may go on, otherwise how many nanoseconds until a token is there
   */
  synchronized long tryTake(long nowNanos) {
    if (nowNanos > lastNanos) {
      tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * tokensPerNano);
      lastNanos = nowNanos;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerNano));
  }
}
