package dev.pump.config;

import dev.pump.rules.Spellings;
import dev.pump.trigger.CatchUp;
import dev.pump.trigger.FiringMode;
import dev.pump.trigger.SlotExclusion;
import dev.pump.trigger.TimeTrigger;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The policy keys of a time trigger ({@code cron}, {@code periodic}):
 * {@code mode, catchUp, catchUpLimit, startingDeadline, jitter, spread}, and the bounds
 * {@code startAt, endAt, maxFires, exclude, pauseOnFailure}.
 *
 * @param startingDeadline {@code null} for no deadline
 * @param bounds where the schedule begins and ends, what it excludes, when it pauses itself
 */
public record TimePolicy(FiringMode mode, CatchUp catchUp, int catchUpLimit, Duration startingDeadline,
                         Duration jitter, Duration spread, Bounds bounds) {

  /**
   * {@code startAt, endAt, maxFires, exclude, pauseOnFailure}.
   *
   * @param startAt {@code null} for none
   * @param endAt {@code null} for none
   * @param maxFires 0 for no limit
   * @param exclude dates, date ranges and cron expressions, as written
   * @param pauseOnFailure 0 for off
   */
  public record Bounds(Instant startAt, Instant endAt, long maxFires, List<String> exclude, int pauseOnFailure) {
    public static final Bounds NONE = new Bounds(null, null, 0, List.of(), 0);

    public Bounds {
      exclude = List.copyOf(exclude);
    }
  }

  public static final int DEFAULT_CATCH_UP_LIMIT = 10;
  public static final TimePolicy DEFAULT = new TimePolicy(FiringMode.CLUSTER_ONCE, CatchUp.NONE,
    DEFAULT_CATCH_UP_LIMIT, null, Duration.ZERO, Duration.ZERO, Bounds.NONE);

  public TimePolicy {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(catchUp, "catchUp");
    Objects.requireNonNull(jitter, "jitter");
    Objects.requireNonNull(spread, "spread");
    Objects.requireNonNull(bounds, "bounds");
  }

  /** Without bounds. */
  public TimePolicy(FiringMode mode, CatchUp catchUp, int catchUpLimit, Duration startingDeadline,
                    Duration jitter, Duration spread) {
    this(mode, catchUp, catchUpLimit, startingDeadline, jitter, spread, Bounds.NONE);
  }

  /** The policy keys every time trigger accepts, in the order messages list them. */
  public static final List<String> KEYS = List.of("mode", "catchUp", "catchUpLimit", "startingDeadline", "jitter",
    "spread", "startAt", "endAt", "maxFires", "exclude", "pauseOnFailure");

  private static final Duration ONE_MS = Duration.ofMillis(1);
  private static final Pattern MIDNIGHT_UTC = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T00:00(:00)?Z");

  /**
   * Reads the policy keys ({@link #KEYS}) of a time trigger's entry.
   *
   * @param zone the zone {@code exclude} rules are read in
   * @return the policy, or {@code null} when any key is invalid (reported)
   */
  public static TimePolicy read(ConfigNode node, ZoneId zone) {
    TimePolicy defaults = DEFAULT;
    Bounds bounds = bounds(node, zone);
    FiringMode mode = node.choice("mode", FiringMode.class, defaults.mode());
    CatchUp catchUp = node.choice("catchUp", CatchUp.class, defaults.catchUp());
    Integer limit = node.integer("catchUpLimit", defaults.catchUpLimit(), 1, 100_000);
    Duration deadline = node.has("startingDeadline") ? node.duration("startingDeadline", null, ONE_MS) : null;
    Duration jitter = node.duration("jitter", Duration.ZERO, Duration.ZERO);
    Duration spread = node.duration("spread", Duration.ZERO, Duration.ZERO);
    boolean invalid = mode == null || catchUp == null || limit == null || jitter == null || spread == null
      || (node.has("startingDeadline") && deadline == null) || bounds == null;
    return invalid ? null : new TimePolicy(mode, catchUp, limit, deadline, jitter, spread, bounds);
  }

  /** {@code startAt, endAt, maxFires, exclude, pauseOnFailure}; {@code null} when any is invalid (reported). */
  private static Bounds bounds(ConfigNode node, ZoneId zone) {
    int before = node.problemCount();
    Instant startAt = node.instant("startAt");
    Instant endAt = node.instant("endAt");
    Long maxFires = node.number("maxFires", 0L, 1, Long.MAX_VALUE);
    Integer pauseOnFailure = node.integer("pauseOnFailure", 0, 1, 1_000_000);
    List<String> exclude = exclusions(node, zone);
    if (startAt != null && endAt != null && !startAt.isBefore(endAt)) {
      node.problem("endAt", "must be after startAt (" + startAt + "), got " + endAt);
    }
    return node.problemCount() > before ? null : new Bounds(startAt, endAt, maxFires, exclude, pauseOnFailure);
  }

  /** {@code exclude}: one rule or a list of them, each checked in {@code zone}; {@code null} when any is invalid. */
  private static List<String> exclusions(ConfigNode node, ZoneId zone) {
    Object value = node.json().getValue("exclude");
    if (value == null) {
      return List.of();
    }
    JsonArray list = value instanceof JsonArray array ? array : new JsonArray().add(value);
    List<String> rules = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object rule = unquotedYamlDate(list.getValue(i));
      String problem;
      if (rule instanceof String text) {
        try {
          SlotExclusion.parse(text, zone);
          rules.add(text.trim());
          continue;
        } catch (IllegalArgumentException e) {
          problem = e.getMessage();
        }
      } else {
        problem = "must be " + SlotExclusion.FORMS + ", in quotes, got " + ConfigNode.describe(rule);
      }
      if (value instanceof JsonArray) {
        node.problem("exclude", i, problem);
      } else {
        node.problem("exclude", problem);
      }
    }
    return rules.size() == list.size() ? rules : null;
  }

  /**
   * An unquoted YAML date ({@code 2026-12-25}) as its text: snakeyaml reads it as a timestamp at midnight
   * UTC, which the YAML reader hands over as a {@code Date}, an {@code Instant} or its ISO text.
   */
  private static Object unquotedYamlDate(Object value) {
    Instant at = value instanceof java.util.Date date ? date.toInstant()
      : value instanceof Instant instant ? instant
      : value instanceof String text && MIDNIGHT_UTC.matcher(text).matches() ? Instant.parse(text)
      : null;
    return at != null && at.getEpochSecond() % 86_400 == 0 && at.getNano() == 0
      ? LocalDate.ofInstant(at, ZoneOffset.UTC).toString() : value;
  }

  /** Gives {@code trigger} this policy. */
  public void applyTo(TimeTrigger trigger) {
    trigger.withMode(mode).withCatchUp(catchUp, catchUpLimit, startingDeadline).withJitter(jitter).withSpread(spread)
      .withStartAt(bounds.startAt()).withEndAt(bounds.endAt()).withMaxFires(bounds.maxFires())
      .withExclusions(bounds.exclude()).withPauseOnFailure(bounds.pauseOnFailure());
  }

  /** Adds the policy keys to the YAML form of a trigger. */
  public JsonObject putInto(JsonObject json) {
    return json.put("mode", Spellings.of(mode)).put("catchUp", Spellings.of(catchUp))
      .put("catchUpLimit", catchUpLimit)
      .put("startingDeadline", startingDeadline == null ? null : Durations.format(startingDeadline))
      .put("jitter", Durations.format(jitter)).put("spread", Durations.format(spread))
      .put("startAt", bounds.startAt() == null ? null : bounds.startAt().toString())
      .put("endAt", bounds.endAt() == null ? null : bounds.endAt().toString())
      .put("maxFires", bounds.maxFires() == 0 ? null : bounds.maxFires())
      .put("exclude", new JsonArray(bounds.exclude()))
      .put("pauseOnFailure", bounds.pauseOnFailure());
  }
}
