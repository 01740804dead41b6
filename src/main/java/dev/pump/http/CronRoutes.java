package dev.pump.http;

import dev.pump.trigger.CronSchedule;
import dev.pump.trigger.ScheduleWords;
import dev.pump.trigger.Zones;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Cron expressions tried out over HTTP, routes of the {@code /api} sub-router (behind {@link ApiAuth}); the
 * dashboard's cron playground asks both.
 * <ul>
 *   <li>{@code GET /api/cron/next?expr=E&zone=Z&from=ISO&n=N}: {@code {"expr", "zone", "next": [...]}}, the
 *       next N (default 5, 1-1000) fire times after {@code from} (default: now on the application's clock) as
 *       ISO-8601 with the offset of {@code zone} (default: the system zone), e.g.
 *       {@code 2026-03-30T09:00:00+02:00}, and {@code "shifted"}: those moved out of a daylight-saving gap.
 *       400 naming the parameter for an invalid {@code expr}, {@code zone}, {@code from} or {@code n}. A '+'
 *       sent unencoded in {@code from} or {@code zone} arrives as a space and is read as '+'.</li>
 *   <li>{@code GET /api/cron/describe?expr=E}: {@code {"expr", "description"}}, the expression in words, or 400
 *       {@code {"error": "expr: ..."}} with the message {@code /api/cron/next} gives.</li>
 * </ul>
 */
final class CronRoutes {

  static final int MAX_NEXT = 1000;
  private static final int DEFAULT_NEXT = 5;
  private static final String EXPR_REQUIRED = "query parameter 'expr' is required, e.g. expr=*/5 * * * *";

  private CronRoutes() {
  }

  /** Adds both routes to the {@code /api} sub-router; a thrown {@link IllegalArgumentException} answers 400. */
  static void mount(Router api, PumpView view) {
    api.get("/cron/next").respond(ctx -> next(ctx, view));
    api.get("/cron/describe").respond(CronRoutes::describe);
  }

  private static Future<JsonObject> next(RoutingContext ctx, PumpView view) {
    CronQuery query = CronQuery.parse(ctx.queryParams().get("expr"), ctx.queryParams().get("zone"),
      ctx.queryParams().get("from"), ctx.queryParams().get("n"), view);
    // up to 1000 evaluations of a cron expression: off the event loop
    return ctx.vertx().executeBlocking(query::answer, false);
  }

  private static Future<JsonObject> describe(RoutingContext ctx) {
    String expr = ctx.queryParams().get("expr");
    if (expr == null || expr.isBlank()) {
      throw new IllegalArgumentException(EXPR_REQUIRED);
    }
    String description;
    try {
      description = ScheduleWords.cron(expr);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expr: " + e.getMessage());
    }
    return Future.succeededFuture(new JsonObject().put("expr", expr).put("description", description));
  }

  /** A validated {@code /api/cron/next} request; every message names its parameter. */
  record CronQuery(String expr, CronSchedule schedule, ZoneId zone, Instant from, int n) {

    static CronQuery parse(String expr, String zoneText, String fromText, String nText, PumpView view) {
      if (expr == null || expr.isBlank()) {
        throw new IllegalArgumentException(EXPR_REQUIRED);
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
}
