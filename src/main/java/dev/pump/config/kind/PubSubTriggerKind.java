package dev.pump.config.kind;

import dev.pump.PumpApplication;
import dev.pump.config.ConfigNode;
import dev.pump.config.FlowConfig;
import dev.pump.config.TriggerConfig;
import dev.pump.config.TriggerKind;
import dev.pump.trigger.FlowControl;
import dev.pump.trigger.PubSubTrigger;
import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.List;

/** {@code { type: pubsub, id, topic, flow }}: fires on each message on its topic (or list of topics). */
public final class PubSubTriggerKind implements TriggerKind<TriggerConfig.PubSub, PubSubTrigger> {

  private static final String TOPIC_HINT = "an event-bus address, e.g. force.run";

  @Override
  public String name() {
    return TriggerConfig.PubSub.TYPE;
  }

  @Override
  public List<String> keys() {
    return List.of("topic", FlowConfig.KEY);
  }

  @Override
  public TriggerConfig.PubSub bind(String id, ConfigNode node) {
    List<String> topics = topics(node);
    FlowControl flow = FlowConfig.read(node);
    return id == null || topics == null ? null : new TriggerConfig.PubSub(id, topics, flow);
  }

  /** {@code topic}: one address or a list of them; {@code null} when invalid (reported). */
  private static List<String> topics(ConfigNode node) {
    Object value = node.json().getValue("topic");
    if (value == null) {
      node.required("topic", TOPIC_HINT);
      return null;
    }
    if (value instanceof JsonArray list && !list.isEmpty()) {
      List<String> topics = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        if (list.getValue(i) instanceof String s && !s.isBlank()) {
          topics.add(s);
        } else {
          node.problem("topic", i, "must be a non-empty string, got " + ConfigNode.describe(list.getValue(i)));
        }
      }
      return topics.size() == list.size() ? topics : null;
    }
    String topic = node.requiredString("topic", TOPIC_HINT);
    return topic == null ? null : List.of(topic);
  }

  @Override
  public PubSubTrigger create(PumpApplication app, TriggerConfig.PubSub config) {
    List<String> topics = config.topics();
    PubSubTrigger trigger = new PubSubTrigger(app, topics.get(0), topics.subList(1, topics.size()).toArray(String[]::new))
      .withId(config.id());
    if (config.flow() != null) {
      trigger.withFlowControl(config.flow());
    }
    return trigger;
  }

  @Override
  public Class<PubSubTrigger> triggerClass() {
    return PubSubTrigger.class;
  }

  @Override
  public String describe(PubSubTrigger trigger) {
    List<String> topics = trigger.topics();
    return "on each message to " + (topics.size() > 1 ? "topics " : "topic ") + String.join(", ", topics);
  }
}
