package dev.pump.http;

import dev.pump.pipeline.Pipeline;
import dev.pump.trigger.Trigger;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;

import java.util.Objects;
import java.util.function.Function;

/**
 * The management API: routes of the {@code /api} sub-router ({@link ApiRouter}, behind {@link ApiAuth}). Every
 * answer is JSON; errors are {@code {"error": "..."}} (see {@link HttpErrors}).
 * <ul>
 *   <li>{@code GET /api/triggers}: an array of trigger snapshots ({@link Trigger#snapshot()}: id, type,
 *       spec, zone, paused, lastFiredAt, nextFireAt, fireCount, sources ...);
 *       {@code GET /api/triggers/{id}}: one of them, with {@code "recentFirings"} when mounted with a
 *       {@link FiringLog}.</li>
 *   <li>{@code POST /api/triggers/{id}/fire}: fires now (503 with {@code Retry-After} once shutdown
 *       has begun); the body (a JSON object, or empty) becomes
 *       {@code args}; 202 {@code {"trigger", "firing"}}, or {@code {"trigger", "held"}} when flow control holds
 *       it (with a fire journal: once the fire or the held event is on disk; 503 with {@code Retry-After} when
 *       it cannot be written), 429 when flow control refuses it, 409 when the trigger is paused, 400 when the body
 *       is not a JSON object, 413 over the body limit.</li>
 *   <li>{@code POST /api/triggers/{id}/pause}, {@code /resume}: 200 with the trigger's snapshot; both are
 *       idempotent.</li>
 *   <li>{@code POST|GET|DELETE /api/triggers/{id}/backfill}: see {@link BackfillRoutes}.</li>
 *   <li>{@code GET /api/pipelines}: an array of pipeline snapshots ({@link Pipeline#snapshot()}: ready,
 *       throttles, error, lastWarning, counters), each with {@code "sources"}: the snapshots of the sources
 *       feeding it; {@code GET /api/pipelines/{id}}: one of them.</li>
 *   <li>{@code POST /api/pipelines/{id}/clear-error}: leaves the error state; 200 with the snapshot.</li>
 *   <li>{@code GET /api/cron/next}, {@code GET /api/cron/describe}: see {@link CronRoutes}.</li>
 * </ul>
 * An unknown trigger or pipeline id answers 404 {@code {"error": "no trigger 'x'"}}.
 */
final class ManagementApi {

  /** Firings listed by {@code GET /api/triggers/{id}} as {@code "recentFirings"}. */
  static final int RECENT_FIRINGS = 20;

  private final PumpView view;
  private final FiringLog firings;

  private ManagementApi(PumpView view, FiringLog firings) {
    this.view = view;
    this.firings = firings;
  }

  /** Like {@link #mount(Router, PumpView, long, FiringLog)} with a body limit of 1 MiB and no firing log. */
  static void mount(Router api, PumpView view) {
    mount(api, view, HttpRoutes.DEFAULT_MAX_BODY_BYTES, null);
  }

  /**
   * Adds the API's routes to the {@code /api} sub-router, {@link CronRoutes} among them.
   *
   * @param api the router of {@link ApiRouter#mount}: paths here are relative to {@code /api}
   * @param maxBodyBytes POST bodies larger than this are refused with 413
   * @param firings where {@code GET /api/triggers/{id}} reads the trigger's last {@value #RECENT_FIRINGS}
   *     firings, listed as {@code "recentFirings"} (newest first); {@code null}: no {@code "recentFirings"}
   */
  static void mount(Router api, PumpView view, long maxBodyBytes, FiringLog firings) {
    Objects.requireNonNull(api, "api");
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 0, got " + maxBodyBytes);
    }
    ManagementApi routes = new ManagementApi(Objects.requireNonNull(view, "view"), firings);
    api.get("/triggers").respond(ctx -> ok(new JsonArray(view.triggers().stream().map(Trigger::snapshot).toList())));
    api.get("/triggers/:id").respond(routes::getTrigger);
    post(api, "/triggers/:id/fire", routes::requireTrigger, maxBodyBytes, routes::fire);
    post(api, "/triggers/:id/pause", routes::requireTrigger, maxBodyBytes, ctx -> routes.pauseOrResume(ctx, true));
    post(api, "/triggers/:id/resume", routes::requireTrigger, maxBodyBytes, ctx -> routes.pauseOrResume(ctx, false));
    BackfillRoutes.mount(api, view, maxBodyBytes);

