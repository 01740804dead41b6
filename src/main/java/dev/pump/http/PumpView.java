package dev.pump.http;

import dev.pump.journal.FireJournal;
import dev.pump.pipeline.Pipeline;
import dev.pump.trigger.Trigger;
import io.vertx.core.json.JsonArray;

import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * What the HTTP layer may see of the application: triggers and pipelines to read and act on.
 * {@code dev.pump.PumpApplication} implements it.
 */
public interface PumpView {

  List<Trigger> triggers();

  Optional<Trigger> trigger(String id);

  List<Pipeline> pipelines();

  Optional<Pipeline> pipeline(String id);

  /**
   * @return how {@code trigger} fires, in words, for people: {@code every 5 minutes, Monday to Friday},
   *     {@code on each POST /webhooks/deploy}
   */
  String describe(Trigger trigger);

  /** @return the snapshots of the sources feeding pipeline {@code pipelineId} */
  JsonArray sourcesOf(String pipelineId);

  String nodeId();

  InstantSource clock();

  /**
   * @return true from the moment the application begins to shut down: the HTTP layer then refuses
   *     new fires (webhooks, manual fires) with 503 and {@code Retry-After} instead of accepting
   *     what could no longer run
   */
  default boolean isClosing() {
    return false;
  }

  /** @return whether the application keeps a fire journal (opened when it starts) */
  default boolean keepsFireJournal() {
    return false;
  }

  /** @return the fire journal of accepted fires, when the application keeps one and has started */
  default Optional<FireJournal> fireJournal() {
    return Optional.empty();
  }
}
