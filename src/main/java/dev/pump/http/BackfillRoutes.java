package dev.pump.http;

import dev.pump.trigger.Backfill;
import dev.pump.trigger.TimeTrigger;
import dev.pump.trigger.Trigger;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Backfill of a time trigger's past slots, under the management API (behind its auth):
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
  private static final String PATH = "/api/triggers/:id/backfill";

  private final PumpView view;

  private BackfillRoutes(PumpView view) {
    this.view = view;
  }

  static void mount(Router router, PumpView view, long maxBodyBytes) {
    BackfillRoutes routes = new BackfillRoutes(view);
    router.post(PATH).handler(routes::requireTimeTrigger);
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes)).handler(routes::start);
    router.get(PATH).handler(routes::requireTimeTrigger).handler(routes::progress);
    router.delete(PATH).handler(routes::requireTimeTrigger).handler(routes::cancel);
  }

  private void requireTimeTrigger(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Optional<Trigger> trigger = view.trigger(id);
    if (trigger.isEmpty()) {
      HttpErrors.send(ctx, 404, "no trigger '" + id + "'");
    } else if (!(trigger.get() instanceof TimeTrigger time)) {
      HttpErrors.send(ctx, 400, "trigger '" + id + "' is a " + trigger.get().type()
        + " trigger: only time triggers (cron, periodic) have slots to backfill");
    } else {
      ctx.put(TimeTrigger.class.getName(), time);
      ctx.next();
    }
  }

  private void start(RoutingContext ctx) {
    TimeTrigger trigger = ctx.get(TimeTrigger.class.getName());
    Instant from;
    Instant to;
    int rate;
    try {
      JsonObject body = WebhookRoutes.parseBody(ctx.body().buffer());
      for (String field : body.fieldNames()) {
        if (!FIELDS.contains(field)) {
          throw new IllegalArgumentException(field + ": unknown field (known fields: " + String.join(", ", FIELDS) + ")");
        }
      }
      from = instant(body, "from");
      to = instant(body, "to");
      rate = rate(body);
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, e.getMessage());
      return;
    }
    trigger.backfill(from, to, rate).onComplete(ar -> {
      if (ar.succeeded()) {
        send(ctx, 202, ar.result().toJson());
      } else if (ar.cause() instanceof IllegalArgumentException e) {
        HttpErrors.send(ctx, 400, e.getMessage());
      } else if (ar.cause() instanceof IllegalStateException e) {
        HttpErrors.send(ctx, 409, e.getMessage());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  private void progress(RoutingContext ctx) {
    TimeTrigger trigger = ctx.get(TimeTrigger.class.getName());
    Optional<Backfill> backfill = trigger.lastBackfill();
    if (backfill.isEmpty()) {
      HttpErrors.send(ctx, 404, "trigger '" + trigger.id() + "' has no backfill");
    } else {
      send(ctx, 200, backfill.get().toJson());
    }
  }

  private void cancel(RoutingContext ctx) {
    TimeTrigger trigger = ctx.get(TimeTrigger.class.getName());
    trigger.cancelBackfill().onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result().isEmpty()) {
        HttpErrors.send(ctx, 404, "trigger '" + trigger.id() + "' has no backfill");
      } else {
        send(ctx, 200, ar.result().get().toJson());
      }
    });
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

  private static void send(RoutingContext ctx, int status, JsonObject json) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json.encode());
  }
}
