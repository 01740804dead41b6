package dev.pump.config.kind;

import dev.pump.PumpApplication;
import dev.pump.config.ConfigNode;
import dev.pump.config.TimePolicy;
import dev.pump.config.TriggerConfig;
import dev.pump.config.TriggerKind;
import dev.pump.trigger.PeriodicTrigger;
import dev.pump.trigger.ScheduleWords;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** {@code { type: periodic, id, interval, fireAtStart, ...policy }}: fires every interval. */
public final class PeriodicTriggerKind implements TriggerKind<TriggerConfig.Periodic, PeriodicTrigger> {

  @Override
  public String name() {
    return TriggerConfig.Periodic.TYPE;
  }

  @Override
  public List<String> keys() {
    List<String> keys = new ArrayList<>(List.of("interval", "fireAtStart"));
    keys.addAll(TimePolicy.KEYS);
    return keys;
  }

  @Override
  public TriggerConfig.Periodic bind(String id, ConfigNode node) {
    Duration interval = node.duration("interval", null, Duration.ofMillis(1));
    Boolean fireAtStart = node.bool("fireAtStart", false);
    TimePolicy policy = TimePolicy.read(node, ZoneId.systemDefault());
    return id == null || interval == null || fireAtStart == null || policy == null
      ? null : new TriggerConfig.Periodic(id, interval, fireAtStart, policy);
  }

  @Override
  public PeriodicTrigger create(PumpApplication app, TriggerConfig.Periodic config) {
    PeriodicTrigger trigger = new PeriodicTrigger(app, config.interval())
      .withFireAtStart(config.fireAtStart()).withId(config.id());
    config.policy().applyTo(trigger);
    return trigger;
  }

  @Override
  public Class<PeriodicTrigger> triggerClass() {
    return PeriodicTrigger.class;
  }

  @Override
  public String describe(PeriodicTrigger trigger) {
    return "every " + ScheduleWords.duration(trigger.interval());
  }
}
