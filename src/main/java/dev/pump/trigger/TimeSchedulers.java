package dev.pump.trigger;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Wakes the time triggers of one application: one {@code TimeScheduler} per event loop, each with a
 * single Vert.x timer for all the time triggers on its loop, and one clock watch for the whole
 * application. A trigger never owns a timer: it hands its next wake-up instant to the scheduler of
 * the event loop it runs on, and nothing wakes it before then.
 *
 * <p>The watch compares the application's clock with the monotonic clock once a second. When they
 * drift apart (NTP stepped the clock, a test moved an injected clock, a VM was suspended), every
 * scheduler fires what the clock now says is due and re-arms its timer for the rest: slots are
 * never fired early, never twice, and those a forward step jumped over are handled by each
 * trigger's catch-up policy.
 */
public final class TimeSchedulers {

  private static final Logger LOG = LoggerFactory.getLogger(TimeSchedulers.class);

  /** How often the clock is compared with the monotonic clock. */
  static final Duration WATCH_PERIOD = Duration.ofSeconds(1);
  /** A drift between the two clocks beyond this re-arms the timers; smaller ones (NTP slewing) wait. */
  static final long MOVED_NANOS = Duration.ofMillis(10).toNanos();
  /** A drift beyond this within one watch period is logged as a step. */
  private static final long STEP_NANOS = Duration.ofSeconds(1).toNanos();

  private final Vertx vertx;
  private final InstantSource clock;
  private final Map<Thread, TimeScheduler> byThread = new ConcurrentHashMap<>();
  private volatile String watchDeployment;

  /**
   * @param vertx where the timers run
   * @param clock the clock every time decision is taken from
   */
  public TimeSchedulers(Vertx vertx, InstantSource clock) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  Vertx vertx() {
    return vertx;
  }

  InstantSource clock() {
    return clock;
  }

  /** @return the scheduler of the calling event-loop thread, created on first use */
  TimeScheduler current() {
    Thread thread = Thread.currentThread();
    return byThread.computeIfAbsent(thread, t -> new TimeScheduler(this, t));
  }

  /**
   * Fires, on every event loop, the slots that are due by the clock now, as the timers would: what
   * db-scheduler's {@code ManualScheduler.runAnyDueExecutions()} does for its tests. For tests and
   * embedders that move an injected clock and do not want to wait for the clock watch.
   *
   * @return completes once every event loop has run its due slots
   */
  public Future<Void> runDue() {
    return onEveryLoop(TimeScheduler::runDue);
  }

  /** Starts the clock watch; {@link #stop()} ends it. */
  public Future<Void> start() {
    return vertx.deployVerticle(new ClockWatch()).map(id -> {
      watchDeployment = id;
      return null;
    });
  }

  /** Ends the clock watch and cancels every scheduler's timer. */
  public Future<Void> stop() {
    String id = watchDeployment;
    watchDeployment = null;
    Future<Void> undeployed = id == null ? Future.succeededFuture() : vertx.undeploy(id);
    return undeployed.compose(v -> onEveryLoop(TimeScheduler::cancelTimer));
  }

  private Future<Void> onEveryLoop(Consumer<TimeScheduler> action) {
    List<Future<Void>> done = new ArrayList<>();
    for (TimeScheduler scheduler : byThread.values()) {
      TimeTrigger member = scheduler.anyWaiting();
      if (member == null) {
        continue;
      }
      done.add(member.onContext(() -> action.accept(scheduler)));
    }
    return Future.all(done).mapEmpty();
  }

  /** @return nanoseconds since the epoch, saturated at the ends of {@code long} (years 1677 and 2262) */
  static long epochNanos(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds >= Long.MAX_VALUE / 1_000_000_000L) {
      return Long.MAX_VALUE;
    }
    if (seconds <= Long.MIN_VALUE / 1_000_000_000L + 1) {
      return Long.MIN_VALUE + 1; // above TimeScheduler.NOT_WAITING
    }
    return seconds * 1_000_000_000L + instant.getNano();
  }

  /** Notices the application's clock moving against the monotonic clock, once a second. */
  private final class ClockWatch extends VerticleBase {
    private long offset;
    private long timerId = -1;

    @Override
    public Future<?> start() {
      offset = offsetNow();
      timerId = vertx.setPeriodic(WATCH_PERIOD.toMillis(), id -> check());
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      vertx.cancelTimer(timerId);
      return Future.succeededFuture();
    }

    private long offsetNow() {
      return epochNanos(clock.instant()) - System.nanoTime();
    }

    private void check() {
      long now = offsetNow();
      long moved = now - offset;
      if (Math.abs(moved) < MOVED_NANOS) {
        return;
      }
      offset = now;
      if (Math.abs(moved) >= STEP_NANOS) {
        LOG.info("The clock moved by {} against the monotonic clock: re-arming time triggers",
          Duration.ofNanos(moved));
      }
      onEveryLoop(TimeScheduler::clockMoved);
    }
  }
}
