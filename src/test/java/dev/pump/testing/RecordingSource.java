package dev.pump.testing;

import dev.pump.pipeline.Pipeline;
import dev.pump.source.SourceRuntime;
import dev.pump.source.TriggerSource;
import dev.pump.trigger.TriggerEvent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A source that records the event of every cycle and passes it to its pipeline. Cycles can be held
 * (to play a slow cycle) and made to throw.
 */
public class RecordingSource extends TriggerSource {

  private final List<TriggerEvent> cycleEvents = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch gate;
  private volatile RuntimeException failure;
  private volatile Runnable beforeEachCycle = () -> { };
  private volatile Runnable afterEachCycle = () -> { };

  public RecordingSource(SourceRuntime runtime, Pipeline pipeline) {
    super(runtime, pipeline);
  }

  @Override
  protected void cycle(TriggerEvent event) throws Exception {
    cycleEvents.add(event);
    beforeEachCycle.run();
    try {
      CountDownLatch held = gate;
      if (held != null && !held.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("test held a cycle for more than 60 s");
      }
    } finally {
      afterEachCycle.run();
    }
    RuntimeException toThrow = failure;
    if (toThrow != null) {
      failure = null;
      throw toThrow;
    }
    process(event.toJson());
  }

  /** Every cycle from now on waits until {@link #releaseCycles()}. */
  public void holdCycles() {
    gate = new CountDownLatch(1);
  }

  public void releaseCycles() {
    CountDownLatch held = gate;
    gate = null;
    if (held != null) {
      held.countDown();
    }
  }

  /** Runs at the start of every cycle, on the cycle's thread. */
  public void beforeEachCycle(Runnable action) {
    beforeEachCycle = action;
  }

  /** Runs once a cycle is released, on the cycle's thread. */
  public void afterEachCycle(Runnable action) {
    afterEachCycle = action;
  }

  /** The next cycle throws {@code failure} instead of processing its event. */
  public void failNextCycle(RuntimeException failure) {
    this.failure = failure;
  }

  /** @return the events cycles were started with, in order */
  public List<TriggerEvent> cycleEvents() {
    return cycleEvents;
  }
}
