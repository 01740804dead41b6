package dev.pump.http;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The liveness check of {@code GET /health/live}: a no-op task is handed to every Vert.x event loop, and the
 * check is UP when each has run it within the deadline. It reads nothing of pipelines, sinks or the cluster,
 * so backpressure or a downstream outage never makes it DOWN; only a process whose event loops no longer
 * turn (blocked, dead-locked) does, which a restart can fix.
 *
 * <p>Vert.x's public API does not list its event loops, so the check finds them when it is created: it
 * deploys small probe verticles, a batch at a time, and each one's context runs on the loop Vert.x gave it
 * (round robin); once a batch lands on no loop not seen before, every loop has a probe, and the check hands its
 * task to one probe context per loop.
 *
 * <p>{@code data}: {@code eventLoops} (how many there are) and, when DOWN, {@code answered} (how many ran the
 * task in time) and {@code deadlineMs}.
 */
final class EventLoopsCheck {

  static final String NAME = "eventLoops";
  /** Far above the microseconds a turning loop needs, below Kubernetes' default probe timeout (1 s). */
  static final Duration DEFAULT_DEADLINE = Duration.ofMillis(800);
  /** Probes deployed at a time while looking for loops. */
  private static final int PROBE_BATCH = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;

  private EventLoopsCheck() {
  }

  /**
   * Starts looking for the event loops at once, while they turn.
   *
   * @param deadline how long every loop has to run the task; the timer runs on the caller's context (the
   *     HTTP request's loop, which is turning since it asked)
   */
  static Handler<Promise<Status>> procedure(Vertx vertx, Duration deadline) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be > 0, got " + deadline);
    }
    Future<List<Context>> loops = new Probes(vertx).find();
    return promise -> {
      AtomicInteger answered = new AtomicInteger();
      AtomicInteger count = new AtomicInteger(-1);
      long timer = vertx.setTimer(deadline.toMillis(), t -> promise.tryComplete(Status.KO(new JsonObject()
        .put("eventLoops", count.get() < 0 ? null : count.get()).put("answered", answered.get())
        .put("deadlineMs", deadline.toMillis()))));
      loops.onSuccess(contexts -> {
        count.set(contexts.size());
        for (Context loop : contexts) {
          loop.runOnContext(v -> {
            if (answered.incrementAndGet() == contexts.size() && promise.tryComplete(
              Status.OK(new JsonObject().put("eventLoops", contexts.size())))) {
              vertx.cancelTimer(timer);
            }
          });
        }
      });
    };
  }

  /** Finds one context per event loop by deploying probes until a batch finds no new loop. */
  private static final class Probes {
    private final Vertx vertx;
    private final Map<Thread, Context> byLoop = new ConcurrentHashMap<>();

    Probes(Vertx vertx) {
      this.vertx = vertx;
    }

    Future<List<Context>> find() {
      int known = byLoop.size();
      return vertx.deployVerticle(Probe::new, new DeploymentOptions().setInstances(PROBE_BATCH))
        .compose(id -> byLoop.size() > known ? find() : Future.succeededFuture(List.copyOf(byLoop.values())));
    }

    /** Does nothing but note the loop its context runs on. */
    private final class Probe extends VerticleBase {
      @Override
      public Future<?> start() {
        byLoop.putIfAbsent(Thread.currentThread(), context);
        return Future.succeededFuture();
      }
    }
  }
}
