package dev.pump.trigger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What is due, what is missed and what catch-up fires, for one time trigger: plain state with no
 * Vert.x and no clock of its own. Every decision takes "now" from the caller, so tests drive it
 * with any instant they like; {@link TimeTrigger} feeds it the injected clock when its scheduler
 * wakes it.
 *
 * <p>The cursor is the last handled instant: the armed slot is always the first slot after it,
 * never "now plus an interval", so lateness does not accumulate. Not thread-safe: a trigger uses
 * it from its own event loop only (the counters may be read from anywhere).
 */
final class SlotPolicy {

  /** Most slots scanned forwards in one go; beyond it, the recent slots are found from "now". */
  static final int MAX_SCAN = 2_000;

  /** What a wake-up decided: slots to fire now (oldest first) and slots skipped because paused. */
  record Due(List<Instant> toFire, List<Instant> skippedWhilePaused) {
    static final Due NOTHING = new Due(List.of(), List.of());
  }

  private final Function<Instant, Optional<Instant>> slotAfter;
  private final Duration minimumGap;
  private final CatchUp catchUp;
  private final int catchUpLimit;
  private final Duration startingDeadline;

  private Instant cursor;
  private Instant armed;
  private final Deque<Instant> skippedWhilePaused = new ArrayDeque<>();
  private final AtomicLong missed = new AtomicLong();
  private final AtomicLong caughtUp = new AtomicLong();

  /**
   * @param slotAfter the first slot strictly after an instant, empty when the schedule ends
   * @param minimumGap no two slots are closer than this (zero if unknown): a wake-up less than this
   *     after the armed slot knows it is the only due one without asking the schedule
   * @param catchUp what happens to slots that passed while the trigger could not fire
   * @param catchUpLimit with {@link CatchUp#ALL}: at most this many missed slots fire
   * @param startingDeadline slots older than this are dropped; {@code null} for none
   */
  SlotPolicy(Function<Instant, Optional<Instant>> slotAfter, Duration minimumGap, CatchUp catchUp, int catchUpLimit,
             Duration startingDeadline) {
    this.slotAfter = Objects.requireNonNull(slotAfter, "slotAfter");
    this.minimumGap = Objects.requireNonNull(minimumGap, "minimumGap");
    this.catchUp = Objects.requireNonNull(catchUp, "catchUp");
    this.catchUpLimit = catchUpLimit;
    this.startingDeadline = startingDeadline;
  }

  /** Starts counting slots from {@code now}: the first armed slot is the first one after it. */
  void start(Instant now) {
    cursor = now;
  }

  /** @return the slot waited for, or {@code null} when none (not armed yet, or the schedule ended) */
  Instant armed() {
    return armed;
  }

  /** Computes the next slot after the cursor; call after firing what {@link #due} returned. */
  Instant arm() {
    armed = slotAfter.apply(cursor).orElse(null);
    return armed;
  }

  long missed() {
    return missed.get();
  }

  long caughtUp() {
    return caughtUp.get();
  }

  /**
   * Decides what fires at {@code now}; the caller has checked that the armed slot (plus its delay)
   * is not in the future. Moves the cursor past every slot up to {@code now}.
   */
  Due due(Instant now, boolean paused) {
    if (armed == null || now.isBefore(armed)) {
      return Due.NOTHING;
    }
    if (!paused && startingDeadline == null && now.isBefore(armed.plus(minimumGap))) {
      // the usual wake-up: one slot, nothing to scan, nothing to drop
      cursor = armed;
      List<Instant> one = List.of(armed);
      armed = null;
      return new Due(one, List.of());
    }
    List<Instant> due;
    if (now.isBefore(armed.plus(minimumGap))) {
      due = withinDeadline(new ArrayList<>(List.of(armed)), now); // one slot, nothing to scan
    } else {
      due = dueSlots(armed, now);
    }
    cursor = due.isEmpty() ? now : due.get(due.size() - 1);
    armed = null;
    if (paused) {
      due.forEach(this::rememberSkipped);
      return new Due(List.of(), due);
    }
    int keep = catchUp == CatchUp.ALL ? catchUpLimit : 1;
    List<Instant> toFire = due.subList(Math.max(0, due.size() - keep), due.size());
    missed.addAndGet(due.size() - toFire.size());
    caughtUp.addAndGet(Math.max(0, toFire.size() - 1));
    return new Due(List.copyOf(toFire), List.of());
  }

