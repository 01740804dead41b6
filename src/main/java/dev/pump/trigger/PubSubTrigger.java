package dev.pump.trigger;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fires when a message arrives on one of its topics, plain event-bus addresses any verticle can
 * publish to: {@code vertx.eventBus().publish("force.run", new JsonObject().put("key", "value"))}.
 * A JSON object body becomes the event's {@code args}; any other body (a string, a number, an
 * array, a buffer, nothing) is wrapped as {@code {"body": ...}}, so no message can break it.
 *
 * <p>In a cluster {@code publish} fires the trigger on every node that has it, {@code send} on one. With flow
 * control the owner of the message's key decides ({@link #submitToOwner(JsonObject)}); each node forwards its
 * copy of a published message, so the owner sees one event per node: flow-controlled topics want {@code send}.
 * A sender that uses {@code request} gets {@code {"trigger", "firing"}} back, or {@code "paused": true}.
 */
public class PubSubTrigger extends Trigger {

  private final List<String> topics;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();

  public PubSubTrigger(TriggerRuntime runtime, String topic, String... moreTopics) {
    super(runtime, "pubsub");
    List<String> all = new ArrayList<>();
    all.add(topic);
    all.addAll(List.of(moreTopics));
    for (String t : all) {
      Objects.requireNonNull(t, "topic");
      if (t.isBlank()) {
        throw new IllegalArgumentException("pubsub topic must not be blank");
      }
    }
    this.topics = List.copyOf(all);
  }

  @Override
  public PubSubTrigger withId(String id) {
    super.withId(id);
    return this;
  }

  public List<String> topics() {
    return topics;
  }

  @Override
  public Future<?> start() {
    List<Future<Void>> registered = new ArrayList<>();
    for (String topic : topics) {
      MessageConsumer<Object> consumer = vertx.eventBus().consumer(topic, this::onMessage);
      consumers.add(consumer);
      registered.add(consumer.completion());
    }
    return Future.all(registered);
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  private void onMessage(Message<Object> message) {
    if (decidedByOwner()) {
      // flow control in a cluster: the key's owner decides, maybe another node
      submitToOwner(argsOf(message.body())).onSuccess(result -> reply(message, result));
    } else {
      reply(message, submit(argsOf(message.body())));
    }
  }

  /**
   * Answers a request once the fire is published: with a fire journal, once it is on disk, and a
   * fire that could not be journaled (and was not published) is a 503 failure, as a webhook's is.
   */
  private void reply(Message<Object> message, FireResult result) {
    if (message.replyAddress() == null) {
      return;
    }
    result.published().onComplete(published -> {
      if (published.failed()) {
        message.fail(503, FireResult.notAccepted(published.cause()));
        return;
      }
      JsonObject reply = new JsonObject().put("trigger", id());
      message.reply(switch (result.status()) {
        case FIRED -> reply.put("firing", result.event().firing());
        case HELD -> reply.put("held", result.reason());
        case REFUSED -> reply.put("refused", result.reason());
        case PAUSED -> reply.put("paused", true);
      });
    });
  }

  static JsonObject argsOf(Object body) {
    if (body instanceof JsonObject json) {
      return json;
    }
    if (body instanceof Map<?, ?> map) {
      return wrapOrCopy(map);
    }
    if (body == null) {
      return new JsonObject();
    }
    if (body instanceof String || body instanceof Number || body instanceof Boolean
      || body instanceof JsonArray) {
      return new JsonObject().put("body", body);
    }
    if (body instanceof Buffer buffer) {
      return new JsonObject().put("body", buffer.getBytes());
    }
    if (body instanceof byte[] bytes) {
      return new JsonObject().put("body", bytes);
    }
    return new JsonObject().put("body", String.valueOf(body));
  }

  private static JsonObject wrapOrCopy(Map<?, ?> map) {
    try {
      return JsonObject.mapFrom(map);
    } catch (IllegalArgumentException e) {
      return new JsonObject().put("body", String.valueOf(map));
    }
  }

  @Override
  public String spec() {
    return String.join(",", topics);
  }
}
