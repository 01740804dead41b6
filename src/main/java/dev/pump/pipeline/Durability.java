package dev.pump.pipeline;

import java.util.Locale;

/**
 * Whether a fire accepted for a pipeline survives a crash: the {@code durability} of a pipeline
 * ({@link Pipeline#withDurability}), {@link #JOURNAL} by default.
 */
public enum Durability {
  /**
   * An accepted fire is held in memory until its cycle runs: a webhook or manual fire is answered
   * as soon as it is published, and {@code kill -9}, an OOM kill or a power cut loses every fire
   * accepted and not yet run. The fastest answer.
   */
  NONE,
  /**
   * An accepted fire (webhook, manual, pub/sub; not a time trigger's slot) is written to the
   * application's fire journal and forced to disk before it is published and answered; after a
   * crash, the fires accepted and not run run again at start, with their original firing ids.
   * Where the application has no journal (a library use without one), the same as {@link #NONE}.
   */
  JOURNAL;

  /** @return the name used in the configuration: {@code none} or {@code journal} */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
