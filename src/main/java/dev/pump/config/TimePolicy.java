package dev.pump.config;

import dev.pump.trigger.CatchUp;
import dev.pump.trigger.FiringMode;
import dev.pump.trigger.TimeTrigger;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

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

  /** Gives {@code trigger} this policy. */
  void applyTo(TimeTrigger trigger) {
    trigger.withMode(mode).withCatchUp(catchUp, catchUpLimit, startingDeadline).withJitter(jitter).withSpread(spread)
      .withStartAt(bounds.startAt()).withEndAt(bounds.endAt()).withMaxFires(bounds.maxFires())
      .withExclusions(bounds.exclude()).withPauseOnFailure(bounds.pauseOnFailure());
  }

  /** Adds the policy keys to the YAML form of a trigger. */
  JsonObject putInto(JsonObject json) {
    return json.put("mode", configName(mode)).put("catchUp", configName(catchUp))
      .put("catchUpLimit", catchUpLimit)
      .put("startingDeadline", startingDeadline == null ? null : Durations.format(startingDeadline))
      .put("jitter", Durations.format(jitter)).put("spread", Durations.format(spread))
      .put("startAt", bounds.startAt() == null ? null : bounds.startAt().toString())
      .put("endAt", bounds.endAt() == null ? null : bounds.endAt().toString())
      .put("maxFires", bounds.maxFires() == 0 ? null : bounds.maxFires())
      .put("exclude", new JsonArray(bounds.exclude()))
      .put("pauseOnFailure", bounds.pauseOnFailure());
  }

  /** @return the YAML spelling of an enum constant: {@code CLUSTER_ONCE} is {@code cluster-once} */
  static String configName(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
