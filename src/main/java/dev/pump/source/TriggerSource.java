package dev.pump.source;

import dev.pump.journal.FireJournal;
import dev.pump.pipeline.Pipeline;
import dev.pump.rules.Ids;
import dev.pump.trigger.Trigger;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides HOW OFTEN work runs: a worker verticle whose {@link #cycle(TriggerEvent)} runs when one of
 * its triggers fires.
 * <pre>{@code
 * class MySource extends TriggerSource {
 *   MySource(SourceRuntime app, Pipeline pipeline) { super(app, pipeline); }
 *   protected void cycle(TriggerEvent event) throws Exception {
 *     process(new JsonObject().put("trigger", event.trigger()));   // waits until the pipeline is ready
 *   }
 * }
 * new MySource(app, pipeline).on(new CronTrigger(app, "*&#47;5 * * * *"));
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>never two cycles of one source at once;</li>
 *   <li>fires that arrive during a cycle are merged into ONE pending cycle, whose event is the latest
 *       fire; the others are counted as merged ({@link #firesMerged()}), so a storm of fires costs
 *       no memory (with a fire journal, journaled fires are kept until the cycle that absorbed them
 *       has run, and are done with it);</li>
 *   <li>fires while the pipeline is not ready wait, merged the same way, until it is ready;</li>
 *   <li>an exception from {@code cycle()} puts the pipeline into the error state (or counts a
 *       warning if the pipeline declares it recoverable); the source then waits until the error is
 *       cleared.</li>
 * </ul>
 * Triggers are consumed with local consumers: a fire runs the sources of the node where it fired.
 */
public abstract class TriggerSource extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TriggerSource.class);

  private final SourceRuntime runtime;
  private final Pipeline pipeline;
  private final Set<Trigger> triggers = new LinkedHashSet<>();
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private final AtomicLong cycles = new AtomicLong();
  private final AtomicLong firesMerged = new AtomicLong();
  private final AtomicLong firesDropped = new AtomicLong();
  private final AtomicLong badMessages = new AtomicLong();
  private final AtomicLong firesAfterStop = new AtomicLong();
  private volatile String id;
  private volatile Overlap overlap = Overlap.MERGE;
  private volatile int running;
  /** Whether the application journals this source's fires: set at start. */
  private volatile boolean journaled;

  // Guarded by `lock`: fires arrive on this verticle's context, cycles end on the pool thread that ran
  // them. A cycle's end is handled where it ran, so a fire costs no hop back to the context after it.
  private final Object lock = new Object();
  private final Deque<TriggerEvent> pending = new ArrayDeque<>();
  /**
   * The firing ids of the journaled fires the single pending fire absorbed (merge): done when its
   * cycle has run. Ids only: a storm of merged webhook bodies is not kept in memory.
   */
  private final List<String> absorbed = new ArrayList<>();
  private boolean waitingForReady;
  private boolean stopping;
  private Promise<Void> allCyclesDone;

  /**
   * Registers the source, and its pipeline, with the application.
   *
   * @param runtime the application
   * @param pipeline where this source's events go
   */
  protected TriggerSource(SourceRuntime runtime, Pipeline pipeline) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.id = runtime.register(this);
  }

  /** Gives the source an explicit id; before {@link #on(Trigger...)} and before the application starts. */
  public TriggerSource withId(String id) {
    Ids.require(id, "source id");
    runtime.rename(this, id);
    this.id = id;
    return this;
  }

  /**
   * Sets what happens to fires that arrive while a cycle runs or the pipeline is not ready;
   * {@link Overlap#MERGE} by default. Only before the application starts.
   */
  public TriggerSource withOverlap(Overlap overlap) {
    if (isDeployed()) {
      throw new IllegalStateException("source '" + id + "' is already deployed: set its overlap policy before start");
    }
    this.overlap = Objects.requireNonNull(overlap, "overlap");
    return this;
  }

  public final Overlap overlap() {
    return overlap;
  }

  /**
   * Runs this source when any of {@code triggers} fires; call before the application starts.
   *
   * @return this source, so that calls chain as in BSPump
   */
  public TriggerSource on(Trigger... triggers) {
    if (isDeployed()) {
      throw new IllegalStateException("source '" + id + "' is already deployed: attach triggers before start");
    }
    for (Trigger trigger : triggers) {
      Objects.requireNonNull(trigger, "trigger");
      this.triggers.add(trigger);
      trigger.addSource(id);
    }
    return this;
  }

  /**
   * One run of the source, on a worker thread: it may block. Read data and hand each event to
   * {@link #process(JsonObject)}.
   *
   * @param event the fire that started this cycle (the latest one, if several were merged)
   * @throws Exception puts the pipeline into the error state
   */
  protected abstract void cycle(TriggerEvent event) throws Exception;

  /**
   * Hands one event to the pipeline from inside {@link #cycle(TriggerEvent)}, blocking this worker
   * thread until the pipeline is ready and the sink has taken the event.
   *
   * @throws Exception what a processor or the sink failed with (the pipeline has recorded it)
   */
  protected final void process(JsonObject event) throws Exception {
    // wait here rather than inside Pipeline.process, so processors and the sink run on this
    // worker thread, not on whichever thread happens to unthrottle the pipeline
    await(pipeline.ready());
    await(pipeline.process(event));
  }

  private static void await(Future<Void> future) throws Exception {
    try {
      future.toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  public final String id() {
    return id;
  }

  /** @return whether the source has been deployed (started, or being started) */
  public final boolean isDeployed() {
    return context != null;
  }

  public final Pipeline pipeline() {
    return pipeline;
  }

  /** @return the triggers this source listens to, by id */
  public final List<Trigger> triggers() {
    return List.copyOf(triggers);
  }

  /** @return true while a cycle runs */
  public final boolean isCycling() {
    return running > 0;
  }

  public final long cycles() {
    return cycles.get();
  }

  public final long firesMerged() {
    return firesMerged.get();
  }

  /** @return fires dropped by the {@link Overlap.Policy#SKIP skip} or {@link Overlap.Policy#QUEUE queue} policy */
  public final long firesDropped() {
    return firesDropped.get();
  }

  @Override
  public Future<?> start() {
    journaled = runtime.journals(this);
    List<Future<Void>> registered = new ArrayList<>();
    for (Trigger trigger : triggers) {
      MessageConsumer<JsonObject> consumer = vertx.eventBus().localConsumer(trigger.address(), this::onMessage);
      consumers.add(consumer);
      registered.add(consumer.completion());
    }
    return Future.all(registered);
  }

  /**
   * Stops taking fires; completes when the running cycles and the fires already accepted (pending)
   * have run. The application bounds the wait with its shutdown grace.
   */
  @Override
  public Future<?> stop() {
    Future<?> unregistered = Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
    synchronized (lock) {
      stopping = true;
      if (running == 0 && pending.isEmpty()) {
        return unregistered;
      }
      allCyclesDone = Promise.promise();
      return unregistered.compose(v -> allCyclesDone.future());
    }
  }

  private void onMessage(Message<JsonObject> message) {
    TriggerEvent event;
    try {
      event = TriggerEvent.fromJson(message.body());
    } catch (RuntimeException e) {
      // someone published garbage on a trigger address: say so once in a while, never crash
      if (badMessages.getAndIncrement() % 1000 == 0) {
        LOG.warn("Source '{}' ignored a malformed message on {}: {}", id, message.address(), e.getMessage());
      }
      return;
    }
    onFire(event);
  }

  /**
   * Hands this source a fire recovered from the fire journal, as if its trigger had just fired it
   * (the overlap policy applies); the journal stops owing it once the source is done with it.
   */
  public final void replay(TriggerEvent event) {
    Objects.requireNonNull(event, "event");
    if (context == null) {
      throw new IllegalStateException(this + " is not deployed: replay fires once it is started");
    }
    context.runOnContext(v -> onFire(event));
  }

  private void onFire(TriggerEvent event) {
    synchronized (lock) {
      if (stopping) {
        // already on the bus when the source began to stop: not run, counted by unfinishedFires()
        firesAfterStop.incrementAndGet();
        return;
      }
      if (running < overlap.maxRunning() && pending.isEmpty() && pipeline.isReady()) {
        runCycle(event, List.of());
        return;
      }
      switch (overlap.policy()) {
        case QUEUE -> {
          if (pending.size() >= overlap.limit()) {
            dropFire(event, FireJournal.Outcome.DROPPED);
          } else {
            pending.addLast(event);
          }
        }
        case SKIP -> {
          if (running > 0) {
            dropFire(event, FireJournal.Outcome.SKIPPED);
          } else {
            mergeInto(event);
          }
        }
        case MERGE, CONCURRENT -> mergeInto(event);
      }
      if (running == 0) {
        waitForReady();
      }
    }
  }

  private void mergeInto(TriggerEvent event) {
    if (!pending.isEmpty()) {
      TriggerEvent replaced = pending.removeFirst(); // merge policies hold at most one pending fire
      if (journaled && replaced.scheduledAt() == null) { // a time slot is never journaled: nothing to complete
        absorbed.add(replaced.firing());
      }
      firesMerged.incrementAndGet();
      pipeline.counters().recordMergedFire();
    }
    pending.addLast(event);
  }

  private void dropFire(TriggerEvent event, FireJournal.Outcome outcome) {
    firesDropped.incrementAndGet();
    pipeline.counters().recordDroppedFire();
    done(event, outcome);
  }

  /** Tells the journal this source is done with {@code event}, if it may be journaled. */
  private void done(TriggerEvent event, FireJournal.Outcome outcome) {
    if (journaled && event.scheduledAt() == null) { // a time slot is never journaled
      runtime.fireDone(this, event.firing(), outcome);
    }
  }

  private void waitForReady() {
    if (waitingForReady || pending.isEmpty()) {
      return;
    }
    waitingForReady = true;
    pipeline.ready().onComplete(ar -> context.runOnContext(v -> {
      synchronized (lock) {
        waitingForReady = false;
        if (ar.succeeded()) {
          runPending();
        }
      }
    }));
  }

  private void runPending() {
    while (running < overlap.maxRunning() && !pending.isEmpty()) {
      if (!pipeline.isReady()) {
        if (running == 0) {
          waitForReady();
        }
        return;
      }
      List<String> merged = absorbed.isEmpty() ? List.of() : List.copyOf(absorbed);
      absorbed.clear();
      runCycle(pending.removeFirst(), merged);
    }
  }

  /**
   * Called with {@code lock} held.
   *
   * @param merged the firing ids of the journaled fires {@code event} absorbed: done with it
   */
  private void runCycle(TriggerEvent event, List<String> merged) {
    running++;
    // unordered: this context stays free to take (and merge) fires while the cycle runs; the
    // cycle's end is handled on its own thread (no completion handler, so no task back on the context)
    context.executeBlocking(() -> {
      long startedNanos = System.nanoTime();
      Throwable failure = null;
      try {
        cycle(event);
      } catch (Throwable e) {
        failure = e;
      }
      cycleEnded(event, merged, System.nanoTime() - startedNanos, failure);
      return null;
    }, false);
  }

  private void cycleEnded(TriggerEvent event, List<String> merged, long tookNanos, Throwable failure) {
    cycles.incrementAndGet();
    pipeline.counters().recordCycle();
    if (failure != null) {
      pipeline.fail(failure, "source '" + id + "'");
    }
    synchronized (lock) {
      running--;
    }
    try {
      runtime.cycleFinished(this, event, Duration.ofNanos(tookNanos), failure != null);
      done(event, failure != null ? FireJournal.Outcome.FAILED : FireJournal.Outcome.RAN);
      merged.forEach(firing -> runtime.fireDone(this, firing, FireJournal.Outcome.MERGED));
    } finally {
      // a listener that throws must not leave the pending fires waiting for the next one
      synchronized (lock) {
        runPending();
        if (running == 0 && pending.isEmpty() && allCyclesDone != null) {
          Promise<Void> done = allCyclesDone;
          context.runOnContext(v -> done.tryComplete());
        }
      }
    }
  }

  /** @return fires that reached this source after it began to stop, and so were not run */
  public final long firesAfterStop() {
    return firesAfterStop.get();
  }

  /**
   * What a stop cut short would leave undone: the application asks when its shutdown grace runs out.
   *
   * @return completes on this source's context with the fires accepted but not run: pending ones,
   *     running cycles, and fires that arrived after the stop began
   */
  public final Future<Integer> unfinishedFires() {
    if (context == null) {
      return Future.succeededFuture(0);
    }
    Promise<Integer> counted = Promise.promise();
    context.runOnContext(v -> {
      synchronized (lock) {
        counted.complete(pending.size() + running + (int) firesAfterStop.get());
      }
    });
    return counted.future();
  }

  /** @return the state shown under a pipeline in the management API */
  public JsonObject snapshot() {
    return new JsonObject()
      .put("id", id)
      .put("pipeline", pipeline.id())
      .put("cycling", running > 0)
      .put("running", running)
      .put("overlap", overlap.toString())
      .put("cycles", cycles.get())
      .put("firesMerged", firesMerged.get())
      .put("firesDropped", firesDropped.get())
      .put("triggers", new JsonArray(triggers.stream().map(Trigger::id).toList()));
  }

  @Override
  public String toString() {
    return "source '" + id + "'";
  }
}
