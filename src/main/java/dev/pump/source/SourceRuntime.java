package dev.pump.source;

import dev.pump.journal.FireJournal;
import dev.pump.trigger.TriggerEvent;
import dev.pump.trigger.TriggerRuntime;

import java.time.Duration;

/**
 * What a source needs from the application it belongs to; {@code dev.pump.PumpApplication}
 * implements it.
 */
public interface SourceRuntime extends TriggerRuntime {

  /**
   * Registers a new source (and its pipeline) and gives it a default id such as {@code source-1}.
   * Called by the {@link TriggerSource} constructor.
   *
   * @return the id assigned to the source
   * @throws IllegalArgumentException when another pipeline with the same id is registered
   */
  String register(TriggerSource source);

  /**
   * Changes the id of a registered, not yet deployed source.
   *
   * @throws IllegalArgumentException when another source already has {@code newId}
   */
  void rename(TriggerSource source, String newId);

  /**
   * Called after every cycle, on the worker thread that ran it, for metrics and the firing log.
   *
   * @param event the fire the cycle ran for
   * @param took how long {@code cycle()} ran
   * @param failed whether it threw
   */
  default void cycleFinished(TriggerSource source, TriggerEvent event, Duration took, boolean failed) {
  }

  /**
   * @return whether fires reaching {@code source} may be in the fire journal, so that the source
   *     must say when it is done with each ({@link #fireDone}); asked once, when the source starts
   */
  default boolean journals(TriggerSource source) {
    return false;
  }

  /**
   * Called on the source's context when {@code source} is done with a fire that stands for no time
   * slot: its cycle ran (or failed), a later fire absorbed it and ran, or the overlap policy refused
   * it. The journal then no longer owes it to this source. A fire that reached the source after its
   * stop began is never done: it runs again after a restart.
   *
   * @param firing the fire's firing id
   */
  default void fireDone(TriggerSource source, String firing, FireJournal.Outcome outcome) {
  }
}
