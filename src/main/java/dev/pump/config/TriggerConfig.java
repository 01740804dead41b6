package dev.pump.config;

import dev.pump.rules.Spellings;
import dev.pump.trigger.FlowControl;
import dev.pump.trigger.CronSchedule;
import dev.pump.trigger.WebhookTrigger;
import dev.pump.trigger.WebhookTrigger.RateLimit;
import dev.pump.trigger.WebhookTrigger.Signature;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a pipeline's {@code triggers} list: a trigger definition (each with an {@code id}
 * unique across the whole configuration), or a {@link Ref} to a trigger defined elsewhere. A
 * {@link TriggerKind} reads a definition of its {@code type}; the records here are the built-in ones.
 */
public interface TriggerConfig {

  /** @return the {@code type} of the entry: the name of the {@link TriggerKind} that reads and builds it */
  String type();

  /** @return the id of the trigger this entry defines, or, for a {@link Ref}, refers to */
  String id();

  /** @return the YAML form, secrets redacted, for the log of the effective configuration */
  default JsonObject toRedactedJson() {
    return new JsonObject().put("type", type()).put("id", id());
  }

  /** {@code { type: cron, id, schedule, zone, ...policy }}: fires at the slots of a cron schedule. */
  record Cron(String id, CronSchedule schedule, TimePolicy policy) implements TriggerConfig {
    /** The {@code type} of these entries. */
    public static final String TYPE = "cron";

    public Cron {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(schedule, "schedule");
      Objects.requireNonNull(policy, "policy");
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toRedactedJson() {
      return policy.putInto(new JsonObject().put("type", TYPE).put("id", id)
        .put("schedule", schedule.expression()).put("zone", schedule.zone().getId())
        .put("dst", new JsonObject().put("gap", Spellings.of(schedule.dst().gap()))
          .put("overlap", Spellings.of(schedule.dst().overlap()))));
    }
  }

  /** {@code { type: periodic, id, interval, fireAtStart, ...policy }}: fires every interval. */
  record Periodic(String id, Duration interval, boolean fireAtStart, TimePolicy policy) implements TriggerConfig {
    /** The {@code type} of these entries. */
    public static final String TYPE = "periodic";

    public Periodic {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(policy, "policy");
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toRedactedJson() {
      return policy.putInto(new JsonObject().put("type", TYPE).put("id", id)
        .put("interval", Durations.format(interval)).put("fireAtStart", fireAtStart));
    }
  }

  /**
   * {@code { type: pubsub, id, topic, flow }}: fires on each message on its topic(s).
   *
   * @param flow {@code null}: no flow control
   */
  record PubSub(String id, List<String> topics, FlowControl flow) implements TriggerConfig {
    /** The {@code type} of these entries. */
    public static final String TYPE = "pubsub";

    public PubSub {
      Objects.requireNonNull(id, "id");
      topics = List.copyOf(topics);
      if (topics.isEmpty()) {
        throw new IllegalArgumentException("a pubsub trigger needs at least one topic");
      }
    }

    /** Without flow control. */
    public PubSub(String id, List<String> topics) {
      this(id, topics, null);
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toRedactedJson() {
      JsonObject json = new JsonObject().put("type", TYPE).put("id", id)
        .put("topic", topics.size() == 1 ? topics.get(0) : new JsonArray(topics));
      return flow == null ? json : json.put("flow", flow.toJson());
    }
  }

  /**
   * {@code { type: webhook, id, name, secret | secretEnv, signature, tolerance, token | tokenEnv,
   * rateLimit, burst }}: fires on {@code POST /webhooks/{name}}.
   *
   * @param name the last path segment of the webhook URL; defaults to the id
   * @param secret empty for none; never shown by {@code toString()} or {@link #toRedactedJson()}
   * @param signature {@link Signature#NONE} exactly when there is no secret
   * @param tolerance how far a Standard Webhooks timestamp may be from now, either way
   * @param token empty for none; never shown
   * @param rateLimit {@code null}: no rate limit (of HTTP requests, checked before anything else)
   * @param flow {@code null}: no flow control (of fires, after the request is accepted)
   */
  record Webhook(String id, String name, String secret, Signature signature, Duration tolerance, String token,
                 RateLimit rateLimit, FlowControl flow) implements TriggerConfig {
    /** The {@code type} of these entries. */
    public static final String TYPE = "webhook";

    public Webhook {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(secret, "secret");
      Objects.requireNonNull(signature, "signature");
      Objects.requireNonNull(tolerance, "tolerance");
      Objects.requireNonNull(token, "token");
      if (secret.isEmpty() != (signature == Signature.NONE)) {
        throw new IllegalArgumentException("a webhook has a signature scheme exactly when it has a secret");
      }
    }

    /** Without flow control. */
    public Webhook(String id, String name, String secret, Signature signature, Duration tolerance, String token,
                   RateLimit rateLimit) {
      this(id, name, secret, signature, tolerance, token, rateLimit, null);
    }

    /** No token, the default tolerance and rate limit, and Standard Webhooks signatures if {@code secret} is set. */
    public Webhook(String id, String name, String secret) {
      this(id, name, secret, secret.isEmpty() ? Signature.NONE : Signature.STANDARD,
        WebhookTrigger.DEFAULT_TOLERANCE, "", RateLimit.DEFAULT);
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toRedactedJson() {
      JsonObject json = new JsonObject().put("type", TYPE).put("id", id).put("name", name)
        .put("secret", Redaction.redact(secret))
        .put("signature", signature.configName())
        .put("tolerance", Durations.format(tolerance))
        .put("token", Redaction.redact(token))
        .put("rateLimit", rateLimit == null ? "off" : rateText(rateLimit))
        .put("burst", rateLimit == null ? null : rateLimit.burst());
      return flow == null ? json : json.put("flow", flow.toJson());
    }

    /** @return {@code 100/s}, {@code 10/m}, {@code 5/30s}: the configuration's form of a rate */
    static String rateText(RateLimit limit) {
      String per = Durations.format(limit.per());
      return limit.requests() + "/" + (per.matches("1(ms|s|m|h|d)") ? per.substring(1) : per);
    }

    @Override
    public String toString() {
      return "Webhook" + toRedactedJson().encode();
    }
  }

  /** {@code { type: opportunistic, id, chilldown }}: fires when the application is idle. */
  record Opportunistic(String id, Duration chilldown) implements TriggerConfig {
    /** The {@code type} of these entries. */
    public static final String TYPE = "opportunistic";

    public Opportunistic {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(chilldown, "chilldown");
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toRedactedJson() {
      return new JsonObject().put("type", TYPE).put("id", id)
        .put("chilldown", Durations.format(chilldown));
    }
  }

  /** {@code { type: runonce, id }}: fires once when the application starts. */
  record RunOnce(String id) implements TriggerConfig {
    /** The {@code type} of these entries. */
    public static final String TYPE = "runonce";

    public RunOnce {
      Objects.requireNonNull(id, "id");
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toRedactedJson() {
      return new JsonObject().put("type", TYPE).put("id", id);
    }
  }

  /** {@code { ref: id }}: the trigger of that id, defined by another entry, shared. */
  record Ref(String id) implements TriggerConfig {
    /** What {@link #type()} says of a reference, which no kind reads. */
    public static final String TYPE = "ref";

    public Ref {
      Objects.requireNonNull(id, "id");
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toRedactedJson() {
      return new JsonObject().put("ref", id);
    }
  }
}
