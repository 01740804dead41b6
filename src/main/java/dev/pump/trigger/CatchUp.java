package dev.pump.trigger;

/**
 * What a time trigger does with slots that passed while it could not fire them: while the
 * application was down, while the trigger was paused, or when it woke up late (a stall, a clock
 * stepped forwards).
 */
public enum CatchUp {
  /**
   * Missed slots are dropped and counted. A trigger that wakes up late still fires the most recent
   * due slot once; slots before a restart or during a pause are not fired. The default.
   */
  NONE,
  /** One fire for the most recent missed slot, also after a restart or a pause. */
  LATEST,
  /** Every missed slot, oldest first, at most {@code catchUpLimit} of them (the most recent). */
  ALL
}
