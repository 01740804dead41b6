package dev.pump.config.kind;

import dev.pump.PumpApplication;
import dev.pump.config.ConfigNode;
import dev.pump.config.SourceConfig;
import dev.pump.config.SourceKind;
import dev.pump.pipeline.Pipeline;
import dev.pump.source.ClockSource;
import dev.pump.source.TriggerSource;

import java.util.List;

/** {@code { type: clock }}: emits the trigger event itself. */
public final class ClockSourceKind implements SourceKind<SourceConfig.Clock> {

  @Override
  public String name() {
    return SourceConfig.Clock.TYPE;
  }

  @Override
  public List<String> keys() {
    return List.of();
  }

  @Override
  public SourceConfig.Clock bind(ConfigNode node) {
    return new SourceConfig.Clock();
  }

  @Override
  public TriggerSource create(PumpApplication app, Pipeline pipeline, SourceConfig.Clock config) {
    return new ClockSource(app, pipeline);
  }
}
