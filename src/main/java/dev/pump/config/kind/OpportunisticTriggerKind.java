package dev.pump.config.kind;

import dev.pump.PumpApplication;
import dev.pump.config.ConfigNode;
import dev.pump.config.TriggerConfig;
import dev.pump.config.TriggerKind;
import dev.pump.trigger.OpportunisticTrigger;
import dev.pump.trigger.ScheduleWords;

import java.time.Duration;
import java.util.List;

/** {@code { type: opportunistic, id, chilldown }}: fires when the application is idle. */
public final class OpportunisticTriggerKind implements TriggerKind<TriggerConfig.Opportunistic, OpportunisticTrigger> {

  @Override
  public String name() {
    return TriggerConfig.Opportunistic.TYPE;
  }

  @Override
  public List<String> keys() {
    return List.of("chilldown");
  }

  @Override
  public TriggerConfig.Opportunistic bind(String id, ConfigNode node) {
    Duration chilldown = node.duration("chilldown", OpportunisticTrigger.DEFAULT_CHILLDOWN, Duration.ofMillis(1));
    return id == null || chilldown == null ? null : new TriggerConfig.Opportunistic(id, chilldown);
  }

  @Override
  public OpportunisticTrigger create(PumpApplication app, TriggerConfig.Opportunistic config) {
    return new OpportunisticTrigger(app).withChilldown(config.chilldown()).withId(config.id());
  }

  @Override
  public Class<OpportunisticTrigger> triggerClass() {
    return OpportunisticTrigger.class;
  }

  @Override
  public String describe(OpportunisticTrigger trigger) {
    return "when the application is idle, at most once every " + ScheduleWords.duration(trigger.chilldown());
  }
}
