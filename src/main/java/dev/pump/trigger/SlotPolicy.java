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
 * <p>{@link ScheduleBounds} shape the slots: none before {@code startAt}, none after {@code endAt}, at most
 * {@code maxFires} fired, and slots an exclusion matches are skipped and counted. The schedule has
 * ended when no slot is left ({@link #ended()} says why).
 *
 * <p>The cursor is the last handled instant: the armed slot is always the first slot after it,
 * never "now plus an interval", so lateness does not accumulate. Not thread-safe: a trigger uses
 * it from its own event loop only (the counters may be read from anywhere).
 */
final class SlotPolicy {

  /** Most slots scanned forwards in one go; beyond it, the recent slots are found from "now". */
  static final int MAX_SCAN = 2_000;
  /** Most excluded slots in a row looked at before the schedule is taken to have no slot left. */
  static final int MAX_EXCLUDED_RUN = 100_000;

  /** What a wake-up decided: slots to fire now (oldest first) and slots skipped because paused. */
  record Due(List<Instant> toFire, List<Instant> skippedWhilePaused) {
    static final Due NOTHING = new Due(List.of(), List.of());
  }

  private final Function<Instant, Optional<Instant>> slotAfter;
  private final Duration minimumGap;
  private final CatchUp catchUp;
  private final int catchUpLimit;
  private final Duration startingDeadline;
  private final ScheduleBounds bounds;

  // The cursor and the armed slot as primitives, written on every fire: an Instant stored into this
  // long-lived object would cost G1 a card to refine per fire (measured at 10 000 triggers per slot).
  private static final long NONE = Long.MIN_VALUE;
  private long cursorSecond = NONE;
  private int cursorNano;
  private long armedSecond = NONE;
  private int armedNano;
  private final Deque<Instant> skippedWhilePaused = new ArrayDeque<>();
  private final AtomicLong missed = new AtomicLong();
  private final AtomicLong caughtUp = new AtomicLong();
  private final AtomicLong excluded = new AtomicLong();
  private final AtomicLong fired = new AtomicLong();
  /** Excluded slots between the cursor and the armed slot, counted once the armed slot is due. */
  private long excludedBeforeArmed;
  /** Why the last slot search found nothing, when bounds stopped it. */
  private String stoppedBecause;
  private volatile String ended;

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
    this(slotAfter, minimumGap, catchUp, catchUpLimit, startingDeadline, ScheduleBounds.NONE);
  }

  /** As above, with the slots shaped by {@code bounds}. */
  SlotPolicy(Function<Instant, Optional<Instant>> slotAfter, Duration minimumGap, CatchUp catchUp, int catchUpLimit,
             Duration startingDeadline, ScheduleBounds bounds) {
    this.bounds = Objects.requireNonNull(bounds, "bounds");
    this.slotAfter = Objects.requireNonNull(slotAfter, "slotAfter");
    this.minimumGap = Objects.requireNonNull(minimumGap, "minimumGap");
    this.catchUp = Objects.requireNonNull(catchUp, "catchUp");
    this.catchUpLimit = catchUpLimit;
    this.startingDeadline = startingDeadline;
  }

  /** Starts counting slots from {@code now}: the first armed slot is the first one after it. */
  void start(Instant now) {
    setCursor(now);
  }

  /** @return the slot waited for, or {@code null} when none (not armed yet, or the schedule ended) */
  Instant armed() {
    return armedSecond == NONE ? null : Instant.ofEpochSecond(armedSecond, armedNano);
  }

  private void setArmed(Instant slot) {
    armedSecond = slot == null ? NONE : slot.getEpochSecond();
    armedNano = slot == null ? 0 : slot.getNano();
  }

  private Instant cursor() {
    return Instant.ofEpochSecond(cursorSecond, cursorNano);
  }

  private void setCursor(Instant at) {
    cursorSecond = at.getEpochSecond();
    cursorNano = at.getNano();
  }

  /** Computes the next slot after the cursor; call after firing what {@link #due} returned. */
  Instant arm() {
    excludedBeforeArmed = 0;
    if (ended != null) {
      setArmed(null);
      return null;
    }
    stoppedBecause = null;
    Instant next = nextSlot(cursor(), Instant.MAX);
    setArmed(next);
    if (next == null && stoppedBecause != null) {
      ended = stoppedBecause;
    }
    return next;
  }

  /** @return why the schedule has no slot left (end reached, fires used up), or {@code null} while it runs */
  String ended() {
    return ended;
  }

  /** @return slots an exclusion kept from firing, counted once their time has passed */
  long excluded() {
    return excluded.get();
  }

  /** @return slots handed out to fire (due, caught up, fired at start), what {@code maxFires} counts */
  long fired() {
    return fired.get();
  }

  /**
   * Whether an extra fire at {@code now} (a periodic trigger's fire at start) is within the bounds;
   * if so it counts as a fire.
   */
  boolean admitsFireAt(Instant now) {
    if (ended != null || (bounds.startAt() != null && now.isBefore(bounds.startAt()))
        || (bounds.endAt() != null && now.isAfter(bounds.endAt()))) {
      return false;
    }
    if (bounds.exclusionOf(now) != null) {
      excluded.incrementAndGet();
      return false;
    }
    return !take(List.of(now)).isEmpty();
  }

  /**
   * The first slot after {@code after} within the bounds: not before {@code startAt}, not after
   * {@code endAt}, not excluded. Excluded slots passed on the way are counted when not after
   * {@code countUpTo} ({@code null}: not counted): {@link Instant#MAX} counts them for the armed slot.
   */
  private Instant nextSlot(Instant after, Instant countUpTo) {
    if (bounds.isNone()) {
      return slotAfter.apply(after).orElse(null);
    }
    Instant from = after;
    if (bounds.startAt() != null && from.isBefore(bounds.startAt())) {
      from = bounds.startAt().minusNanos(1);
    }
    for (int run = 1; run <= MAX_EXCLUDED_RUN; run++) {
      Instant slot = slotAfter.apply(from).orElse(null);
      if (slot == null) {
        return null;
      }
      if (bounds.endAt() != null && slot.isAfter(bounds.endAt())) {
        stoppedBecause = "endAt " + InstantText.of(bounds.endAt()) + " passed";
        return null;
      }
      SlotExclusion rule = bounds.exclusionOf(slot);
      if (rule == null) {
        return slot;
      }
      if (countUpTo == Instant.MAX) {
        excludedBeforeArmed++;
      } else if (countUpTo != null && !slot.isAfter(countUpTo)) {
        excluded.incrementAndGet();
      }
      // a long run inside an excluded date range skips to its end instead of visiting every slot
      Instant resume = rule.resumeAfter(slot);
      from = run >= MAX_SCAN && resume.isAfter(slot) ? resume.minusNanos(1) : slot;
    }
    stoppedBecause = "no slot outside the exclusions among the next " + MAX_EXCLUDED_RUN + " slots";
    return null;
  }

  /** Keeps what {@code maxFires} still allows of {@code slots} (oldest first) and counts them fired. */
  private List<Instant> take(List<Instant> slots) {
    if (bounds.maxFires() == 0) {
      fired.addAndGet(slots.size());
      return slots;
    }
    long left = bounds.maxFires() - fired.get();
    List<Instant> kept = slots.size() <= left ? slots : slots.subList(0, (int) Math.max(0, left));
    if (fired.addAndGet(kept.size()) >= bounds.maxFires()) {
      ended = "maxFires " + bounds.maxFires() + " reached";
    }
    return kept;
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
    Instant armed = armed();
    if (armed == null || now.isBefore(armed)) {
      return Due.NOTHING;
    }
    excluded.addAndGet(excludedBeforeArmed);
    excludedBeforeArmed = 0;
    boolean onlyArmedIsDue = now.isBefore(armed.plus(minimumGap));
    if (!paused && startingDeadline == null && onlyArmedIsDue) {
      // the usual wake-up: one slot, nothing to scan, nothing to drop
      setCursor(armed);
      List<Instant> one = take(List.of(armed));
      setArmed(null);
      return new Due(one, List.of());
    }
    List<Instant> due;
    if (onlyArmedIsDue) {
      due = withinDeadline(new ArrayList<>(List.of(armed)), now); // one slot, nothing to scan
    } else {
      due = dueSlots(armed, now);
    }
    setCursor(due.isEmpty() ? now : due.get(due.size() - 1));
    setArmed(null);
    if (paused) {
      due.forEach(this::rememberSkipped);
      return new Due(List.of(), due);
    }
    int keep = catchUp == CatchUp.ALL ? catchUpLimit : 1;
    List<Instant> toFire = due.subList(Math.max(0, due.size() - keep), due.size());
    missed.addAndGet(due.size() - toFire.size());
    toFire = take(toFire);
    caughtUp.addAndGet(Math.max(0, toFire.size() - 1));
    return new Due(List.copyOf(toFire), List.of());
  }

  /**
   * On start: the slots between the last fired one (on any node) and {@code now}, per the policy.
   *
   * @return slots to fire, oldest first
   */
  List<Instant> catchUpAfter(Instant lastFired, Instant now) {
    setCursor(now);
    if (catchUp == CatchUp.NONE || !lastFired.isBefore(now)) {
      return List.of();
    }
    List<Instant> slots = take(recentSlots(lastFired, now, catchUp == CatchUp.ALL ? catchUpLimit : 1));
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
    List<Instant> toFire = take(catchUp == CatchUp.LATEST ? skipped.subList(skipped.size() - 1, skipped.size()) : skipped);
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
      slot = nextSlot(slot, now);
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
      for (Instant s = nextSlot(reachedLower ? lower : from, null); s != null && !s.isAfter(now); s = nextSlot(s, null)) {
        found.addLast(s);
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