  /**
   * On start: the slots between the last fired one (on any node) and {@code now}, per the policy.
   *
   * @return slots to fire, oldest first
   */
  List<Instant> catchUpAfter(Instant lastFired, Instant now) {
    cursor = now;
    if (catchUp == CatchUp.NONE || !lastFired.isBefore(now)) {
      return List.of();
    }
    List<Instant> slots = recentSlots(lastFired, now, catchUp == CatchUp.ALL ? catchUpLimit : 1);
    caughtUp.addAndGet(slots.size());
    return slots;
  }

  /**
   * On resume: the slots skipped while paused, per the policy.
   *
   * @return slots to fire, oldest first
   */
  List<Instant> resume(Instant now) {
    List<Instant> skipped = withinDeadline(new ArrayList<>(skippedWhilePaused), now);
    skippedWhilePaused.clear();
    if (catchUp == CatchUp.NONE || skipped.isEmpty()) {
      return List.of();
    }
    List<Instant> toFire = catchUp == CatchUp.LATEST ? skipped.subList(skipped.size() - 1, skipped.size()) : skipped;
    caughtUp.addAndGet(toFire.size());
    return List.copyOf(toFire);
  }

  private void rememberSkipped(Instant slot) {
    skippedWhilePaused.addLast(slot);
    if (skippedWhilePaused.size() > catchUpLimit) {
      skippedWhilePaused.removeFirst();
    }
  }

  /** Slots in [first, now], first known to be due, within the starting deadline. */
  private List<Instant> dueSlots(Instant first, Instant now) {
    List<Instant> due = new ArrayList<>();
    Instant slot = first;
    while (slot != null && !slot.isAfter(now)) {
      due.add(slot);
      if (due.size() > MAX_SCAN) {
        missed.addAndGet(due.size());
        return recentSlots(slot, now, catchUp == CatchUp.ALL ? catchUpLimit : 1);
      }
      slot = slotAfter.apply(slot).orElse(null);
    }
    return withinDeadline(due, now);
  }

  private List<Instant> withinDeadline(List<Instant> slots, Instant now) {
    if (startingDeadline == null) {
      return slots;
    }
    Instant oldest = now.minus(startingDeadline);
    List<Instant> kept = new ArrayList<>(slots.size());
    for (Instant slot : slots) {
      if (!slot.isBefore(oldest)) {
        kept.add(slot);
      }
    }
    missed.addAndGet(slots.size() - kept.size());
    return kept;
  }

  /**
   * The most recent (at most {@code count}) slots in (after, now], oldest first, found by scanning
   * windows that double backwards from now, so a week of per-second slots costs a few scans.
   */
  private List<Instant> recentSlots(Instant after, Instant now, int count) {
    Instant lower = after;
    if (startingDeadline != null && now.minus(startingDeadline).isAfter(lower)) {
      lower = now.minus(startingDeadline).minusNanos(1);
    }
    Duration window = Duration.ofSeconds(1);
    while (true) {
      Instant from = now.minus(window);
      boolean reachedLower = !from.isAfter(lower);
      Deque<Instant> found = new ArrayDeque<>();
      for (Optional<Instant> s = slotAfter.apply(reachedLower ? lower : from);
           s.isPresent() && !s.get().isAfter(now); s = slotAfter.apply(s.get())) {
        found.addLast(s.get());
        if (found.size() > count) {
          found.removeFirst();
        }
      }
      if (found.size() >= count || reachedLower) {
        return new ArrayList<>(found);
      }
      window = window.multipliedBy(2);
    }
  }
}
