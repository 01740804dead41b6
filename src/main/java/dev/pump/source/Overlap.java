package dev.pump.source;

import dev.pump.rules.Spellings;

/**
 * What a source does with a fire that arrives while it cannot start a cycle (one is running, or
 * the pipeline is not ready).
 *
 * @param policy the policy
 * @param limit {@link Policy#QUEUE}: most fires waiting; {@link Policy#CONCURRENT}: most cycles at
 *     once; ignored otherwise
 */
public record Overlap(Policy policy, int limit) {

  /** The policies. */
  public enum Policy {
    /** One pending cycle; later fires replace its event and are counted as merged. The default. */
    MERGE,
    /** Fires during a running cycle are dropped and counted; while not ready, one waits (merged). */
    SKIP,
    /** Fires wait in order, at most {@code limit}; beyond it they are dropped and counted. */
    QUEUE,
    /** Up to {@code limit} cycles at once; beyond it, fires merge into one pending cycle. */
    CONCURRENT
  }

  /** The default: merge. */
  public static final Overlap MERGE = new Overlap(Policy.MERGE, 1);
  public static final Overlap SKIP = new Overlap(Policy.SKIP, 1);

  public Overlap {
    if (policy == null) {
      throw new NullPointerException("policy");
    }
    if (limit < 1) {
      throw new IllegalArgumentException(Spellings.of(policy) + " limit must be at least 1, got " + limit);
    }
  }

  /** Fires wait in order, at most {@code queueLimit} of them. */
  public static Overlap queue(int queueLimit) {
    return new Overlap(Policy.QUEUE, queueLimit);
  }

  /** Up to {@code maxConcurrent} cycles at once. */
  public static Overlap concurrent(int maxConcurrent) {
    return new Overlap(Policy.CONCURRENT, maxConcurrent);
  }

  /** @return how many cycles may run at once */
  int maxRunning() {
    return policy == Policy.CONCURRENT ? limit : 1;
  }

  @Override
  public String toString() {
    return switch (policy) {
      case MERGE, SKIP -> Spellings.of(policy);
      case QUEUE -> "queue(" + limit + ")";
      case CONCURRENT -> "concurrent(" + limit + ")";
    };
  }
}
