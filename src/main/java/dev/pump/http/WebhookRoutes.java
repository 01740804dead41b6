package dev.pump.http;

import dev.pump.trigger.TriggerEvent;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.Optional;
import java.util.function.Function;

/**
 * {@code POST /webhooks/{name}}: where a webhook request is turned into a fire.
 * <ul>
 *   <li>202 {@code {"trigger", "firing"}}: the trigger fired with the body as {@code args};</li>
 *   <li>400: the body is not a JSON object (an empty body counts as {@code {}});</li>
 *   <li>404: no webhook of that name; 409: the trigger is paused; 413: body over the limit.</li>
 * </ul>
 */
public final class WebhookRoutes {

  private final Function<String, Optional<WebhookTrigger>> webhooks;

  private WebhookRoutes(Function<String, Optional<WebhookTrigger>> webhooks) {
    this.webhooks = webhooks;
  }

  /**
   * @param webhooks finds the webhook trigger of a name
   * @param maxBodyBytes larger bodies are refused with 413
   */
  public static void mount(Router router, Function<String, Optional<WebhookTrigger>> webhooks, long maxBodyBytes) {
    WebhookRoutes routes = new WebhookRoutes(webhooks);
    // the name is checked on a route of its own, before any body is read
    router.post("/webhooks/:name").handler(routes::requireKnownName);
    router.post("/webhooks/:name")
      .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
      .handler(routes::fire);
  }

  private void requireKnownName(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    Optional<WebhookTrigger> webhook = webhooks.apply(name);
    if (webhook.isEmpty()) {
      HttpErrors.send(ctx, 404, "no webhook named '" + name + "'");
      return;
    }
    ctx.put(WebhookTrigger.class.getName(), webhook.get());
    ctx.next();
  }

  private void fire(RoutingContext ctx) {
    WebhookTrigger trigger = ctx.get(WebhookTrigger.class.getName());
    JsonObject args;
    try {
      args = parseBody(ctx.body().buffer());
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, e.getMessage());
      return;
    }
    Optional<TriggerEvent> event = trigger.fireDelivery(args, null);
    if (event.isEmpty()) {
      HttpErrors.send(ctx, 409, "trigger '" + trigger.id() + "' is paused");
      return;
    }
    ctx.response()
      .setStatusCode(202)
      .putHeader("Content-Type", "application/json")
      .end(new JsonObject().put("trigger", trigger.id()).put("firing", event.get().firing()).encode());
  }

  static JsonObject parseBody(Buffer body) {
    if (body == null || body.length() == 0 || body.toString().isBlank()) {
      return new JsonObject();
    }
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("body is not valid JSON");
    }
    if (value instanceof JsonObject json) {
      return json;
    }
    throw new IllegalArgumentException("body must be a JSON object, got " + kind(value));
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
