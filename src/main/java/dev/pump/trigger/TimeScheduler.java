package dev.pump.trigger;

import io.vertx.core.Timer;
import io.vertx.core.Vertx;

import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The time triggers of one event loop and the one Vert.x timer that wakes them. Triggers wait in
 * buckets keyed by the instant they are due (slot plus jitter and spread, as epoch nanoseconds);
 * triggers sharing a schedule and a slot share a bucket, so a slot shared by 10 000 triggers is one
 * timer expiry and one loop. A pass fires everything due, and only then computes each next slot,
 * once per schedule (see {@link #nextSlot}).
 *
 * <p>Confined to its event-loop thread: every method runs there, called from a trigger's context on
 * this loop. A trigger's own slot logic lives in {@link SlotPolicy}; this class only wakes it.
 */
final class TimeScheduler {

  /** {@link #wakeAtNanos} of a trigger that is not waiting. */
  static final long NOT_WAITING = Long.MIN_VALUE;

  private final TimeSchedulers owner;
  private final Thread thread;
  private final TreeMap<Long, List<TimeTrigger>> buckets = new TreeMap<>();
  /** The last question asked of each shared schedule: triggers of a group all ask the same one. */
  private final Map<Object, NextSlot> lastNext = new IdentityHashMap<>();
  private Timer timer;
  private long timerAtNanos = Long.MAX_VALUE;
  private long lastBucketKey = NOT_WAITING;
  private List<TimeTrigger> lastBucket;
  private boolean inPass;
  private int members;

  TimeScheduler(TimeSchedulers owner, Thread thread) {
    this.owner = owner;
    this.thread = thread;
  }

  /** Puts {@code trigger} in the bucket of its {@link TimeTrigger#wakeAtNanos()} and re-arms if it is the earliest. */
  void schedule(TimeTrigger trigger) {
    assert Thread.currentThread() == thread;
    long key = trigger.wakeAtNanos();
    if (key == NOT_WAITING) {
      return;
    }
    List<TimeTrigger> bucket = key == lastBucketKey ? lastBucket : buckets.get(key);
    if (bucket == null) {
      bucket = new ArrayList<>(4);
      buckets.put(key, bucket);
    }
    bucket.add(trigger);
    lastBucketKey = key;
    lastBucket = bucket;
    if (!inPass && key < timerAtNanos) {
      armTimer();
    }
  }

  /**
   * The first slot after {@code after} of a schedule shared by several triggers, computed once per
   * question: the 10 000 triggers of a group ask the same one after firing the same slot, and
   * triggers starting at slightly different instants between the same two slots get the same answer.
   */
  Optional<Instant> nextSlot(Object schedule, Instant after, TimeTrigger asking) {
    NextSlot last = lastNext.get(schedule);
    // no slot lies between a question and its answer: any instant in [after, next) has the same next
    if (last != null && !after.isBefore(last.after()) && (last.next().isEmpty() || after.isBefore(last.next().get()))) {
      return last.next(); // the same Optional for the whole group: nothing allocated per trigger
    }
    Optional<Instant> next = asking.slotAfter(after);
    lastNext.put(schedule, new NextSlot(after, next));
    return next;
  }

  /**
   * Fires every trigger whose wake-up instant has come, by the application's clock, then re-arms the
   * timer for the earliest one left. A timer that woke early (the wall clock and the monotonic clock
   * disagree) fires nothing and is simply armed again.
   */
  void runDue() {
    assert Thread.currentThread() == thread;
    if (inPass) {
      return;
    }
    inPass = true;
    try {
      Instant now = owner.clock().instant();
      long nowNanos = TimeSchedulers.epochNanos(now);
      List<TimeTrigger> due = new ArrayList<>();
      while (!buckets.isEmpty() && buckets.firstKey() <= nowNanos) {
        Map.Entry<Long, List<TimeTrigger>> bucket = buckets.pollFirstEntry();
        long key = bucket.getKey();
        if (key == lastBucketKey) {
          lastBucketKey = NOT_WAITING;
          lastBucket = null;
        }
        for (TimeTrigger trigger : bucket.getValue()) {
          // a trigger stopped or moved since it was put here has another (or no) wake-up instant
          if (trigger.wakeAtNanos() == key) {
            trigger.leaveBucket();
            due.add(trigger);
          }
        }
      }
      if (!due.isEmpty()) {
        SlotClaims claims = new SlotClaims();
        for (TimeTrigger trigger : due) {
          trigger.fireDue(now, claims);
        }
        claims.submit();
        for (TimeTrigger trigger : due) {
          trigger.rearm();
        }
      }
    } finally {
      inPass = false;
    }
    armTimer();
  }

  /** Counts a started trigger; {@link #remove} uncounts it. */
  void join() {
    members++;
  }

  /**
   * Forgets {@code trigger}: its bucket entry no longer matches its key and is dropped when it comes
   * due. When the last trigger leaves, the buckets are dropped and the timer cancelled at once.
   */
  void remove(TimeTrigger trigger) {
    trigger.leaveBucket();
    if (--members <= 0) {
      members = 0;
      buckets.clear();
      lastNext.clear();
      lastBucketKey = NOT_WAITING;
      lastBucket = null;
      cancelTimer();
    }
  }

  /** Arms the one timer for the earliest bucket, or keeps it if it is already armed for that. */
  void armTimer() {
    if (buckets.isEmpty()) {
      cancelTimer();
      return;
    }
    long head = buckets.firstKey();
    if (timer != null && head == timerAtNanos) {
      return;
    }
    cancelTimer();
    long delay = Math.max(1, head - TimeSchedulers.epochNanos(owner.clock().instant()));
    Vertx vertx = owner.vertx();
    Timer armed = vertx.timer(delay, TimeUnit.NANOSECONDS);
    timer = armed;
    timerAtNanos = head;
    armed.onSuccess(v -> {
      if (timer == armed) {
        timer = null;
        timerAtNanos = Long.MAX_VALUE;
        runDue();
      }
    });
  }

  /** The wall clock moved against the monotonic one: the timer's delay is wrong, fire what is due now. */
  void clockMoved() {
    cancelTimer();
    runDue();
  }

  void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
      timerAtNanos = Long.MAX_VALUE;
    }
  }

  /** @return a trigger waiting here, whose context runs tasks on this loop; null when none waits */
  TimeTrigger anyWaiting() {
    for (Map.Entry<Long, List<TimeTrigger>> bucket : buckets.entrySet()) {
      for (TimeTrigger trigger : bucket.getValue()) {
        if (trigger.wakeAtNanos() == bucket.getKey()) {
          return trigger;
        }
      }
    }
    return null;
  }

  /** A question asked of a shared schedule and its answer. */
  private record NextSlot(Instant after, Optional<Instant> next) {
  }
}
