package dev.pump;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * A thin face of the event bus for firing {@link dev.pump.trigger.PubSubTrigger}s: a topic is a
 * plain event-bus address, so {@code vertx.eventBus().publish(topic, json)} from any verticle does
 * the same.
 */
public final class PubSub {

  private final Vertx vertx;

  PubSub(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Fires every pub/sub trigger on {@code topic} (in a cluster: on every node); the body becomes {@code args}. */
  public void publish(String topic, JsonObject args) {
    vertx.eventBus().publish(Objects.requireNonNull(topic, "topic"), args);
  }

  /** Fires ONE pub/sub trigger on {@code topic} (in a cluster: on one node). */
  public void send(String topic, JsonObject args) {
    vertx.eventBus().send(Objects.requireNonNull(topic, "topic"), args);
  }

  /**
   * Like {@link #send(String, JsonObject)}, and answers {@code {"trigger", "firing"}} (or
   * {@code "paused": true}); fails when no trigger listens on the topic.
   */
  public Future<JsonObject> request(String topic, JsonObject args) {
    return vertx.eventBus().<JsonObject>request(Objects.requireNonNull(topic, "topic"), args)
      .map(reply -> reply.body());
  }
}