    api.get("/pipelines")
      .respond(ctx -> ok(new JsonArray(view.pipelines().stream().map(routes::pipelineJson).toList())));
    api.get("/pipelines/:id").respond(ctx -> ok(routes.pipelineJson(routes.pipeline(ctx))));
    post(api, "/pipelines/:id/clear-error", routes::requirePipeline, maxBodyBytes, routes::clearError);

    CronRoutes.mount(api, view);
  }

  /**
   * A POST route whose id is looked up on a route of its own, so an unknown id is refused before any body
   * is read (vertx-web also refuses a BodyHandler after a plain handler on one route).
   */
  private static void post(Router api, String path, Handler<RoutingContext> lookup, long maxBodyBytes,
                           Function<RoutingContext, Future<Object>> action) {
    api.post(path).handler(lookup);
    api.post(path).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes)).respond(action);
  }

  /** The answer of a route that found what it was asked for: 200 unless the route set another status. */
  static Future<Object> ok(Object json) {
    return Future.succeededFuture(json);
  }

  // -------------------------------------------------------------------------------------------------
  // Triggers

  private Future<Object> getTrigger(RoutingContext ctx) {
    Trigger trigger = trigger(ctx);
    JsonObject snapshot = trigger.snapshot();
    if (firings != null) {
      snapshot.put("recentFirings", new JsonArray(firings.recent(trigger.id(), RECENT_FIRINGS)));
    }
    return ok(snapshot);
  }

  private void requireTrigger(RoutingContext ctx) {
    ctx.put(Trigger.class.getName(), trigger(ctx));
    ctx.next();
  }

  private Future<Object> fire(RoutingContext ctx) {
    if (view.isClosing()) {
      HttpErrors.shuttingDown(ctx);
      return Future.succeededFuture();
    }
    Trigger trigger = ctx.get(Trigger.class.getName());
    JsonObject args = WebhookRoutes.parseBody(ctx.body().buffer());
    JsonObject answer = new JsonObject().put("trigger", trigger.id());
    // in a cluster, the node owning the event's flow-control key decides (answered at once otherwise)
    return trigger.submitToOwner(args).compose(result -> switch (result.status()) {
      case PAUSED -> Future.failedFuture(new HttpException(409, "trigger '" + trigger.id() + "' is paused"));
      case REFUSED -> Future.failedFuture(new HttpException(429, result.reason()));
      // with a fire journal, answered once the fire (or the held event) is on disk; never 202 for one that is not
      case FIRED, HELD -> result.published().transform(published -> {
        if (published.failed()) {
          HttpErrors.notJournaled(ctx, published.cause());
          return Future.succeededFuture();
        }
        return accepted(ctx, result.event() == null ? answer.put("held", result.reason())
          : answer.put("firing", result.event().firing()));
      });
    });
  }

  private static Future<Object> accepted(RoutingContext ctx, JsonObject answer) {
    ctx.response().setStatusCode(202);
    return ok(answer);
  }

  private Future<Object> pauseOrResume(RoutingContext ctx, boolean pause) {
    Trigger trigger = ctx.get(Trigger.class.getName());
    if (pause) {
      trigger.pause();
    } else {
      trigger.resume();
    }
    return ok(trigger.snapshot());
  }

  /** @throws HttpException 404 when there is no trigger of the path's id */
  private Trigger trigger(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return view.trigger(id).orElseThrow(() -> new HttpException(404, "no trigger '" + id + "'"));
  }

  // -------------------------------------------------------------------------------------------------
  // Pipelines

  private void requirePipeline(RoutingContext ctx) {
    ctx.put(Pipeline.class.getName(), pipeline(ctx));
    ctx.next();
  }

  private Future<Object> clearError(RoutingContext ctx) {
    Pipeline pipeline = ctx.get(Pipeline.class.getName());
    pipeline.clearError();
    return ok(pipelineJson(pipeline));
  }

  private JsonObject pipelineJson(Pipeline pipeline) {
    return pipeline.snapshot().put("sources", view.sourcesOf(pipeline.id()));
  }

  /** @throws HttpException 404 when there is no pipeline of the path's id */
  private Pipeline pipeline(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return view.pipeline(id).orElseThrow(() -> new HttpException(404, "no pipeline '" + id + "'"));
  }
}
