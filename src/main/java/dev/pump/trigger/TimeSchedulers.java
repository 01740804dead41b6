package dev.pump.trigger;

import io.vertx.core.Future;
import io.vertx.core.Timer;
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
import java.util.concurrent.TimeUnit;
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
  private ClockWatch watch; // guarded by this

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
  public synchronized void start() {
    if (watch == null) {
      watch = new ClockWatch();
      watch.next();
    }
  }

  /** Ends the clock watch and cancels every scheduler's timer. */
  public Future<Void> stop() {
    synchronized (this) {
      if (watch != null) {
        watch.stop();
        watch = null;
      }
    }
    return onEveryLoop(TimeScheduler::cancelTimer);
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

  /**
   * Notices the application's clock moving against the monotonic clock, once a second. A chain of
   * one-shot timers rather than a deployment or a periodic timer: it belongs to the application, not
   * to the verticle (if any) that happened to call {@code start()}, whose undeploy would cancel it.
   */
  private final class ClockWatch {
    private long offset = offsetNow();
    private Timer timer;
    private boolean stopped;

    synchronized void next() {
      if (stopped) {
        return;
      }
      timer = vertx.timer(WATCH_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
      timer.onSuccess(v -> {
        check();
        next();
      });
    }

    synchronized void stop() {
      stopped = true;
      if (timer != null) {
        timer.cancel();
      }
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
