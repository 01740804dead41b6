package dev.pump.pipeline;

import io.vertx.core.json.JsonObject;

/**
 * One step of a {@link Pipeline}: takes an event, returns the event to pass on, or {@code null} to
 * drop it. Runs on the thread that calls {@link Pipeline#process(JsonObject)} (a source's worker
 * thread), so it may block briefly.
 */
@FunctionalInterface
public interface Processor {

  /**
   * @return the event for the next step, or {@code null} to drop the event
   * @throws Exception rejects this one event (counted, logged in one line; the pipeline goes on);
   *     with {@link Pipeline.BadEvents#STOP} puts the pipeline into the error state instead, and
   *     counts a warning when the pipeline declares the exception recoverable
   */
  JsonObject process(JsonObject event) throws Exception;
}
