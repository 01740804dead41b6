package dev.pump.config.kind;

import dev.pump.PumpApplication;
import dev.pump.config.ConfigNode;
import dev.pump.config.TriggerConfig;
import dev.pump.config.TriggerKind;
import dev.pump.trigger.RunOnceTrigger;

import java.util.List;

/** {@code { type: runonce, id }}: fires once when the application starts. */
public final class RunOnceTriggerKind implements TriggerKind<TriggerConfig.RunOnce, RunOnceTrigger> {

  @Override
  public String name() {
    return TriggerConfig.RunOnce.TYPE;
  }

  @Override
  public List<String> keys() {
    return List.of();
  }

  @Override
  public TriggerConfig.RunOnce bind(String id, ConfigNode node) {
    return id == null ? null : new TriggerConfig.RunOnce(id);
  }

  @Override
  public RunOnceTrigger create(PumpApplication app, TriggerConfig.RunOnce config) {
    return new RunOnceTrigger(app).withId(config.id());
  }

  @Override
  public Class<RunOnceTrigger> triggerClass() {
    return RunOnceTrigger.class;
  }

  @Override
  public String describe(RunOnceTrigger trigger) {
    return "once, at start";
  }
}
