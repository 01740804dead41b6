package dev.pump.pipeline;

import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one pipeline; safe to update from any thread. */
public final class PipelineCounters {

  private final LongAdder eventsIn = new LongAdder();
  private final LongAdder eventsOut = new LongAdder();
  private final LongAdder eventsDropped = new LongAdder();
  private final LongAdder eventsRejected = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder sinkFailures = new LongAdder();
  private final LongAdder warnings = new LongAdder();
  private final LongAdder cycles = new LongAdder();
  private final LongAdder firesMerged = new LongAdder();
  private final LongAdder firesDropped = new LongAdder();

  PipelineCounters() {
  }

  void recordEventIn() {
    eventsIn.increment();
  }

  void recordEventOut() {
    eventsOut.increment();
  }

  void recordEventDropped() {
    eventsDropped.increment();
  }

  /** @return the number of rejected events so far, this one included */
  long recordEventRejected() {
    eventsRejected.increment();
    return eventsRejected.sum();
  }

  void recordSinkFailure() {
    sinkFailures.increment();
  }

  void recordError() {
    errors.increment();
  }

  void recordWarning() {
    warnings.increment();
  }

  /** A source of this pipeline finished a cycle. */
  public void recordCycle() {
    cycles.increment();
  }

  /** A fire was merged into a pending cycle instead of running a cycle of its own. */
  public void recordMergedFire() {
    firesMerged.increment();
  }

  /** A fire was dropped by a source's skip or queue overlap policy. */
  public void recordDroppedFire() {
    firesDropped.increment();
  }

  public long firesDropped() {
    return firesDropped.sum();
  }

  public long eventsIn() {
    return eventsIn.sum();
  }

  public long eventsOut() {
    return eventsOut.sum();
  }

  public long eventsDropped() {
    return eventsDropped.sum();
  }

  /**
   * @return events skipped because they failed on their own (a processor threw on them, or the
   *     sink could not encode them); each is also counted in {@link #eventsDropped()}
   */
  public long eventsRejected() {
    return eventsRejected.sum();
  }

  /** @return sink writes that failed and were (or are being) retried */
  public long sinkFailures() {
    return sinkFailures.sum();
  }

  public long errors() {
    return errors.sum();
  }

  public long warnings() {
    return warnings.sum();
  }

  public long cycles() {
    return cycles.sum();
  }

  public long firesMerged() {
    return firesMerged.sum();
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("eventsIn", eventsIn())
      .put("eventsOut", eventsOut())
      .put("eventsDropped", eventsDropped())
      .put("eventsRejected", eventsRejected())
      .put("cycles", cycles())
      .put("firesMerged", firesMerged())
      .put("firesDropped", firesDropped())
      .put("sinkFailures", sinkFailures())
      .put("errors", errors())
      .put("warnings", warnings());
  }
}
