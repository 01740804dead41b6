package dev.pump.http;

import dev.pump.pipeline.Pipeline;
import dev.pump.trigger.CronSchedule;
import dev.pump.trigger.Trigger;
import dev.pump.trigger.Zones;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The management API, routes under {@code /api/} behind {@link ApiAuth}. Every answer is JSON;
 * errors are {@code {"error": "..."}} (see {@link HttpErrors}).
 * <ul>
 *   <li>{@code GET /api/triggers}: an array of trigger snapshots ({@link Trigger#snapshot()}: id, type,
 *       spec, zone, paused, lastFiredAt, nextFireAt, fireCount, sources ...);
 *       {@code GET /api/triggers/{id}}: one of them, with {@code "recentFirings"} when mounted with a
 *       {@link FiringLog}.</li>
 *   <li>{@code POST /api/triggers/{id}/fire}: fires now (503 with {@code Retry-After} once shutdown
 *       has begun); the body (a JSON object, or empty) becomes
 *       {@code args}; 202 {@code {"trigger", "firing"}} (with a fire journal: once the fire is on disk; 503
 *       with {@code Retry-After} when it cannot be written), 409 when the trigger is paused, 400 when the body
 *       is not a JSON object, 413 over the body limit.</li>
 *   <li>{@code POST /api/triggers/{id}/pause}, {@code /resume}: 200 with the trigger's snapshot; both are
 *       idempotent.</li>
 *   <li>{@code POST|GET|DELETE /api/triggers/{id}/backfill}: see {@link BackfillRoutes}.</li>
 *   <li>{@code GET /api/pipelines}: an array of pipeline snapshots ({@link Pipeline#snapshot()}: ready,
 *       throttles, error, lastWarning, counters), each with {@code "sources"}: the snapshots of the sources
 *       feeding it; {@code GET /api/pipelines/{id}}: one of them.</li>
 *   <li>{@code POST /api/pipelines/{id}/clear-error}: leaves the error state; 200 with the snapshot.</li>
 *   <li>{@code GET /api/cron/next?expr=E&zone=Z&from=ISO&n=N}: {@code {"expr", "zone", "next": [...]}}, the
 *       next N (default 5, 1-1000) fire times after {@code from} (default: now on the application's clock) as
 *       ISO-8601 with the offset of {@code zone} (default: the system zone), e.g.
 *       {@code 2026-03-30T09:00:00+02:00}. 400 naming the parameter for an invalid {@code expr}, {@code zone},
 *       {@code from} or {@code n}. A '+' sent unencoded in {@code from} or {@code zone} arrives as a space and
 *       is read as '+'.</li>
 * </ul>
 * An unknown trigger or pipeline id answers 404 {@code {"error": "no trigger 'x'"}}.
 */
public final class ManagementApi {

  /** Body limit of the 3-argument {@link #mount(Router, PumpView, ApiAuth)}: 1 MiB, as http.maxBodyBytes. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  static final int MAX_NEXT = 1000;
  private static final int DEFAULT_NEXT = 5;

  /** Firings listed by {@code GET /api/triggers/{id}} as {@code "recentFirings"}. */
  static final int RECENT_FIRINGS = 20;

  private final PumpView view;
  private final FiringLog firings;

  private ManagementApi(PumpView view, FiringLog firings) {
    this.view = view;
    this.firings = firings;
  }

  /** Like {@link #mount(Router, PumpView, ApiAuth, long)} with a body limit of 1 MiB. */
  public static void mount(Router router, PumpView view, ApiAuth auth) {
    mount(router, view, auth, DEFAULT_MAX_BODY_BYTES);
  }

  /**
   * Mounts the API under {@code /api/} on {@code router}. The router's own errors (404, 405) stay JSON as long
   * as {@link HttpErrors#install(Router)} was called on it.
   *
   * @param auth decides who is answered; checked before anything else, so an unauthorised caller learns
   *     nothing, not even whether a route exists
   * @param maxBodyBytes POST bodies larger than this are refused with 413
   */
  public static void mount(Router router, PumpView view, ApiAuth auth, long maxBodyBytes) {
    mount(router, view, auth, maxBodyBytes, null);
  }

  /**
   * Like {@link #mount(Router, PumpView, ApiAuth, long)}, and {@code GET /api/triggers/{id}} also lists the
   * trigger's last {@value #RECENT_FIRINGS} firings as {@code "recentFirings"} (newest first, entries of
   * {@link FiringLog}).
   *
   * @param firings the log to read them from; {@code null}: no {@code "recentFirings"}
   */
  public static void mount(Router router, PumpView view, ApiAuth auth, long maxBodyBytes, FiringLog firings) {
    Objects.requireNonNull(router, "router");
    Objects.requireNonNull(auth, "auth");
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 0, got " + maxBodyBytes);
    }
    ManagementApi api = new ManagementApi(Objects.requireNonNull(view, "view"), firings);
    // Plain routes under /api rather than a sub-router: Router.router(vertx) needs a Vertx, which neither
    // the Router nor the PumpView passed here exposes. Behaviour is the same: auth first, then the routes,
    // and anything unmatched falls through to the router's JSON 404/405.
    router.route("/api/*").handler(auth);

    router.get("/api/triggers").handler(api::listTriggers);
    router.get("/api/triggers/:id").handler(api::getTrigger);
    post(router, "/api/triggers/:id/fire", api::requireTrigger, maxBodyBytes, api::fire);
    post(router, "/api/triggers/:id/pause", api::requireTrigger, maxBodyBytes, ctx -> api.pauseOrResume(ctx, true));
    post(router, "/api/triggers/:id/resume", api::requireTrigger, maxBodyBytes, ctx -> api.pauseOrResume(ctx, false));
    BackfillRoutes.mount(router, view, maxBodyBytes);

    router.get("/api/pipelines").handler(api::listPipelines);
    router.get("/api/pipelines/:id").handler(api::getPipeline);
    post(router, "/api/pipelines/:id/clear-error", api::requirePipeline, maxBodyBytes, api::clearError);

    router.get("/api/cron/next").handler(api::cronNext);
  }

  /**
   * A POST route whose id is looked up on a route of its own, so an unknown id is refused before any body
   * is read (vertx-web also refuses a BodyHandler after a plain handler on one route).
   */
  private static void post(Router router, String path, Handler<RoutingContext> lookup, long maxBodyBytes,
                           Handler<RoutingContext> action) {
    router.post(path).handler(lookup);
    router.post(path).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes)).handler(action);
  }

  // -------------------------------------------------------------------------------------------------
  // Triggers

  private void listTriggers(RoutingContext ctx) {
    ok(ctx, 200, new JsonArray(view.triggers().stream().map(Trigger::snapshot).toList()));
  }

  private void getTrigger(RoutingContext ctx) {
    trigger(ctx).ifPresent(trigger -> {
      JsonObject snapshot = trigger.snapshot();
      if (firings != null) {
        snapshot.put("recentFirings", new JsonArray(firings.recent(trigger.id(), RECENT_FIRINGS)));
      }
      ok(ctx, 200, snapshot);
    });
  }

  private void requireTrigger(RoutingContext ctx) {
    trigger(ctx).ifPresent(trigger -> {
      ctx.put(Trigger.class.getName(), trigger);
      ctx.next();
    });
  }

  private void fire(RoutingContext ctx) {
    if (view.isClosing()) {
      HttpErrors.shuttingDown(ctx);
      return;
    }
    Trigger trigger = ctx.get(Trigger.class.getName());
    JsonObject args;
    try {
      args = WebhookRoutes.parseBody(ctx.body().buffer());
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, e.getMessage());
      return;
    }
    // in a cluster, the node owning the event's flow-control key decides (answered at once otherwise)
    trigger.submitToOwner(args).onSuccess(result -> {
      switch (result.status()) {
        case PAUSED -> HttpErrors.send(ctx, 409, "trigger '" + trigger.id() + "' is paused");
        case REFUSED -> HttpErrors.send(ctx, 429, result.reason());
        case HELD -> ok(ctx, 202, new JsonObject().put("trigger", trigger.id()).put("held", result.reason()));
        // with a fire journal, answered once the fire is on disk; never 202 for a fire that is not
        case FIRED -> result.published().onComplete(published -> {
          if (published.failed()) {
            HttpErrors.notJournaled(ctx, published.cause());
          } else {
            ok(ctx, 202, new JsonObject().put("trigger", trigger.id()).put("firing", result.event().firing()));
          }
        });
      }
    });
  }

  private void pauseOrResume(RoutingContext ctx, boolean pause) {
    Trigger trigger = ctx.get(Trigger.class.getName());
    if (pause) {
      trigger.pause();
    } else {
      trigger.resume();
    }
    ok(ctx, 200, trigger.snapshot());
  }

  private Optional<Trigger> trigger(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Optional<Trigger> trigger = view.trigger(id);
    if (trigger.isEmpty()) {
      HttpErrors.send(ctx, 404, "no trigger '" + id + "'");
    }
    return trigger;
  }

  // -------------------------------------------------------------------------------------------------
  // Pipelines

  private void listPipelines(RoutingContext ctx) {
    ok(ctx, 200, new JsonArray(view.pipelines().stream().map(this::pipelineJson).toList()));
  }

  private void getPipeline(RoutingContext ctx) {
    pipeline(ctx).ifPresent(pipeline -> ok(ctx, 200, pipelineJson(pipeline)));
  }

  private void requirePipeline(RoutingContext ctx) {
    pipeline(ctx).ifPresent(pipeline -> {
      ctx.put(Pipeline.class.getName(), pipeline);
      ctx.next();
    });
  }

  private void clearError(RoutingContext ctx) {
    Pipeline pipeline = ctx.get(Pipeline.class.getName());
    pipeline.clearError();
    ok(ctx, 200, pipelineJson(pipeline));
  }

  private JsonObject pipelineJson(Pipeline pipeline) {
    return pipeline.snapshot().put("sources", view.sourcesOf(pipeline.id()));
  }

  private Optional<Pipeline> pipeline(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Optional<Pipeline> pipeline = view.pipeline(id);
    if (pipeline.isEmpty()) {
      HttpErrors.send(ctx, 404, "no pipeline '" + id + "'");
    }
    return pipeline;
  }

  // -------------------------------------------------------------------------------------------------
  // Cron

  private void cronNext(RoutingContext ctx) {
    CronQuery query;
    try {
      query = CronQuery.parse(ctx.queryParams().get("expr"), ctx.queryParams().get("zone"),
        ctx.queryParams().get("from"), ctx.queryParams().get("n"), view);
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, e.getMessage());
      return;
    }
    // up to 1000 evaluations of a cron expression: off the event loop
    ctx.vertx().executeBlocking(query::answer, false).onComplete(ar -> {
      if (ar.succeeded()) {
        ok(ctx, 200, ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  /** A validated {@code /api/cron/next} request; every message names its parameter. */
  record CronQuery(String expr, CronSchedule schedule, ZoneId zone, Instant from, int n) {

    static CronQuery parse(String expr, String zoneText, String fromText, String nText, PumpView view) {
      if (expr == null || expr.isBlank()) {
        throw new IllegalArgumentException("query parameter 'expr' is required, e.g. expr=*/5 * * * *");
      }
      ZoneId zone = zone(zoneText);
      CronSchedule schedule;
      try {
        schedule = CronSchedule.parse(expr, zone);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("expr: " + e.getMessage());
      }
      Instant from = from(fromText, view);
      return new CronQuery(expr, schedule, zone, from, count(nText));
    }

    private static ZoneId zone(String text) {
      if (text == null || text.isEmpty()) {
        return ZoneId.systemDefault();
      }
      String id = plusFromSpace(text);
      try {
        return Zones.parse(id);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("zone: unknown time zone '" + id + "' (" + Zones.HINT + ")");
      }
    }

    private static Instant from(String text, PumpView view) {
      if (text == null || text.isEmpty()) {
        return view.clock().instant();
      }
      String iso = plusFromSpace(text);
      try {
        return Instant.parse(iso);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("from: '" + iso
          + "' is not an ISO-8601 instant such as 2026-03-30T07:00:00Z or 2026-03-30T09:00:00+02:00");
      }
    }

    private static int count(String text) {
      if (text == null || text.isEmpty()) {
        return DEFAULT_NEXT;
      }
      int n;
      try {
        n = Integer.parseInt(text.strip());
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > MAX_NEXT) {
        throw new IllegalArgumentException("n: must be a whole number from 1 to " + MAX_NEXT + ", got '" + text + "'");
      }
      return n;
    }

    /** A '+' not percent-encoded in a query string decodes as a space; neither parameter can hold one. */
    private static String plusFromSpace(String text) {
      return text.replace(' ', '+');
    }

    JsonObject answer() {
      List<Instant> next = schedule.next(from, n);
      JsonArray times = new JsonArray();
      JsonArray shifted = new JsonArray();
      for (Instant instant : next) {
        String time = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atZone(zone));
        times.add(time);
        if (schedule.isShifted(instant)) {
          shifted.add(time);
        }
      }
      JsonObject answer = new JsonObject().put("expr", expr).put("zone", zone.getId()).put("next", times);
      // only where it happens: slots moved out of a daylight-saving gap
      return shifted.isEmpty() ? answer : answer.put("shifted", shifted);
    }
  }

  // -------------------------------------------------------------------------------------------------

  private static void ok(RoutingContext ctx, int status, JsonObject json) {
    send(ctx, status, json.encode());
  }

  private static void ok(RoutingContext ctx, int status, JsonArray json) {
    send(ctx, status, json.encode());
  }

  private static void send(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
  }
}
