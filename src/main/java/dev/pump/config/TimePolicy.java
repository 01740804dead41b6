package dev.pump.config;

import dev.pump.trigger.CatchUp;
import dev.pump.trigger.FiringMode;
import dev.pump.trigger.TimeTrigger;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The policy keys of a time trigger ({@code cron}, {@code periodic}):
 * {@code mode, catchUp, catchUpLimit, startingDeadline, jitter, spread}.
 *
 * @param startingDeadline {@code null} for no deadline
 */
public record TimePolicy(FiringMode mode, CatchUp catchUp, int catchUpLimit, Duration startingDeadline,
                         Duration jitter, Duration spread) {

  public static final int DEFAULT_CATCH_UP_LIMIT = 10;
  public static final TimePolicy DEFAULT = new TimePolicy(FiringMode.CLUSTER_ONCE, CatchUp.NONE,
    DEFAULT_CATCH_UP_LIMIT, null, Duration.ZERO, Duration.ZERO);

  public TimePolicy {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(catchUp, "catchUp");
    Objects.requireNonNull(jitter, "jitter");
    Objects.requireNonNull(spread, "spread");
  }

  /** Gives {@code trigger} this policy. */
  void applyTo(TimeTrigger trigger) {
    trigger.withMode(mode).withCatchUp(catchUp, catchUpLimit, startingDeadline).withJitter(jitter).withSpread(spread);
  }

  /** Adds the policy keys to the YAML form of a trigger. */
  JsonObject putInto(JsonObject json) {
    return json.put("mode", configName(mode)).put("catchUp", configName(catchUp))
      .put("catchUpLimit", catchUpLimit)
      .put("startingDeadline", startingDeadline == null ? null : Durations.format(startingDeadline))
      .put("jitter", Durations.format(jitter)).put("spread", Durations.format(spread));
  }

  /** @return the YAML spelling of an enum constant: {@code CLUSTER_ONCE} is {@code cluster-once} */
  static String configName(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
