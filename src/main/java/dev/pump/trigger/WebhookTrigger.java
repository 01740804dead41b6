package dev.pump.trigger;

import dev.pump.rules.Ids;
import dev.pump.rules.Spellings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Fired by {@code POST /webhooks/{name}} on the application's HTTP server: the JSON body becomes
 * the event's {@code args}, and the caller gets {@code 202 {"trigger", "firing"}}. The HTTP side
 * lives in {@code dev.pump.http}; this class is the trigger the route fires, and holds how its
 * requests are checked:
 * <pre>{@code
 * new WebhookTrigger(app, "deploy")
 *     .withSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")        // Standard Webhooks signatures
 *     .withTolerance(Duration.ofMinutes(5))                     // webhook-timestamp, both directions
 *     .withRateLimit(new WebhookTrigger.RateLimit(100, Duration.ofSeconds(1), 200));
 * new WebhookTrigger(app, "push").withSecret("gh-secret", WebhookTrigger.Signature.GITHUB);
 * new WebhookTrigger(app, "ci").withToken("t0ken");             // Authorization: Bearer t0ken
 * }</pre>
 * Secrets are kept as bytes, never shown by {@link #toString()}, {@link #snapshot()} or any message.
 * Settings may change only before the trigger is deployed.
 */
public class WebhookTrigger extends Trigger {

  /** How long a Standard Webhooks {@code webhook-timestamp} may lie in the past or the future. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  /** How a request proves that it comes from the sender who knows the secret. */
  public enum Signature {
    /** Nothing is signed. */
    NONE,
    /**
     * <a href="https://www.standardwebhooks.com/">Standard Webhooks</a>: {@code webhook-id},
     * {@code webhook-timestamp} and {@code webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>}.
     */
    STANDARD,
    /** GitHub: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>}. */
    GITHUB;

    /** @return the name used in the configuration: {@code none}, {@code standard}, {@code github} */
    public String configName() {
      return Spellings.of(this);
    }
  }

  /** Why a request to the webhook was refused; the {@code reason} label of the refusal counter. */
  public enum Refusal {
    /** 429: over the rate limit, or too many deliveries to remember within the tolerance. */
    RATE_LIMIT,
    /** 401: bearer token missing or wrong. */
    TOKEN,
    /** 401: signature missing or wrong. */
    SIGNATURE,
    /** 401: {@code webhook-timestamp} outside the tolerance. */
    TIMESTAMP,
    /** 409: a {@code webhook-id} already received within the tolerance. */
    REPLAY,
    /** 415: a content type other than JSON. */
    CONTENT_TYPE,
    /** 413: a body over the size limit. */
    TOO_LARGE,
    /** 400: a body that is not a JSON object, or a malformed delivery id. */
    BAD_BODY,
    /** 409: the trigger is paused. */
    PAUSED;

    /** @return the label value, e.g. {@code rate_limit} */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A token bucket: {@code requests} per {@code per} on average, up to {@code burst} at once.
   *
   * @param requests requests per period, at least 1
   * @param per the period, positive
   * @param burst how many requests may arrive at once, at least 1
   */
  public record RateLimit(long requests, Duration per, int burst) {

    /** 100 requests a second, bursts of 100. */
    public static final RateLimit DEFAULT = new RateLimit(100, Duration.ofSeconds(1), 100);

    public RateLimit {
      Objects.requireNonNull(per, "per");
      if (requests < 1) {
        throw new IllegalArgumentException("rate limit requests must be at least 1, got " + requests);
      }
      if (per.isNegative() || per.isZero()) {
        throw new IllegalArgumentException("rate limit period must be positive, got " + per);
      }
      if (burst < 1) {
        throw new IllegalArgumentException("rate limit burst must be at least 1, got " + burst);
      }
    }

    /** @return the average rate, requests per second */
    public double perSecond() {
      return requests * 1e9 / per.toNanos();
    }

    @Override
    public String toString() {
      return requests + " per " + per + ", burst " + burst;
    }
  }

  private final String name;
  private volatile Signature signature = Signature.NONE;
  private volatile byte[] signingKey;       // never shown
  private volatile byte[] token;            // never shown
  private volatile Duration tolerance = DEFAULT_TOLERANCE;
  private volatile RateLimit rateLimit = RateLimit.DEFAULT;
  private final AtomicLongArray refusals = new AtomicLongArray(Refusal.values().length);

  /**
   * @param name the last path segment of the webhook URL: letters, digits, '.', '_' or '-'
   */
  public WebhookTrigger(TriggerRuntime runtime, String name) {
    super(runtime, "webhook");
    this.name = Ids.require(name, "webhook name");
  }

  @Override
  public WebhookTrigger withId(String id) {
    super.withId(id);
    return this;
  }

  public String name() {
    return name;
  }

  /** @return the path requests to this webhook are POSTed to, {@code /webhooks/<name>} */
  public String path() {
    return "/webhooks/" + name;
  }

  /** Like {@link #withSecret(String, Signature)} with {@link Signature#STANDARD}. */
  public WebhookTrigger withSecret(String secret) {
    return withSecret(secret, Signature.STANDARD);
  }

  /**
   * Requests must be signed with {@code secret}.
   *
   * @param secret for {@link Signature#STANDARD}, {@code whsec_<base64>} (the key is the decoded bytes)
   *     or any other string (its UTF-8 bytes); for {@link Signature#GITHUB}, the string's UTF-8 bytes
   * @throws IllegalArgumentException when the secret is empty or a {@code whsec_} secret is not base64;
   *     the message never contains the secret
   */
  public WebhookTrigger withSecret(String secret, Signature signature) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(signature, "signature");
    requireNotDeployed("its secret");
    if (signature == Signature.NONE) {
      throw new IllegalArgumentException("a secret needs a signature scheme: standard or github");
    }
    this.signingKey = keyOf(secret, signature);
    this.signature = signature;
    return this;
  }

  /**
   * @return the key a secret stands for under {@code signature}; see {@link #withSecret(String, Signature)}
   * @throws IllegalArgumentException when the secret is empty or a {@code whsec_} secret is not base64;
   *     the message never contains the secret
   */
  public static byte[] keyOf(String secret, Signature signature) {
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("secret must not be empty");
    }
    byte[] key;
    if (signature == Signature.STANDARD && secret.startsWith("whsec_")) {
      try {
        key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a secret starting with whsec_ must continue in base64");
      }
    } else {
      key = secret.getBytes(StandardCharsets.UTF_8);
    }
    if (key.length == 0) {
      throw new IllegalArgumentException("secret must not be empty");
    }
    return key;
  }

  /**
   * Requests must carry {@code Authorization: Bearer <token>}; checked before any signature.
   *
   * @throws IllegalArgumentException when the token is empty or not a valid header value
   */
  public WebhookTrigger withToken(String token) {
    Objects.requireNonNull(token, "token");
    requireNotDeployed("its token");
    if (!isValidToken(token)) {
      throw new IllegalArgumentException("token must be 1 or more visible ASCII characters without spaces");
    }
    this.token = token.getBytes(StandardCharsets.UTF_8);  // visible ASCII: the same bytes in any of them
    return this;
  }

  /**
   * The rule that a webhook name answers one trigger, in the words the configuration and the
   * application both use when it is broken.
   *
   * @param firstUser who has the name, e.g. {@code trigger 'hook-a'}
   */
  public static String nameAlreadyUsed(String name, String firstUser) {
    return "webhook name '" + name + "' is already used by " + firstUser;
  }

  /**
   * @return whether {@code token} can be a bearer token: 1 or more visible ASCII characters, no spaces
   *     (a header value that reads the same in every charset)
   */
  public static boolean isValidToken(String token) {
    return !token.isEmpty() && token.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  /**
   * How far a Standard Webhooks {@code webhook-timestamp} may be from now, in the past or the
   * future; also how long a {@code webhook-id} is remembered to refuse replays. 5 minutes by default.
   */
  public WebhookTrigger withTolerance(Duration tolerance) {
    Objects.requireNonNull(tolerance, "tolerance");
    requireNotDeployed("its tolerance");
    if (tolerance.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("tolerance must be at least 1s, got " + tolerance);
    }
    this.tolerance = tolerance;
    return this;
  }

  /**
   * Requests over {@code limit} are refused with 429; {@link RateLimit#DEFAULT} unless changed. The limit
   * is this node's: in a cluster, N nodes that receive requests accept up to N times {@code limit}.
   */
  public WebhookTrigger withRateLimit(RateLimit limit) {
    Objects.requireNonNull(limit, "limit");
    requireNotDeployed("its rate limit");
    this.rateLimit = limit;
    return this;
  }

  /** Takes requests as fast as they come. */
  public WebhookTrigger withoutRateLimit() {
    requireNotDeployed("its rate limit");
    this.rateLimit = null;
    return this;
  }

  private void requireNotDeployed(String what) {
    if (isDeployed()) {
      throw new IllegalStateException(this + " is already deployed: set " + what + " before start");
    }
  }

  public Signature signature() {
    return signature;
  }

  /**
   * @return a copy of the key signatures are checked with, for the HTTP route that verifies them;
   *     empty when nothing is signed. Never log it.
   */
  public Optional<byte[]> signingKey() {
    byte[] key = signingKey;
    return key == null ? Optional.empty() : Optional.of(key.clone());
  }

  /** @return whether requests must carry a bearer token */
  public boolean hasToken() {
    return token != null;
  }

  /** @return whether {@code presented} is the token, compared in constant time; true when none is set */
  public boolean tokenMatches(String presented) {
    byte[] expected = token;
    if (expected == null) {
      return true;
    }
    return presented != null && MessageDigest.isEqual(expected, bytesOf(presented));
  }

  /**
   * The bytes a header value arrived as: the HTTP decoder makes each byte one char (ISO-8859-1), so
   * that encoding gives them back; a value holding wider chars (set by a caller, not read off the
   * wire) is taken as UTF-8. Never US-ASCII, which turns every other byte into a '?' that a token
   * holding '?' would match.
   */
  private static byte[] bytesOf(String headerValue) {
    boolean latin1 = headerValue.chars().allMatch(c -> c <= 0xff);
    return headerValue.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
  }

  public Duration tolerance() {
    return tolerance;
  }

  /** @return the rate limit; empty when there is none */
  public Optional<RateLimit> rateLimit() {
    return Optional.ofNullable(rateLimit);
  }

  /** Counts a refused request; called by the HTTP route. */
  public void refused(Refusal reason) {
    refusals.incrementAndGet(reason.ordinal());
  }

  /** @return how many requests were refused for {@code reason} */
  public long refusals(Refusal reason) {
    return refusals.get(reason.ordinal());
  }

  /** @return every refusal count, zeros included, in the order of {@link Refusal} */
  public Map<Refusal, Long> refusals() {
    Map<Refusal, Long> all = new EnumMap<>(Refusal.class);
    for (Refusal reason : Refusal.values()) {
      all.put(reason, refusals(reason));
    }
    return all;
  }

  /**
   * Fires for one HTTP delivery, through the trigger's flow control: says whether the delivery fired,
   * was held (debounced, batched, throttled) or refused (rate limit, throttle full), or met a pause.
   *
   * @param deliveryId the firing id: the sender's own delivery id (e.g. {@code webhook-id}) where a
   *     signature vouches for it, so that a retried delivery is recognisable downstream; an id the
   *     caller could have forged must be namespaced by the caller first (the webhook routes make an
   *     unsigned {@code webhook-id} {@code <triggerId>/unsigned:<id>}); {@code null} for a random one
   */
  public FireResult submitDelivery(JsonObject body, String deliveryId) {
    return deliveryId == null ? submit(body) : submit(body, deliveryId);
  }

  /**
   * Like {@link #submitDelivery}, decided by the node that owns the delivery's flow-control key
   * ({@link #submitToOwner(JsonObject)}): in a cluster, possibly another node.
   */
  public Future<FireResult> submitDeliveryToOwner(JsonObject body, String deliveryId) {
    return deliveryId == null ? submitToOwner(body) : submitToOwner(body, deliveryId);
  }

  @Override
  public String spec() {
    return path();
  }

  /** Adds how requests are checked (never a secret) and the refusals so far, by reason. */
  @Override
  public JsonObject snapshot() {
    JsonObject refused = new JsonObject();
    refusals().forEach((reason, count) -> {
      if (count > 0) {
        refused.put(reason.label(), count);
      }
    });
    RateLimit limit = rateLimit;
    return super.snapshot()
      .put("signature", signature.configName())
      .put("token", token != null)
      .put("tolerance", signature == Signature.STANDARD ? tolerance.toString() : null)
      .put("rateLimit", limit == null ? null : new JsonObject().put("requests", limit.requests())
        .put("per", limit.per().toString()).put("burst", limit.burst()))
      .put("refused", refused);
  }
}
