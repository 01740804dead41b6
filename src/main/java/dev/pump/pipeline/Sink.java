package dev.pump.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The last step of a {@link Pipeline}: where events leave it (a file, the log, the event bus, an
 * HTTP endpoint).
 *
 * <p>{@link #write(JsonObject)} is called from a source's worker thread, which may wait on the
 * returned future: a sink that does asynchronous I/O must complete it on a context of its own,
 * never on the caller's.
 */
@FunctionalInterface
public interface Sink {

  /** @return completes once the event is written (or handed on) */
  Future<Void> write(JsonObject event);

  /** Flushes and releases what the sink holds; called once when the application closes. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
