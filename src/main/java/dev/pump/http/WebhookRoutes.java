package dev.pump.http;

import com.fasterxml.jackson.core.StreamWriteConstraints;
import dev.pump.trigger.FireResult;
import dev.pump.trigger.WebhookTrigger;
import dev.pump.trigger.WebhookTrigger.Refusal;
import dev.pump.trigger.WebhookTrigger.Signature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code POST /webhooks/{name}}: where a webhook request is checked and turned into a fire. The
 * checks, in order, each refusal counted on the trigger ({@link WebhookTrigger#refused}):
 * <ol>
 *   <li>404: no webhook of that name (before anything is read);</li>
 *   <li>429 with {@code Retry-After}: over the webhook's rate limit (a token bucket);</li>
 *   <li>401 {@code token missing|invalid}: {@code Authorization: Bearer} is not the webhook's token;</li>
 *   <li>401 {@code signature missing: no <header>}, {@code timestamp invalid}, {@code timestamp outside
 *       tolerance}: Standard Webhooks headers absent (named), {@code webhook-timestamp} not Unix seconds, or
 *       further than the tolerance from now, either way;</li>
 *   <li>415: a {@code Content-Type} that is not JSON ({@code application/json}, {@code application/*+json});
 *       no content type is fine;</li>
 *   <li>413: a body over {@code maxBodyBytes};</li>
 *   <li>401 {@code signature invalid}: no signature matches the body (compared in constant time);</li>
 *   <li>400: the body is not a JSON object (an empty body counts as {@code {}}), or is one no sink
 *       could write (nested deeper than {@link #MAX_BODY_DEPTH}, a number beyond a double);</li>
 *   <li>409: a Standard Webhooks {@code webhook-id} already received within the tolerance (a replay,
 *       not fired again), or the trigger is paused; clustered, "received" means by any node of the cluster
 *       ({@link SharedReplayWindow}), and a node that cannot ask the cluster (no quorum), or loses its quorum
 *       while the delivery is written, answers 503 with {@code Retry-After} instead of risking a second fire;</li>
 *   <li>503 with {@code Retry-After}: the trigger feeds a pipeline with {@code durability: journal} and the
 *       fire journal cannot be written; the fire was not published (a held event was taken back out of flow
 *       control where it still could be);</li>
 *   <li>202 {@code {"trigger", "held"}}: held by flow control for later (with a fire journal: once the held
 *       event is on disk, so that it survives a crash);</li>
 *   <li>202 {@code {"trigger", "firing"}}: fired (with a fire journal: once the fire is on disk), with the body as
 *       {@code args}; {@code firing} is the
 *       sender's delivery id when a signature vouches for it ({@code webhook-id} of Standard Webhooks,
 *       {@code X-GitHub-Delivery} for GitHub signatures); an unsigned webhook's {@code webhook-id} becomes
 *       {@code <triggerId>/unsigned:<webhook-id>} (see {@link #unsignedFiring}); otherwise a random id.</li>
 * </ol>
 * From the moment the application begins to shut down, every request gets 503
 * {@code {"error": "shutting down"}} with {@code Retry-After} instead (see {@link HttpErrors#shuttingDown}).
 * The answers never say more than the reason: not which signature was expected, nor the secret.
 */
final class WebhookRoutes {

  /** What a delivery id ({@code webhook-id}, {@code X-GitHub-Delivery}) may be: it becomes the firing id. */
  private static final Pattern DELIVERY_ID = Pattern.compile("[\\x21-\\x7e]{1,256}");
  private static final Pattern TIMESTAMP = Pattern.compile("\\d{1,12}");
  /** Most delivery ids one webhook remembers; beyond it deliveries get 429 until the oldest expire. */
  static final int MAX_REMEMBERED_DELIVERIES = 100_000;
  /** {@code Retry-After} of a 503 when the cluster's replay window cannot be asked: about a failure detection. */
  static final int SHARED_WINDOW_RETRY_AFTER_SECONDS = 5;
  /**
   * Deepest body accepted: the nesting limit events are written with (Jackson's
   * {@code StreamWriteConstraints}, 1000) less room for the event that carries the body as
   * {@code args} (one level) and for processors that wrap it. A body the sink could not write is
   * refused here with 400 instead of failing later in the pipeline.
   */
  static final int MAX_BODY_DEPTH = StreamWriteConstraints.defaults().getMaxNestingDepth() - 10;

  private final Function<String, Optional<WebhookTrigger>> webhooks;
  private final InstantSource clock;
  private final LongSupplier nanoTime;
  // by identity: triggers do not override equals
  private final Map<WebhookTrigger, Guard> guards = new ConcurrentHashMap<>();
  private final BooleanSupplier closing;
  private final SharedReplayWindow sharedReplays;

  private WebhookRoutes(Function<String, Optional<WebhookTrigger>> webhooks, InstantSource clock,
                        LongSupplier nanoTime, BooleanSupplier closing, SharedReplayWindow sharedReplays) {
    this.webhooks = webhooks;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.closing = closing;
    this.sharedReplays = sharedReplays;
  }

  /**
   * @param webhooks finds the webhook trigger of a name
   * @param maxBodyBytes larger bodies are refused with 413
   */
  public static void mount(Router router, Function<String, Optional<WebhookTrigger>> webhooks, long maxBodyBytes) {
    mount(router, webhooks, maxBodyBytes, () -> false);
  }

  /**
   * Like {@link #mount(Router, Function, long)}; while {@code closing} says so, every webhook is
   * refused with 503 and {@code Retry-After}, so that nothing is accepted that shutdown would drop.
   */
  public static void mount(Router router, Function<String, Optional<WebhookTrigger>> webhooks, long maxBodyBytes,
                           BooleanSupplier closing) {
    mount(router, webhooks, maxBodyBytes, closing, null);
  }

  /**
   * Like {@link #mount(Router, Function, long, BooleanSupplier)}, with the delivery ids of signed webhooks
   * remembered in {@code sharedReplays} (the cluster's) instead of in this process.
   *
   * @param sharedReplays {@code null}: each webhook remembers its deliveries in this process
   */
  public static void mount(Router router, Function<String, Optional<WebhookTrigger>> webhooks, long maxBodyBytes,
                           BooleanSupplier closing, SharedReplayWindow sharedReplays) {
    mount(router, webhooks, maxBodyBytes, InstantSource.system(), System::nanoTime, closing, sharedReplays);
  }

  /**
   * Like {@link #mount(Router, Function, long)}, with the clock timestamps are checked against
   * (the real one: senders sign with real time) and the monotonic clock of rate limits.
   */
  static void mount(Router router, Function<String, Optional<WebhookTrigger>> webhooks, long maxBodyBytes,
                    InstantSource clock, LongSupplier nanoTime) {
    mount(router, webhooks, maxBodyBytes, clock, nanoTime, () -> false, null);
  }

  private static void mount(Router router, Function<String, Optional<WebhookTrigger>> webhooks, long maxBodyBytes,
                            InstantSource clock, LongSupplier nanoTime, BooleanSupplier closing,
                            SharedReplayWindow sharedReplays) {
    WebhookRoutes routes = new WebhookRoutes(webhooks, clock, nanoTime, closing, sharedReplays);
    // the name and the head are checked on a route of their own, before any body is read (vertx-web
    // wants a body handler before any user handler of its route)
    router.post("/webhooks/:name").handler(routes::requireKnownName).handler(routes::checkHead);
    router.post("/webhooks/:name")
      .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
      .handler(routes::fire)
      .failureHandler(routes::countFailure);
  }

  private void requireKnownName(RoutingContext ctx) {
    if (closing.getAsBoolean()) {
      HttpErrors.shuttingDown(ctx);
      return;
    }
    String name = ctx.pathParam("name");
    Optional<WebhookTrigger> webhook = webhooks.apply(name);
    if (webhook.isEmpty()) {
      HttpErrors.send(ctx, 404, "no webhook named '" + name + "'");
      return;
    }
    ctx.put(WebhookTrigger.class.getName(), webhook.get());
    ctx.next();
  }

  /** Everything that can be refused from the request head alone, before the body is read. */
  private void checkHead(RoutingContext ctx) {
    WebhookTrigger trigger = ctx.get(WebhookTrigger.class.getName());
    HttpServerRequest request = ctx.request();
    long waitNanos = guard(trigger).takeToken(nanoTime.getAsLong());
    if (waitNanos > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(
        waitNanos + 999_999_999))));
      refuse(ctx, trigger, Refusal.RATE_LIMIT, 429, "rate limit exceeded");
      return;
    }
    if (trigger.hasToken()) {
      String presented = bearer(request.getHeader("Authorization"));
      if (!trigger.tokenMatches(presented)) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        refuse(ctx, trigger, Refusal.TOKEN, 401, presented == null ? "token missing" : "token invalid");
        return;
      }
    }
    if (trigger.signature() == Signature.STANDARD) {
      String id = request.getHeader("webhook-id");
      String timestamp = request.getHeader("webhook-timestamp");
      List<String> absent = Stream.of("webhook-id", "webhook-timestamp", "webhook-signature")
        .filter(header -> request.getHeader(header) == null).toList();
      if (!absent.isEmpty()) {
        refuse(ctx, trigger, Refusal.SIGNATURE, 401, "signature missing: no " + String.join(", ", absent)
          + (absent.size() == 1 ? " header" : " headers"));
        return;
      }
      if (!DELIVERY_ID.matcher(id).matches()) {
        refuse(ctx, trigger, Refusal.SIGNATURE, 401, "signature invalid");
        return;
      }
      if (!TIMESTAMP.matcher(timestamp).matches()) {
        refuse(ctx, trigger, Refusal.TIMESTAMP, 401, "timestamp invalid: webhook-timestamp must be Unix seconds");
        return;
      }
      if (!withinTolerance(timestamp, trigger)) {
        refuse(ctx, trigger, Refusal.TIMESTAMP, 401, "timestamp outside tolerance");
        return;
      }
    } else if (trigger.signature() == Signature.GITHUB && request.getHeader("X-Hub-Signature-256") == null) {
      refuse(ctx, trigger, Refusal.SIGNATURE, 401, "signature missing: no X-Hub-Signature-256 header");
      return;
    }
    String contentType = request.getHeader("Content-Type");
    if (contentType != null && !isJson(contentType)) {
      refuse(ctx, trigger, Refusal.CONTENT_TYPE, 415, "body must be JSON: send Content-Type: application/json");
      return;
    }
    ctx.next();
  }

  /**
   * The firing id of an unsigned delivery that names itself: anyone may send any {@code webhook-id}
   * to an unsigned webhook, so it is only trusted within this trigger's namespace. A sink that
   * deduplicates by firing id then still recognises the sender's retries, and no caller can make
   * an event carry the firing id of a time trigger's slot or of another trigger's delivery.
   */
  static String unsignedFiring(WebhookTrigger trigger, String deliveryId) {
    return trigger.id() + "/unsigned:" + deliveryId;
  }

  private void fire(RoutingContext ctx) {
    WebhookTrigger trigger = ctx.get(WebhookTrigger.class.getName());
    HttpServerRequest request = ctx.request();
    Buffer buffer = ctx.body().buffer();
    byte[] body = buffer == null ? new byte[0] : buffer.getBytes();
    String delivery;
    switch (trigger.signature()) {
      case STANDARD -> {
        delivery = request.getHeader("webhook-id");
        byte[] key = trigger.signingKey().orElseThrow();
        if (!WebhookSignatures.standardMatches(key, delivery, request.getHeader("webhook-timestamp"), body,
          request.getHeader("webhook-signature"))) {
          refuse(ctx, trigger, Refusal.SIGNATURE, 401, "signature invalid");
          return;
        }
      }
      case GITHUB -> {
        byte[] key = trigger.signingKey().orElseThrow();
        if (!WebhookSignatures.githubMatches(key, body, request.getHeader("X-Hub-Signature-256"))) {
          refuse(ctx, trigger, Refusal.SIGNATURE, 401, "signature invalid");
          return;
        }
        String github = request.getHeader("X-GitHub-Delivery");
        delivery = github != null && DELIVERY_ID.matcher(github).matches() ? github : null;
      }
      default -> {
        String claimed = request.getHeader("webhook-id");
        if (claimed != null && !DELIVERY_ID.matcher(claimed).matches()) {
          refuse(ctx, trigger, Refusal.BAD_BODY, 400, "webhook-id must be 1-256 visible ASCII characters");
          return;
        }
        // nothing vouches for an unsigned id: kept for the sender's retries, but in this trigger's
        // own namespace, so it can never pose as another trigger's firing (every-minute@...)
        delivery = claimed == null ? null : unsignedFiring(trigger, claimed);
      }
    }
    JsonObject args;
    try {
      args = parseBody(buffer);
    } catch (IllegalArgumentException e) {
      refuse(ctx, trigger, Refusal.BAD_BODY, 400, e.getMessage());
      return;
    }
    if (trigger.signature() != Signature.STANDARD) {
      accept(ctx, trigger, args, delivery, () -> { });
      return;
    }
    long now = clock.millis();
    long expires = Long.parseLong(request.getHeader("webhook-timestamp")) * 1000 + trigger.tolerance().toMillis();
    if (sharedReplays != null) {
      String id = delivery;
      sharedReplays.record(trigger.id(), id, Math.max(1, expires - now)).onComplete(ar -> {
        if (ar.failed()) {
          // nobody can tell whether another node took it: refusing is safe, the sender retries
          ctx.response().putHeader("Retry-After", Integer.toString(SHARED_WINDOW_RETRY_AFTER_SECONDS));
          HttpErrors.send(ctx, 503, ar.cause() instanceof SharedReplayWindow.NoQuorum noQuorum
            ? noQuorum.getMessage() + ": cannot tell whether another node took this delivery; retry later"
            : "cannot check the cluster for a replay of this delivery (no quorum?); retry later");
        } else if (!ar.result()) {
          refuse(ctx, trigger, Refusal.REPLAY, 409, "delivery '" + id + "' was already received");
        } else {
          accept(ctx, trigger, args, id, () -> sharedReplays.forget(trigger.id(), id));
        }
      });
      return;
    }
    Guard guard = guard(trigger);
    switch (guard.replays.record(delivery, expires, now)) {
      case REPLAY -> refuse(ctx, trigger, Refusal.REPLAY, 409, "delivery '" + delivery + "' was already received");
      case FULL -> {
        ctx.response().putHeader("Retry-After",
          Long.toString(Math.max(1, (guard.replays.millisUntilRoom(now) + 999) / 1000)));
        refuse(ctx, trigger, Refusal.RATE_LIMIT, 429, "too many deliveries within the tolerance");
      }
      default -> {
        String id = delivery;
        accept(ctx, trigger, args, id, () -> guard.replays.forget(id));
      }
    }
  }

  /**
   * Fires an accepted delivery and answers 202, or refuses it (shutting down, paused, flow control).
   *
   * @param forget undoes the delivery's record in the replay window when it is not fired, so that the
   *     sender's retry gets through
   */
  private void accept(RoutingContext ctx, WebhookTrigger trigger, JsonObject args, String delivery, Runnable forget) {
    if (closing.getAsBoolean()) {
      // shutdown began while the body was read
      forget.run();
      HttpErrors.shuttingDown(ctx);
      return;
    }
    if (trigger.decidedByOwner()) {
      // flow control in a cluster: the node owning the delivery's key decides, maybe another node
      trigger.submitDeliveryToOwner(args, delivery)
        .onSuccess(result -> answer(ctx, trigger, forget, result))
        .onFailure(failure -> {
          forget.run(); // not accepted: the sender's retry must get through
          ctx.fail(failure);
        });
    } else {
      answer(ctx, trigger, forget, trigger.submitDelivery(args, delivery));
    }
  }

  /** Answers a delivery with what became of it; {@code forget} undoes its replay record if it did not fire. */
  private static void answer(RoutingContext ctx, WebhookTrigger trigger, Runnable forget, FireResult result) {
    if (result.status() == FireResult.Status.PAUSED || result.status() == FireResult.Status.REFUSED) {
      // not fired: the sender's retry, once the trigger resumes (or the rate allows), must get through
      forget.run();
      if (result.status() == FireResult.Status.REFUSED) {
        refuse(ctx, trigger, Refusal.RATE_LIMIT, 429, result.reason()); // flow control (flow.rateLimit, flow.throttle)
      } else {
        refuse(ctx, trigger, Refusal.PAUSED, 409, "trigger '" + trigger.id() + "' is paused");
      }
      return;
    }
    // with a fire journal, answered once the fire is on disk; never 202 for a fire that is not
    result.published().onComplete(published -> {
      if (published.failed()) {
        forget.run(); // not accepted: the sender's retry must get through
        HttpErrors.notJournaled(ctx, published.cause());
        return;
      }
      JsonObject answer = new JsonObject().put("trigger", trigger.id());
      HttpErrors.json(ctx.response(), 202,
        result.event() == null ? answer.put("held", result.reason()) : answer.put("firing", result.event().firing()));
    });
  }

  /** Counts the failures of this route (413 from the body handler), then lets the error handler answer. */
  private void countFailure(RoutingContext ctx) {
    WebhookTrigger trigger = ctx.get(WebhookTrigger.class.getName());
    if (trigger != null && ctx.statusCode() == 413) {
      trigger.refused(Refusal.TOO_LARGE);
    }
    ctx.next();
  }

  private static void refuse(RoutingContext ctx, WebhookTrigger trigger, Refusal reason, int status, String message) {
    trigger.refused(reason);
    HttpErrors.send(ctx, status, message);
  }

  private Guard guard(WebhookTrigger trigger) {
    Optional<WebhookTrigger.RateLimit> limit = trigger.rateLimit();
    Guard guard = guards.get(trigger);
    if (guard == null || !guard.limit.equals(limit)) {
      // first request, or the limit changed before the trigger was deployed
      guard = new Guard(limit, limit.map(l -> new TokenBucket(l, nanoTime.getAsLong())).orElse(null),
        new ReplayCache(MAX_REMEMBERED_DELIVERIES));
      guards.put(trigger, guard);
    }
    return guard;
  }

  private boolean withinTolerance(String timestamp, WebhookTrigger trigger) {
    if (!TIMESTAMP.matcher(timestamp).matches()) {
      return false;
    }
    long skewMillis = Math.abs(clock.millis() - Long.parseLong(timestamp) * 1000);
    return skewMillis <= trigger.tolerance().toMillis();
  }

  private static String bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = authorization.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  /** {@code application/json} or {@code application/<anything>+json}, parameters (charset) allowed. */
  static boolean isJson(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
  }

  /** The rate limiter and replay cache of one webhook. */
  private record Guard(Optional<WebhookTrigger.RateLimit> limit, TokenBucket bucket, ReplayCache replays) {
    long takeToken(long nowNanos) {
      return bucket == null ? 0 : bucket.tryTake(nowNanos);
    }
  }

  /**
   * @return the body as a JSON object; an empty or blank body is {@code {}}
   * @throws IllegalArgumentException when the body is not strict UTF-8 (overlong forms included), not
   *     JSON within Jackson's limits (nesting 1000, numbers of 1000 digits), not an object, nests
   *     deeper than {@link #MAX_BODY_DEPTH}, or holds a number no double can hold
   */
  static JsonObject parseBody(Buffer body) {
    if (body == null || body.length() == 0) {
      return new JsonObject();
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(body.getBytes()))
        .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("body is not valid UTF-8");
    }
    if (text.isBlank()) {
      return new JsonObject();
    }
    Object value;
    try {
      value = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("body is not valid JSON");
    }
    if (!(value instanceof JsonObject json)) {
      throw new IllegalArgumentException("body must be a JSON object, got " + kind(value));
    }
    checkWritable(json, 1);
    return json;
  }

  /**
   * Walks the decoded body (whose depth Jackson has already bounded) for what the sink could not
   * write: nesting beyond {@link #MAX_BODY_DEPTH}, and numbers out of the range of a double (1e999
   * would reach sinks as Infinity, which JSON cannot carry).
   */
  private static void checkWritable(Object value, int depth) {
    if (value instanceof Double d && !Double.isFinite(d) || value instanceof Float f && !Float.isFinite(f)) {
      throw new IllegalArgumentException("body holds a number out of the range of a double");
    }
    if ((value instanceof JsonObject || value instanceof JsonArray) && depth > MAX_BODY_DEPTH) {
      throw new IllegalArgumentException("body nests deeper than " + MAX_BODY_DEPTH
        + " levels, the most an event can carry (events are written with a nesting limit of "
        + StreamWriteConstraints.defaults().getMaxNestingDepth() + ")");
    }
    if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        checkWritable(entry.getValue(), depth + 1);
      }
    } else if (value instanceof JsonArray array) {
      for (Object element : array) {
        checkWritable(element, depth + 1);
      }
    }
  }

  private static String kind(Object value) {
    if (value instanceof JsonArray) {
      return "an array";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    return "null";
  }
}
