package dev.pump.config.kind;

import dev.pump.PumpApplication;
import dev.pump.config.ConfigNode;
import dev.pump.config.Durations;
import dev.pump.config.FlowConfig;
import dev.pump.config.Suggestions;
import dev.pump.config.TriggerConfig;
import dev.pump.config.TriggerKind;
import dev.pump.trigger.FlowControl;
import dev.pump.trigger.WebhookTrigger;
import dev.pump.trigger.WebhookTrigger.RateLimit;
import dev.pump.trigger.WebhookTrigger.Signature;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code { type: webhook, id, name, secret | secretEnv, signature, tolerance, token | tokenEnv, rateLimit,
 * burst, flow }}: fires on {@code POST /webhooks/{name}}; the name defaults to the id and is unique
 * across the configuration.
 */
public final class WebhookTriggerKind implements TriggerKind<TriggerConfig.Webhook, WebhookTrigger> {

  private static final Pattern RATE = Pattern.compile("(\\d{1,9})\\s*/\\s*(\\S+)");
  private static final int MAX_BURST = 1_000_000;

  @Override
  public String name() {
    return TriggerConfig.Webhook.TYPE;
  }

  @Override
  public List<String> keys() {
    return List.of("name", "secret", "secretEnv", "signature", "tolerance", "token", "tokenEnv", "rateLimit", "burst",
      FlowConfig.KEY);
  }

  @Override
  public TriggerConfig.Webhook bind(String id, ConfigNode node) {
    String name = node.has("name") ? node.id("name") : id;
    String secret = node.secret("secret", "secretEnv");
    String token = node.secret("token", "tokenEnv");
    Signature signature = signature(node, secret);
    Duration tolerance = node.duration("tolerance", WebhookTrigger.DEFAULT_TOLERANCE, Duration.ofSeconds(1));
    Optional<RateLimit> rateLimit = rateLimit(node);
    if (secret != null && !secret.isEmpty() && signature != null) {
      try {
        WebhookTrigger.keyOf(secret, signature);
      } catch (IllegalArgumentException e) {
        // the message never holds the secret
        node.problem(node.has("secret") ? "secret" : "secretEnv", e.getMessage());
        secret = null;
      }
    }
    if (token != null && !token.isEmpty() && !WebhookTrigger.isValidToken(token)) {
      node.problem(node.has("token") ? "token" : "tokenEnv", "must be visible ASCII characters without spaces");
      token = null;
    }
    if (name != null && id != null) {
      Optional<String> first = node.claim("webhook name", name, "trigger '" + id + "' (" + node.path() + ")");
      if (first.isPresent()) {
        node.problem(node.has("name") ? "name" : "id", WebhookTrigger.nameAlreadyUsed(name, first.get())
          + (node.has("name") ? "" : "; a webhook without a name is named after its id"));
      }
    }
    FlowControl flow = FlowConfig.read(node);
    if (id == null || name == null || secret == null || token == null || signature == null || tolerance == null
      || rateLimit == null) {
      return null;
    }
    return new TriggerConfig.Webhook(id, name, secret, signature, tolerance, token, rateLimit.orElse(null), flow);
  }

  private static Signature signature(ConfigNode node, String secret) {
    if (!node.has("signature")) {
      return secret == null ? null : secret.isEmpty() ? Signature.NONE : Signature.STANDARD;
    }
    String text = node.string("signature", null);
    if (text == null) {
      return null;
    }
    List<String> names = List.of(Signature.STANDARD.configName(), Signature.GITHUB.configName());
    if (!names.contains(text)) {
      node.problem("signature", "must be standard (Standard Webhooks) or github, got \"" + text + "\""
        + Suggestions.closest(text, names).map(s -> " (did you mean '" + s + "'?)").orElse(""));
      return null;
    }
    if (secret != null && secret.isEmpty()) {
      node.problem("signature", "needs a secret or secretEnv to check signatures with");
      return null;
    }
    return secret == null ? null : text.equals(Signature.GITHUB.configName()) ? Signature.GITHUB : Signature.STANDARD;
  }

  /** @return the rate limit, empty for {@code off}, {@code null} after reporting a problem */
  private static Optional<RateLimit> rateLimit(ConfigNode node) {
    RateLimit fallback = RateLimit.DEFAULT;
    if (node.has("rateLimit")) {
      Object value = node.json().getValue("rateLimit");
      String text = value instanceof String s ? s.trim() : null;
      // YAML 1.1 reads an unquoted off as false: rateLimit: off and rateLimit: "off" mean the same
      if ("off".equals(text) || Boolean.FALSE.equals(value)) {
        if (node.has("burst")) {
          node.problem("burst", "has no meaning with rateLimit: off");
          return null;
        }
        return Optional.empty();
      }
      Matcher m = text == null ? null : RATE.matcher(text);
      Optional<Duration> per = m != null && m.matches()
        ? Durations.parse(m.group(2).matches("ms|s|m|h|d") ? "1" + m.group(2) : m.group(2)) : Optional.empty();
      if (per.isEmpty() || per.get().isZero() || Long.parseLong(m.group(1)) < 1) {
        node.problem("rateLimit", "must be <requests>/<period> such as 100/s, 600/m or 5/30s, or off; got "
          + ConfigNode.describe(value));
        return null;
      }
      long requests = Long.parseLong(m.group(1));
      fallback = new RateLimit(requests, per.get(), (int) Math.min(requests, MAX_BURST));
    }
    Integer burst = node.integer("burst", fallback.burst(), 1, MAX_BURST);
    return burst == null ? null : Optional.of(new RateLimit(fallback.requests(), fallback.per(), burst));
  }

  @Override
  public WebhookTrigger create(PumpApplication app, TriggerConfig.Webhook config) {
    WebhookTrigger trigger = new WebhookTrigger(app, config.name()).withId(config.id())
      .withTolerance(config.tolerance());
    if (!config.secret().isEmpty()) {
      trigger.withSecret(config.secret(), config.signature());
    }
    if (!config.token().isEmpty()) {
      trigger.withToken(config.token());
    }
    if (config.flow() != null) {
      trigger.withFlowControl(config.flow());
    }
    return config.rateLimit() == null ? trigger.withoutRateLimit() : trigger.withRateLimit(config.rateLimit());
  }

  @Override
  public Class<WebhookTrigger> triggerClass() {
    return WebhookTrigger.class;
  }

  @Override
  public String describe(WebhookTrigger trigger) {
    return "on each POST " + trigger.path();
  }
}
