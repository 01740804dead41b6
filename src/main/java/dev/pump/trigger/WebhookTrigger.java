package dev.pump.trigger;

import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * Fired by {@code POST /webhooks/{name}} on the application's HTTP server: the JSON body becomes
 * the event's {@code args}, and the caller gets {@code 202 {"trigger", "firing"}}. The HTTP side
 * lives in {@code dev.pump.http}; this class is the trigger the route fires.
 */
public class WebhookTrigger extends Trigger {

  private final String name;

  /**
   * @param name the last path segment of the webhook URL: letters, digits, '.', '_' or '-'
   */
  public WebhookTrigger(TriggerRuntime runtime, String name) {
    super(runtime, "webhook");
    this.name = requireValidId(name, "webhook name");
  }

  @Override
  public WebhookTrigger withId(String id) {
    super.withId(id);
    return this;
  }

  public String name() {
    return name;
  }

  /**
   * Fires for one HTTP delivery.
   *
   * @param deliveryId the sender's own delivery id (e.g. {@code webhook-id}), used as the firing id
   *     so that a retried delivery is recognisable downstream; {@code null} for a random one
   */
  public Optional<TriggerEvent> fireDelivery(JsonObject body, String deliveryId) {
    return deliveryId == null ? fire(body) : fire(body, null, deliveryId);
  }

  @Override
  public String spec() {
    return "/webhooks/" + name;
  }
}
