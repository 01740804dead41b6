package dev.pump.http;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The delivery ids of one webhook received within the tolerance, so that a replayed delivery is
 * refused. Each id is kept until its own timestamp plus the tolerance, when the timestamp check
 * refuses it anyway; so the cache never holds more than the deliveries of two tolerances, and at
 * most {@code maxEntries}.
 */
final class ReplayCache {

  /** The answer to {@link #record}. */
  enum Outcome { FIRST, REPLAY, FULL }

  private record Entry(String id, long expiresAtMillis) {
  }

  private final int maxEntries;
  // guarded by this
  private final Map<String, Long> expiries = new HashMap<>();
  private final PriorityQueue<Entry> byExpiry =
    new PriorityQueue<>((a, b) -> Long.compare(a.expiresAtMillis, b.expiresAtMillis));

  ReplayCache(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
    }
    this.maxEntries = maxEntries;
  }

  /**
   * Records {@code id} until {@code expiresAtMillis}, unless it is there already or the cache is full.
   */
  synchronized Outcome record(String id, long expiresAtMillis, long nowMillis) {
    purge(nowMillis);
    if (expiries.containsKey(id)) {
      return Outcome.REPLAY;
    }
    if (expiries.size() >= maxEntries) {
      return Outcome.FULL;
    }
    expiries.put(id, expiresAtMillis);
    byExpiry.add(new Entry(id, expiresAtMillis));
    return Outcome.FIRST;
  }

  /** Forgets {@code id}: its delivery was recorded but not fired (the trigger is paused), so it may come again. */
  synchronized void forget(String id) {
    expiries.remove(id);
    // its queue entry goes when it expires; purge skips entries no longer in the map
  }

  /** @return milliseconds until the earliest entry expires; 0 when empty */
  synchronized long millisUntilRoom(long nowMillis) {
    Entry first = byExpiry.peek();
    return first == null ? 0 : Math.max(0, first.expiresAtMillis - nowMillis);
  }

  synchronized int size() {
    return expiries.size();
  }

  private void purge(long nowMillis) {
    while (!byExpiry.isEmpty() && byExpiry.peek().expiresAtMillis <= nowMillis) {
      Entry gone = byExpiry.poll();
      expiries.remove(gone.id, gone.expiresAtMillis);
    }
  }
}
