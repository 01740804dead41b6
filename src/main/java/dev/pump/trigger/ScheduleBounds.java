package dev.pump.trigger;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a time trigger's schedule begins and ends, and which of its slots do not fire.
 *
 * @param startAt no slot before this instant fires; {@code null} for none
 * @param endAt no slot after this instant fires, and the schedule ends; {@code null} for none
 * @param maxFires the schedule ends after this many slots have fired; 0 for no limit
 * @param exclusions slots these rules match are counted as excluded and never fire
 */
public record ScheduleBounds(Instant startAt, Instant endAt, long maxFires, List<SlotExclusion> exclusions) {

  /** No bounds: the schedule runs from start, for ever, every slot. */
  public static final ScheduleBounds NONE = new ScheduleBounds(null, null, 0, List.of());

  public ScheduleBounds {
    exclusions = List.copyOf(Objects.requireNonNull(exclusions, "exclusions"));
    if (maxFires < 0) {
      throw new IllegalArgumentException("maxFires must be at least 1 (or 0 for no limit), got " + maxFires);
    }
    if (startAt != null && endAt != null && !startAt.isBefore(endAt)) {
      throw new IllegalArgumentException("startAt (" + startAt + ") must be before endAt (" + endAt + ")");
    }
  }

  /** @return whether these bounds change nothing */
  public boolean isNone() {
    return startAt == null && endAt == null && maxFires == 0 && exclusions.isEmpty();
  }

  ScheduleBounds withStartAt(Instant instant) {
    return new ScheduleBounds(instant, endAt, maxFires, exclusions);
  }

  ScheduleBounds withEndAt(Instant instant) {
    return new ScheduleBounds(startAt, instant, maxFires, exclusions);
  }

  ScheduleBounds withMaxFires(long limit) {
    return new ScheduleBounds(startAt, endAt, limit, exclusions);
  }

  ScheduleBounds withExclusions(List<SlotExclusion> rules) {
    return new ScheduleBounds(startAt, endAt, maxFires, rules);
  }

  /** @return the first exclusion matching {@code slot}, or {@code null} when the slot may fire */
  SlotExclusion exclusionOf(Instant slot) {
    for (SlotExclusion exclusion : exclusions) {
      if (exclusion.excludes(slot)) {
        return exclusion;
      }
    }
    return null;
  }

  /**
   * @return the bounds in words, to follow the schedule's own words: {@code from 2026-12-01T00:00:00Z,
   *     until 2027-01-01T00:00:00Z, at most 10 fires, except on 2026-12-25}; empty when there are none
   */
  public String words() {
    List<String> parts = new ArrayList<>();
    if (startAt != null) {
      parts.add("from " + InstantText.of(startAt));
    }
    if (endAt != null) {
      parts.add("until " + InstantText.of(endAt));
    }
    if (maxFires > 0) {
      parts.add("at most " + maxFires + (maxFires == 1 ? " fire" : " fires"));
    }
    if (!exclusions.isEmpty()) {
      List<String> dates = exclusions.stream().filter(e -> e.cronExpression() == null).map(SlotExclusion::words).toList();
      List<String> crons = exclusions.stream().filter(e -> e.cronExpression() != null).map(SlotExclusion::words).toList();
      if (!dates.isEmpty()) {
        parts.add("except on " + String.join(", ", dates));
      }
      if (!crons.isEmpty()) {
        parts.add("except when " + String.join(" or ", crons) + " matches");
      }
    }
    return String.join(", ", parts);
  }

  /** @return the bounds as in the configuration, with their words */
  public JsonObject toJson() {
    return new JsonObject()
      .put("startAt", startAt == null ? null : InstantText.of(startAt))
      .put("endAt", endAt == null ? null : InstantText.of(endAt))
      .put("maxFires", maxFires == 0 ? null : maxFires)
      .put("exclude", new JsonArray(exclusions.stream().map(SlotExclusion::text).toList()))
      .put("words", words());
  }
}
