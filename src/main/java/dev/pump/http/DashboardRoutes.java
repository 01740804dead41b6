package dev.pump.http;

import dev.pump.pipeline.Pipeline;
import dev.pump.trigger.TimeTrigger;
import dev.pump.trigger.Trigger;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The dashboard: a single page bundled in the jar under {@code webroot/} (plain HTML, CSS and JavaScript,
 * no CDN, nothing fetched at run time) and the live feed it reads.
 * <ul>
 *   <li>{@code GET /} redirects to {@code /ui/}, which serves {@code webroot/index.html}; {@code /ui/app.js},
 *       {@code /ui/app.css} and {@code /ui/favicon.svg} are its assets. Not behind {@link ApiAuth}: the page
 *       holds no data, it asks {@code /api/*} for it.</li>
 *   <li>{@code GET /api/stream}: Server-Sent Events, a route of the {@code /api} sub-router ({@link ApiRouter}),
 *       behind its {@link ApiAuth} like every other. An
 *       {@code event: state} at once and every second: {@code {"now", "node", "tokenRequired", "triggers"
 *       (snapshots with "schedule": the schedule in words), "pipelines" (snapshots with "sources"), "firings"
 *       (the last 50, newest first), "timeline" (see FiringLog#timeline), "members" (null when not
 *       clustered)}}; an {@code event: firing} with each new firing as it happens. Since a browser's
 *       {@code EventSource} cannot send headers, the API's auth accepts the token on this route alone also as
 *       {@code ?access_token=<token>} ({@link ApiAuth#acceptingQueryTokenOn}). A URL can end up in a proxy's log:
 *       the page sends the header everywhere else.</li>
 * </ul>
 * The page's cron playground asks {@code /api/cron/next} and {@code /api/cron/describe} ({@link CronRoutes}).
 */
final class DashboardRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(DashboardRoutes.class);

  /** Path of the event stream. */
  static final String STREAM_PATH = ApiRouter.PREFIX + "/stream";
  /** How often the stream sends the whole state. */
  static final long STATE_PERIOD_MS = 1000;
  /** Firings in each state message: the dashboard's table. */
  static final int FIRINGS_SHOWN = 50;
  /** Open streams at most; more are refused with 503 so that a leaking client cannot pile up timers. */
  static final int MAX_STREAMS = 64;
  private static final String WEBROOT = "webroot/";
  private static final Map<String, String> ASSETS = assetTypes();
  private static final String SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
    + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    + "form-action 'none'";

  private final Vertx vertx;
  private final PumpView view;
  private final ApiAuth auth;
  private final FiringLog log;
  private final Supplier<JsonArray> members;
  private final Map<String, Asset> assets;
  private final Map<String, String> words = new ConcurrentHashMap<>();
  private final AtomicInteger openStreams = new AtomicInteger();

  private DashboardRoutes(Vertx vertx, PumpView view, ApiAuth auth, FiringLog log, Supplier<JsonArray> members) {
    this.vertx = vertx;
    this.view = view;
    this.auth = auth;
    this.log = log;
    this.members = members;
    this.assets = loadAssets();
  }

  /**
   * Mounts the page on {@code root} and its feed on {@code api}.
   *
   * @param api the router of {@link ApiRouter#mount}, whose {@link ApiAuth} is {@code auth}
   * @param auth the {@link ApiAuth} of {@code /api/*}: the page is told whether it requires a token
   * @param log the firings to show; the caller starts it ({@link FiringLog#start()})
   * @param members the cluster's members, one JSON object each (e.g. {@code {"node", "address", "self"}}), asked
   *     once a second; {@code null} when the node is not clustered (the page then hides the section)
   * @throws IllegalStateException when the page's files are missing from the class path
   */
  static void mount(Router root, Router api, Vertx vertx, PumpView view, ApiAuth auth, FiringLog log,
                           Supplier<JsonArray> members) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(api, "api");
    DashboardRoutes routes = new DashboardRoutes(Objects.requireNonNull(vertx, "vertx"),
      Objects.requireNonNull(view, "view"), Objects.requireNonNull(auth, "auth"), Objects.requireNonNull(log, "log"),
      members);
    root.get("/").handler(ctx -> ctx.redirect("/ui/"));
    root.get("/ui/*").handler(routes::asset);
    api.get(STREAM_PATH.substring(ApiRouter.PREFIX.length())).handler(routes::stream);
  }

  // -------------------------------------------------------------------------------------------------
  // The page

  private void asset(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path.equals("/ui")) {
      ctx.redirect("/ui/");
      return;
    }
    String name = path.substring("/ui/".length());
    Asset asset = assets.get(name.isEmpty() ? "index.html" : name);
    if (asset == null) {
      HttpErrors.send(ctx, 404, "not found");
      return;
    }
    HttpServerResponse response = ctx.response()
      .putHeader("Content-Type", asset.type())
      .putHeader("Cache-Control", "no-cache")
      .putHeader("ETag", asset.etag())
      .putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("Referrer-Policy", "no-referrer")
      .putHeader("Content-Security-Policy", SECURITY_POLICY);
    if (asset.etag().equals(ctx.request().getHeader("If-None-Match"))) {
      response.setStatusCode(304).end();
      return;
    }
    response.end(asset.content());
  }

  private static Map<String, String> assetTypes() {
    Map<String, String> types = new LinkedHashMap<>();
    types.put("index.html", "text/html; charset=utf-8");
    types.put("app.css", "text/css; charset=utf-8");
    types.put("app.js", "text/javascript; charset=utf-8");
    types.put("favicon.svg", "image/svg+xml");
    return types;
  }

  private static Map<String, Asset> loadAssets() {
    Map<String, Asset> loaded = new LinkedHashMap<>();
    ClassLoader loader = DashboardRoutes.class.getClassLoader();
    for (Map.Entry<String, String> type : ASSETS.entrySet()) {
      try (InputStream in = loader.getResourceAsStream(WEBROOT + type.getKey())) {
        if (in == null) {
          throw new IllegalStateException("the dashboard's file " + WEBROOT + type.getKey()
            + " is missing from the class path");
        }
        byte[] bytes = in.readAllBytes();
        loaded.put(type.getKey(), new Asset(Buffer.buffer(bytes), type.getValue(), etag(bytes)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + WEBROOT + type.getKey(), e);
      }
    }
    return Map.copyOf(loaded);
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private record Asset(Buffer content, String type, String etag) {
  }

  // -------------------------------------------------------------------------------------------------
  // The stream

  /** Runs after the API's auth has let the caller through. */
  private void stream(RoutingContext ctx) {
    if (openStreams.incrementAndGet() > MAX_STREAMS) {
      openStreams.decrementAndGet();
      HttpErrors.send(ctx, 503, "too many open dashboard streams (" + MAX_STREAMS + ")");
      return;
    }
    new Stream(ctx.response(), vertx.getOrCreateContext()).open();
  }

  /** One open event stream: a state every second and each firing, written on the request's context. */
  private final class Stream {
    private final HttpServerResponse response;
    private final Context context;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Consumer<JsonObject> onFiring;
    private long timer = -1;

    Stream(HttpServerResponse response, Context context) {
      this.response = response;
      this.context = context;
      this.onFiring = entry -> this.context.runOnContext(v -> send("firing", entry.encode()));
    }

    void open() {
      response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache, no-store")
        .putHeader("X-Accel-Buffering", "no");
      response.closeHandler(v -> close());
      response.exceptionHandler(e -> close());
      response.write("retry: 2000\n\n");
      sendState();
      timer = vertx.setPeriodic(STATE_PERIOD_MS, id -> sendState());
      log.addListener(onFiring);
    }

    private void sendState() {
      JsonObject state;
      try {
        state = state();
      } catch (RuntimeException e) {
        LOG.warn("Cannot build the dashboard's state", e);
        return;
      }
      send("state", state.encode());
    }

    /** Drops the message when the client does not keep up: the next state has the firings anyway. */
    private void send(String event, String json) {
      if (closed.get() || response.ended() || response.closed() || response.writeQueueFull()) {
        return;
      }
      response.write("event: " + event + "\ndata: " + json + "\n\n");
    }

    private void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      openStreams.decrementAndGet();
      log.removeListener(onFiring);
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }
  }

  /** What the page shows, as one JSON object; see the class documentation. */
  JsonObject state() {
    Instant now = view.clock().instant();
    JsonArray triggers = new JsonArray();
    for (Trigger trigger : view.triggers()) {
      triggers.add(trigger.snapshot().put("schedule", words(trigger)));
    }
    JsonArray pipelines = new JsonArray();
    for (Pipeline pipeline : view.pipelines()) {
      pipelines.add(pipeline.snapshot().put("sources", view.sourcesOf(pipeline.id())));
    }
    return new JsonObject()
      .put("now", now.toString())
      .put("node", view.nodeId())
      .put("tokenRequired", auth.requiresToken())
      .put("triggers", triggers)
      .put("pipelines", pipelines)
      .put("firings", new JsonArray(log.recent(FIRINGS_SHOWN)))
      .put("timeline", log.timeline(now))
      .put("members", members());
  }

  private JsonArray members() {
    if (members == null) {
      return null;
    }
    try {
      return members.get();
    } catch (RuntimeException e) {
      LOG.debug("Cannot list the cluster's members", e);
      return new JsonArray();
    }
  }

  /** The schedule in words; a trigger's spec and bounds never change, so the words are kept per type, spec and bounds. */
  private String words(Trigger trigger) {
    String key = trigger.type() + '\u0000' + trigger.spec()
      + (trigger instanceof TimeTrigger time ? '\u0000' + time.bounds().words() : "");
    String known = words.get(key);
    if (known != null) {
      return known;
    }
    String text = view.describe(trigger);
    if (words.size() < 10_000) {
      words.put(key, text);
    }
    return text;
  }
}
