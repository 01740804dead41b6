package dev.pump.config.kind;

import dev.pump.PumpApplication;
import dev.pump.config.ConfigNode;
import dev.pump.config.TimePolicy;
import dev.pump.config.TriggerConfig;
import dev.pump.config.TriggerKind;
import dev.pump.trigger.CronSchedule;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.ScheduleWords;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** {@code { type: cron, id, schedule, zone, dst: {gap, overlap}, ...policy }}: fires at the slots of a cron schedule. */
public final class CronTriggerKind implements TriggerKind<TriggerConfig.Cron, CronTrigger> {

  @Override
  public String name() {
    return TriggerConfig.Cron.TYPE;
  }

  @Override
  public List<String> keys() {
    List<String> keys = new ArrayList<>(List.of("schedule", "zone", "dst"));
    keys.addAll(TimePolicy.KEYS);
    return keys;
  }

  @Override
  public TriggerConfig.Cron bind(String id, ConfigNode node) {
    String expression = node.requiredString("schedule", "a cron expression, e.g. \"*/5 * * * *\"");
    ZoneId zone = node.zone("zone");
    TimePolicy policy = TimePolicy.read(node, zone == null ? ZoneOffset.UTC : zone);
    CronSchedule.DstPolicy dst = dst(node.object("dst", false, null));
    if (expression == null || dst == null) {
      return null;
    }
    CronSchedule schedule;
    try {
      schedule = CronSchedule.parse(expression, zone == null ? ZoneOffset.UTC : zone, dst);
    } catch (IllegalArgumentException e) {
      node.problem("schedule", e.getMessage());
      return null;
    }
    return id == null || zone == null || policy == null ? null : new TriggerConfig.Cron(id, schedule, policy);
  }

  /** {@code dst: { gap: shift|skip, overlap: first|both }}; {@code null} when invalid (reported). */
  private static CronSchedule.DstPolicy dst(ConfigNode node) {
    CronSchedule.DstPolicy defaults = CronSchedule.DstPolicy.DEFAULT;
    if (node == null) {
      return defaults;
    }
    node.checkKeys(List.of("gap", "overlap"));
    CronSchedule.GapPolicy gap = node.choice("gap", CronSchedule.GapPolicy.class, defaults.gap());
    CronSchedule.OverlapPolicy overlap = node.choice("overlap", CronSchedule.OverlapPolicy.class, defaults.overlap());
    return gap == null || overlap == null ? null : new CronSchedule.DstPolicy(gap, overlap);
  }

  @Override
  public CronTrigger create(PumpApplication app, TriggerConfig.Cron config) {
    CronTrigger trigger = new CronTrigger(app, config.schedule()).withId(config.id());
    config.policy().applyTo(trigger);
    return trigger;
  }

  @Override
  public Class<CronTrigger> triggerClass() {
    return CronTrigger.class;
  }

  @Override
  public String describe(CronTrigger trigger) {
    return ScheduleWords.cron(trigger.schedule().expression());
  }
}
