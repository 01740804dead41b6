package dev.pump.trigger;

import dev.pump.trigger.CronSchedule.DstPolicy;
import dev.pump.trigger.CronSchedule.GapPolicy;
import dev.pump.trigger.CronSchedule.OverlapPolicy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * Wall-clock slots to instants in one zone, under one {@link DstPolicy}: a slot in a spring-forward gap shifts to
 * the gap's end or is skipped; a fixed slot in a fall-back overlap fires at its first occurrence or at both. The
 * rules are {@link CronSchedule}'s documentation.
 *
 * <p>The zone's offset periods (from one transition to the next) are walked in epoch seconds. The period of the
 * last answer is kept, so a call inside it, which is nearly every call, asks nothing of the zone's rules; a zone
 * with a fixed offset has one endless period. Thread-safe: the kept period is an immutable value.
 */
final class CronDstLayer {

  private static final long GIVE_UP_SECONDS = 400L * 366 * 86_400;

  private final CronFields fields;
  private final ZoneRules rules;
  private final GapPolicy gap;
  private final boolean firstOfOverlap;
  private volatile Period period;

  CronDstLayer(CronFields fields, ZoneId zone, DstPolicy dst) {
    this.fields = fields;
    this.rules = zone.getRules();
    this.gap = dst.gap();
    this.firstOfOverlap = fields.fixedTime() && dst.overlap() == OverlapPolicy.FIRST;
    this.period = rules.isFixedOffset() ? Period.fixed(rules.getOffset(Instant.EPOCH)) : Period.NOT_YET;
  }

  /**
   * @param epochSecond an instant, as seconds since the epoch; a fraction of a second after it makes no difference,
   *     because slots are whole seconds
   * @return the first fire strictly after it, in epoch seconds, or {@link CronFields#NONE}
   */
  long nextAfter(long epochSecond) {
    // With SKIP, a schedule whose every slot falls in a gap (02:30 on the last Sunday of March in Europe/Prague,
    // "30 2 ? 3 0L") would hop from transition to transition for ever: give up after 400 years, as the search does.
    long giveUpAfter = epochSecond > Long.MAX_VALUE - GIVE_UP_SECONDS ? Long.MAX_VALUE : epochSecond + GIVE_UP_SECONDS;
    long from = epochSecond;
    boolean includeFrom = false;
    while (true) {
      Period current = periodOf(from);
      long wall = from + current.offset;
      long searchAfter = includeFrom ? wall - 1 : wall;
      if (firstOfOverlap && wall < current.overlapEndWall) {
        // In the second copy of a fall-back overlap a fixed schedule has already fired: resume after the overlap.
        searchAfter = current.overlapEndWall - 1;
      }
      long slot = fields.nextSlotAfter(searchAfter);
      if (slot == CronFields.NONE) {
        return CronFields.NONE;
      }
      if (current.end == Long.MAX_VALUE || slot < current.end + current.offset) {
        long fire = slot - current.offset;
        return fire > Instant.MAX.getEpochSecond() || fire < Instant.MIN.getEpochSecond() ? CronFields.NONE : fire;
      }
      if (current.endIsGap && gap == GapPolicy.SHIFT && slot <= current.end + current.offsetAfterEnd) {
        return current.end; // the slot does not exist: first instant after the gap
      }
      // The slot lies in the next period, which starts at this instant; with SKIP, slots in the gap before it are
      // passed over because the search resumes at the wall-clock time after the gap.
      from = current.end;
      includeFrom = true;
      if (from > giveUpAfter) {
        return CronFields.NONE;
      }
    }
  }

  /**
   * @param fire an instant
   * @return whether it is the end of a spring-forward gap that a slot was shifted to, and not a slot of its own
   */
  boolean isShifted(Instant fire) {
    if (gap != GapPolicy.SHIFT || fire.getNano() != 0 || rules.isFixedOffset()) {
      return false;
    }
    ZoneOffsetTransition transition = rules.nextTransition(fire.minusNanos(1));
    if (transition == null || !transition.isGap() || !transition.getInstant().equals(fire)) {
      return false;
    }
    long gapStart = fire.getEpochSecond() + transition.getOffsetBefore().getTotalSeconds();
    long gapEnd = fire.getEpochSecond() + transition.getOffsetAfter().getTotalSeconds();
    long inGap = fields.nextSlotAfter(gapStart - 1);
    boolean slotInGap = inGap != CronFields.NONE && inGap < gapEnd;
    return slotInGap && fields.nextSlotAfter(gapEnd - 1) != gapEnd;
  }

  private Period periodOf(long epochSecond) {
    Period current = period;
    if (epochSecond >= current.start && epochSecond < current.end) {
      return current;
    }
    current = Period.of(rules, epochSecond);
    period = current;
    return current;
  }

  /**
   * One stretch of constant offset, {@code [start, end)} in epoch seconds, with what the transitions at its ends
   * mean for the search.
   *
   * @param offset the offset in the period, in seconds
   * @param endIsGap whether the transition at {@code end} skips wall-clock time
   * @param offsetAfterEnd the offset from {@code end} on
   * @param overlapEndWall when the period begins with a fall-back, the wall-clock second at which the repeated
   *     time ends (the transition's wall-clock time before it); {@link Long#MIN_VALUE} otherwise
   */
  private record Period(long start, long end, int offset, boolean endIsGap, int offsetAfterEnd, long overlapEndWall) {

    /** Contains no instant: the first call looks its period up. */
    static final Period NOT_YET = new Period(0, 0, 0, false, 0, Long.MIN_VALUE);

    static Period fixed(ZoneOffset offset) {
      return new Period(Long.MIN_VALUE, Long.MAX_VALUE, offset.getTotalSeconds(), false, 0, Long.MIN_VALUE);
    }

    static Period of(ZoneRules rules, long epochSecond) {
      Instant at = Instant.ofEpochSecond(epochSecond);
      ZoneOffsetTransition previous = rules.previousTransition(Instant.ofEpochSecond(epochSecond, 1));
      ZoneOffsetTransition next = rules.nextTransition(at);
      long start = previous == null ? Long.MIN_VALUE : previous.toEpochSecond();
      long overlapEndWall = previous != null && previous.isOverlap()
          ? previous.toEpochSecond() + previous.getOffsetBefore().getTotalSeconds() : Long.MIN_VALUE;
      int offset = rules.getOffset(at).getTotalSeconds();
      if (next == null) {
        return new Period(start, Long.MAX_VALUE, offset, false, 0, overlapEndWall);
      }
      return new Period(start, next.toEpochSecond(), offset, next.isGap(),
          next.getOffsetAfter().getTotalSeconds(), overlapEndWall);
    }
  }
}
