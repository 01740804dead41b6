package dev.pump.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * The last step of a {@link Pipeline}: where events leave it (a file, the log, the event bus, an
 * HTTP endpoint).
 *
 * <p>{@link #write(JsonObject)} is called from a source's worker thread, which may wait on the
 * returned future: a sink that does asynchronous I/O must complete it on a context of its own,
 * never on the caller's. When the pipeline retries an event the sink failed to write, it calls
 * {@code write} again from a timer thread.
 */
@FunctionalInterface
public interface Sink {

  /**
   * @return completes once the event is written (or handed on); fails with a
   *     {@link BadEventException} when only this event cannot be written, with anything else when
   *     the sink itself is failing (the pipeline then retries the event with backoff)
   */
  Future<Void> write(JsonObject event);

  /**
   * @return the problem the sink is retrying through on its own right now (its endpoint is down),
   *     shown as the pipeline not being ready; empty when the sink is healthy
   */
  default Optional<String> trouble() {
    return Optional.empty();
  }

  /**
   * Registers {@code listener}, called whenever {@link #trouble()} changes; a sink that never has
   * trouble may ignore it. The pipeline registers itself once.
   */
  default void onTroubleChange(Runnable listener) {
  }

  /** Flushes and releases what the sink holds; called once when the application closes. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
