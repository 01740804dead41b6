package dev.pump.http;

import dev.pump.trigger.Backfill;
import dev.pump.trigger.TimeTrigger;
import dev.pump.trigger.Trigger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Backfill of a time trigger's past slots, routes of the {@code /api} sub-router (behind its auth):
 * <ul>
 *   <li>{@code POST /api/triggers/{id}/backfill {"from": ISO, "to": ISO, "rate": 10}}: starts firing every
 *       slot in {@code [from, to)} once, oldest first, {@code rate} per second (default
 *       {@value Backfill#DEFAULT_RATE}, at most {@value Backfill#MAX_RATE}); 202 with the progress. 400 naming
 *       the field for a body that is not a JSON object, a missing or malformed instant, {@code to} not after
 *       {@code from} or in the future, more than {@value Backfill#MAX_SLOTS} slots, a bad rate, an unknown field,
 *       or a trigger that is not a time trigger; 409 while another backfill of the trigger runs.</li>
 *   <li>{@code GET /api/triggers/{id}/backfill}: the progress of the running or last backfill; 404 if none.</li>
 *   <li>{@code DELETE /api/triggers/{id}/backfill}: cancels it; 200 with the progress; 404 if none.</li>
 * </ul>
 */
final class BackfillRoutes {

  private static final List<String> FIELDS = List.of("from", "to", "rate");
  private static final String PATH = "/triggers/:id/backfill";

  private final PumpView view;

  private BackfillRoutes(PumpView view) {
    this.view = view;
  }

  /** Adds the three routes to the {@code /api} sub-router; a thrown {@link IllegalArgumentException} answers 400. */
  static void mount(Router api, PumpView view, long maxBodyBytes) {
    BackfillRoutes routes = new BackfillRoutes(view);
    api.post(PATH).handler(routes::requireTimeTrigger);
    api.post(PATH).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes)).respond(routes::start);
    api.get(PATH).handler(routes::requireTimeTrigger).respond(routes::progress);
    api.delete(PATH).handler(routes::requireTimeTrigger).respond(routes::cancel);
  }

  private void requireTimeTrigger(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Trigger trigger = view.trigger(id).orElseThrow(() -> new HttpException(404, "no trigger '" + id + "'"));
    if (!(trigger instanceof TimeTrigger time)) {
      throw new IllegalArgumentException("trigger '" + id + "' is a " + trigger.type()
        + " trigger: only time triggers (cron, periodic) have slots to backfill");
    }
    ctx.put(TimeTrigger.class.getName(), time);
    ctx.next();
  }

  private Future<JsonObject> start(RoutingContext ctx) {
    TimeTrigger trigger = ctx.get(TimeTrigger.class.getName());
    JsonObject body = WebhookRoutes.parseBody(ctx.body().buffer());
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException(field + ": unknown field (known fields: " + String.join(", ", FIELDS) + ")");
      }
    }
    Instant from = instant(body, "from");
    Instant to = instant(body, "to");
    int rate = rate(body);
    return trigger.backfill(from, to, rate)
      .recover(failure -> Future.failedFuture(failure instanceof IllegalStateException running
        ? new HttpException(409, running.getMessage()) : failure))
      .map(backfill -> {
        ctx.response().setStatusCode(202);
        return backfill.toJson();
      });
  }

  private Future<JsonObject> progress(RoutingContext ctx) {
    TimeTrigger trigger = ctx.get(TimeTrigger.class.getName());
    return Future.succeededFuture(trigger.lastBackfill().orElseThrow(() -> noBackfill(trigger)).toJson());
  }

  private Future<JsonObject> cancel(RoutingContext ctx) {
    TimeTrigger trigger = ctx.get(TimeTrigger.class.getName());
    return trigger.cancelBackfill().map(cancelled -> cancelled.orElseThrow(() -> noBackfill(trigger)).toJson());
  }

  private static HttpException noBackfill(TimeTrigger trigger) {
    return new HttpException(404, "trigger '" + trigger.id() + "' has no backfill");
  }

  private static Instant instant(JsonObject body, String field) {
    Object value = body.getValue(field);
    String hint = "an ISO-8601 instant such as 2026-03-30T07:00:00Z or 2026-03-30T09:00:00+02:00";
    if (value == null) {
      throw new IllegalArgumentException(field + ": required (" + hint + ")");
    }
    if (value instanceof String text) {
      try {
        return OffsetDateTime.parse(text.trim()).toInstant();
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(field + ": '" + text + "' is not " + hint);
      }
    }
    throw new IllegalArgumentException(field + ": must be " + hint + " in a string, got " + value);
  }

  private static int rate(JsonObject body) {
    Object value = body.getValue("rate");
    if (value == null) {
      return Backfill.DEFAULT_RATE;
    }
    if (value instanceof Integer n && n >= 1 && n <= Backfill.MAX_RATE) {
      return n;
    }
    throw new IllegalArgumentException("rate: must be a whole number of slots per second from 1 to "
      + Backfill.MAX_RATE + ", got " + value);
  }
}
