package dev.pump.source;

import dev.pump.pipeline.Pipeline;
import dev.pump.trigger.TriggerEvent;

/**
 * Emits the trigger event itself, once per cycle: {@code {"trigger", "type", "args",
 * "scheduledAt", "firedAt", "node", "firing"}} as described by {@link TriggerEvent#toJson()}. The
 * built-in {@code clock} source of the configuration; a heartbeat, or a way to turn fires into
 * events for a sink.
 */
public class ClockSource extends TriggerSource {

  /**
   * @param runtime the application
   * @param pipeline where the events go
   */
  public ClockSource(SourceRuntime runtime, Pipeline pipeline) {
    super(runtime, pipeline);
  }

  @Override
  protected void cycle(TriggerEvent event) throws Exception {
    process(event.toJson());
  }
}
