package dev.pump.http;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The liveness check of {@code GET /health/live}: a no-op task is handed to every Vert.x event loop, and the
 * check is UP when each has run it within the deadline. It reads nothing of pipelines, sinks or the cluster,
 * so backpressure or a downstream outage never makes it DOWN; only a process whose event loops no longer
 * turn (blocked, dead-locked) does, which a restart can fix.
 *
 * <p>{@code data}: {@code eventLoops} (how many there are) and, when DOWN, {@code answered} (how many ran the
 * task in time) and {@code deadlineMs}.
 */
final class EventLoopsCheck {

  static final String NAME = "eventLoops";
  /** Far above the microseconds a turning loop needs, below Kubernetes' default probe timeout (1 s). */
  static final Duration DEFAULT_DEADLINE = Duration.ofMillis(800);

  private EventLoopsCheck() {
  }

  /**
   * @param deadline how long every loop has to run the task; the timer runs on the caller's context (the
   *     HTTP request's loop, which is turning since it asked)
   */
  static Handler<Promise<Status>> procedure(Vertx vertx, Duration deadline) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be > 0, got " + deadline);
    }
    return promise -> {
      List<EventExecutor> loops = new ArrayList<>();
      ((VertxInternal) vertx).nettyEventLoopGroup().forEach(loops::add);
      AtomicInteger answered = new AtomicInteger();
      long timer = vertx.setTimer(deadline.toMillis(), t -> promise.tryComplete(Status.KO(new JsonObject()
        .put("eventLoops", loops.size()).put("answered", answered.get()).put("deadlineMs", deadline.toMillis()))));
      for (EventExecutor loop : loops) {
        loop.execute(() -> {
          if (answered.incrementAndGet() == loops.size() && promise.tryComplete(
            Status.OK(new JsonObject().put("eventLoops", loops.size())))) {
            vertx.cancelTimer(timer);
          }
        });
      }
    };
  }
}
