package dev.pump.pipeline;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.pump.rules.Ids;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Where a source's events go: processors in order, then a sink.
 *
 * <p>A pipeline is <em>ready</em> when it has no error and no throttle. {@link #process(JsonObject)}
 * holds events until it is ready; sources hold their cycles. An exception from a source's cycle
 * or the sink puts the pipeline into the error state (not ready, kept until
 * {@link #clearError()}), unless the pipeline declares it recoverable with
 * {@link #withRecoverable(Predicate)}: then it is counted as a warning and work goes on.
 *
 * <p>One bad event never stops a pipeline by itself: an exception a processor throws on an event,
 * and a sink failure that concerns only that event (a {@link BadEventException}, or JSON that
 * cannot be encoded, such as nesting beyond Jackson's write limit) rejects that event: it is
 * counted ({@link PipelineCounters#eventsRejected()}), logged in one line without a stack trace,
 * and the next event goes through. {@link #withBadEvents(BadEvents) withBadEvents(STOP)} makes
 * such a failure an error like any other.
 *
 * <p>A sink that fails otherwise (a full disk, an endpoint that is down) does not put the pipeline
 * into the error state either: the pipeline is <em>not ready</em> while the sink fails (so
 * {@code /health} says so), retries the same event with a backoff that doubles from
 * {@link #DEFAULT_SINK_RETRY_INITIAL} up to {@link #DEFAULT_SINK_RETRY_MAX}, and is ready again by
 * itself once a write succeeds. Nothing is dropped meanwhile: the source waits, as for any pipeline
 * that is not ready. {@link #withoutSinkRetry()} restores "a sink failure is an error". A sink that
 * retries on its own ({@link Sink#trouble()}) makes the pipeline not ready while it does.
 *
 * <p>All methods are thread-safe.
 */
public final class Pipeline {

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
  /** Longest exception message a rejected event's log line shows. */
  private static final int MAX_LOGGED_MESSAGE = 300;
  /** Rejected events logged one by one at WARN; after these, every 1000th (the rest at DEBUG). */
  private static final int LOGGED_REJECTIONS = 10;

  /** First wait before a failed sink write is tried again. */
  public static final Duration DEFAULT_SINK_RETRY_INITIAL = Duration.ofSeconds(1);
  /** Longest wait between two tries of a failed sink write. */
  public static final Duration DEFAULT_SINK_RETRY_MAX = Duration.ofSeconds(30);

  /** What a pipeline does with an event that fails on its own (see the class comment). */
  public enum BadEvents {
    /** Count the event as rejected, log one line, go on with the next event (the default). */
    SKIP,
    /** Put the pipeline into the error state, as any other failure does. */
    STOP
  }

  private final String id;
  private final List<Processor> processors;
  private final Sink sink;
  private final PipelineCounters counters = new PipelineCounters();
  private volatile Predicate<Throwable> recoverable = e -> false;
  private volatile BadEvents badEvents = BadEvents.SKIP;
  /** {@code null}: a failing sink puts the pipeline into the error state instead of being retried. */
  private volatile Duration sinkRetryInitial = DEFAULT_SINK_RETRY_INITIAL;
  private volatile Duration sinkRetryMax = DEFAULT_SINK_RETRY_MAX;
  private volatile InstantSource clock = InstantSource.system();
  private volatile Durability durability = Durability.JOURNAL;

  // guarded by this
  private final Set<Object> throttles = new LinkedHashSet<>();
  private PipelineError error;
  private PipelineError sinkFailure;
  private String lastWarning;
  private Promise<Void> readyPromise;
  private boolean closed;
  /** No error, no throttle, no sink failure: kept with them, read by every fire of every source without the lock. */
  private volatile boolean ready = true;

  /** A pipeline that writes every event straight to {@code sink}. */
  public Pipeline(String id, Sink sink) {
    this(id, List.of(), sink);
  }

  /**
   * @param id unique within the application: letters, digits, '.', '_' or '-'
   * @param processors applied in order; a {@code null} result drops the event
   * @param sink the last step
   */
  public Pipeline(String id, List<? extends Processor> processors, Sink sink) {
    this.id = Ids.require(id, "pipeline id");
    this.processors = List.copyOf(processors);
    this.sink = Objects.requireNonNull(sink, "sink");
    sink.onTroubleChange(this::sinkTroubleChanged);
  }

  /** Declares which exceptions are warnings rather than errors. */
  public Pipeline withRecoverable(Predicate<Throwable> recoverable) {
    this.recoverable = Objects.requireNonNull(recoverable, "recoverable");
    return this;
  }

  /** Sets what happens to an event that fails on its own; {@link BadEvents#SKIP} by default. */
  public Pipeline withBadEvents(BadEvents badEvents) {
    this.badEvents = Objects.requireNonNull(badEvents, "badEvents");
    return this;
  }

  public BadEvents badEvents() {
    return badEvents;
  }

  /**
   * Sets the backoff with which a failed sink write is tried again (doubling from {@code initial}
   * up to {@code max}); by default 1 s up to 30 s.
   */
  public Pipeline withSinkRetry(Duration initial, Duration max) {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.toMillis() < 1 || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("sink retry backoff must be at least 1ms and max (" + max
        + ") at least initial (" + initial + ")");
    }
    this.sinkRetryInitial = initial;
    this.sinkRetryMax = max;
    return this;
  }

  /** A sink failure then puts the pipeline into the error state, kept until {@link #clearError()}. */
  public Pipeline withoutSinkRetry() {
    this.sinkRetryInitial = null;
    return this;
  }

  /**
   * Sets whether fires accepted for this pipeline are journaled before they are answered;
   * {@link Durability#JOURNAL} by default. Only before the application starts.
   */
  public Pipeline withDurability(Durability durability) {
    this.durability = Objects.requireNonNull(durability, "durability");
    return this;
  }

  public Durability durability() {
    return durability;
  }

  /** The clock error times are taken from; the application sets its own. */
  public Pipeline withClock(InstantSource clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  public String id() {
    return id;
  }

  public Sink sink() {
    return sink;
  }

  public List<Processor> processors() {
    return processors;
  }

  public PipelineCounters counters() {
    return counters;
  }

  public boolean isReady() {
    return ready && sink.trouble().isEmpty();
  }

  /** @return why the sink's writes are being retried, while they are; empty when it writes */
  public synchronized Optional<PipelineError> sinkFailure() {
    return Optional.ofNullable(sinkFailure);
  }

  /**
   * @return completes when the pipeline is ready (at once if it is); fails if the pipeline closes first
   */
  public synchronized Future<Void> ready() {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("pipeline '" + id + "' is closed"));
    }
    if (isReady()) {
      return Future.succeededFuture();
    }
    if (readyPromise == null) {
      readyPromise = Promise.promise();
    }
    return readyPromise.future();
  }

  /** Holds the pipeline (and so its sources) until every owner that throttled it unthrottles it. */
  public void throttle(Object owner) {
    Objects.requireNonNull(owner, "owner");
    boolean changed;
    synchronized (this) {
      changed = throttles.add(owner);
      ready = error == null && throttles.isEmpty() && sinkFailure == null;
    }
    if (changed) {
      stateChanged();
    }
  }

  public void unthrottle(Object owner) {
    boolean changed;
    synchronized (this) {
      changed = throttles.remove(owner);
      ready = error == null && throttles.isEmpty() && sinkFailure == null;
    }
    if (changed) {
      stateChanged();
    }
  }

  public synchronized boolean isThrottled() {
    return !throttles.isEmpty();
  }

  /** @return the owners that throttle the pipeline, as strings */
  public synchronized List<String> throttles() {
    return throttles.stream().map(String::valueOf).toList();
  }

  public synchronized Optional<PipelineError> error() {
    return Optional.ofNullable(error);
  }

  /**
   * Records a failure of {@code where} (a source, processor or sink): a warning when the pipeline
   * declares it recoverable, else the error state. Reporting the same exception twice counts once.
   */
  public void fail(Throwable cause, String where) {
    Objects.requireNonNull(cause, "cause");
    if (recoverable.test(cause)) {
      warn(where, "recoverable failure: " + describe(cause));
      return;
    }
    synchronized (this) {
      if (error != null && error.cause() == cause) {
        return;
      }
      error = new PipelineError(describe(cause), clock.instant(), where, cause);
      ready = false;
    }
    counters.recordError();
    if (isBadEvent(cause)) {
      // the event's own problem: its stack trace (a thousand frames for a deep event) says nothing more
      LOG.error("Pipeline '{}' is in error (failure in {}: {}); it waits until the error is cleared", id, where,
        describe(cause));
    } else {
      LOG.error("Pipeline '{}' is in error (failure in {}); it waits until the error is cleared", id, where, cause);
    }
    stateChanged();
  }

  /**
   * Counts a warning: something went wrong that does not stop the pipeline (a fetch answered 503,
   * a recoverable exception). Logged as one line; the last one is shown in {@link #snapshot()}.
   */
  public void warn(String where, String message) {
    counters.recordWarning();
    synchronized (this) {
      lastWarning = where + ": " + message;
    }
    LOG.warn("Pipeline '{}': {}: {}", id, where, message);
  }

  /** Leaves the error state; the pipeline is ready again unless throttled. */
  public void clearError() {
    PipelineError cleared;
    synchronized (this) {
      cleared = error;
      error = null;
      ready = throttles.isEmpty() && sinkFailure == null;
    }
    if (cleared != null) {
      LOG.info("Pipeline '{}': error cleared ({})", id, cleared.message());
      stateChanged();
    }
  }

  /**
   * Runs the processors and hands the result to the sink. When the pipeline is not ready, the event
   * is held until it is.
   *
   * @return completes when the sink has taken the event, or it was dropped or rejected as a bad
   *     event; fails when a processor or the sink failed otherwise (the pipeline records the
   *     failure itself)
   */
  public Future<Void> process(JsonObject event) {
    Objects.requireNonNull(event, "event");
    if (!isReady()) {
      return ready().compose(v -> processReady(event));
    }
    return processReady(event);
  }

  private Future<Void> processReady(JsonObject event) {
    counters.recordEventIn();
    JsonObject current = event;
    for (int i = 0; i < processors.size(); i++) {
      Processor processor = processors.get(i);
      try {
        current = processor.process(current);
      } catch (Exception e) {
        counters.recordEventDropped();
        String where = "processor " + i + " (" + processor.getClass().getName() + ")";
        if (rejected(e, where, true)) {
          return Future.succeededFuture();
        }
        fail(e, where);
        return Future.failedFuture(e);
      }
      if (current == null) {
        counters.recordEventDropped();
        return Future.succeededFuture();
      }
    }
    JsonObject processed = current;
    Future<Void> written;
    try {
      written = sink.write(processed);
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    return written.transform(ar -> {
      if (ar.succeeded()) {
        counters.recordEventOut();
        return Future.succeededFuture();
      }
      if (rejected(ar.cause(), "sink", false)) {
        counters.recordEventDropped();
        return Future.succeededFuture();
      }
      if (sinkRetryInitial != null && !recoverable.test(ar.cause()) && !isBadEvent(ar.cause())) {
        Promise<Void> retried = Promise.promise();
        sinkFailed(ar.cause(), 0);
        retryLater(processed, 1, retried);  // the processors' output: they are not run again
        return retried.future();
      }
      counters.recordEventDropped();
      fail(ar.cause(), "sink");
      return Future.failedFuture(ar.cause());
    });
  }

  /** Tries {@code event} again after the backoff of try number {@code attempt} (1-based). */
  private void retryLater(JsonObject event, int attempt, Promise<Void> retried) {
    Duration delay = sinkRetryInitial == null ? DEFAULT_SINK_RETRY_INITIAL : sinkRetryInitial;
    Duration max = sinkRetryMax;
    for (int i = 1; i < attempt && delay.compareTo(max) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    long delayMs = Math.min(delay.toMillis(), max.toMillis());
    CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS).execute(() -> retry(event, attempt, retried));
  }

  private void retry(JsonObject event, int attempt, Promise<Void> retried) {
    synchronized (this) {
      if (closed) {
        counters.recordEventDropped();
        retried.tryFail(new IllegalStateException("pipeline '" + id + "' closed while its sink was failing"));
        return;
      }
    }
    Future<Void> written;
    try {
      written = sink.write(event);
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    written.onComplete(ar -> {
      if (ar.succeeded()) {
        counters.recordEventOut();
        sinkRecovered(attempt);
        retried.tryComplete();
      } else if (rejected(ar.cause(), "sink", false)) {
        counters.recordEventDropped();
        retried.tryComplete();
      } else {
        sinkFailed(ar.cause(), attempt);
        retryLater(event, attempt + 1, retried);
      }
    });
  }

  private void sinkFailed(Throwable cause, int retries) {
    boolean first;
    PipelineError failure;
    synchronized (this) {
      first = sinkFailure == null;
      failure = new PipelineError(describe(cause), first ? clock.instant() : sinkFailure.at(), "sink", cause);
      sinkFailure = failure;
      ready = false;
    }
    counters.recordSinkFailure();
    if (first) {
      // one line, no stack trace: it says what failed and that the pipeline will recover by itself
      LOG.warn("Pipeline '{}': the sink failed ({}); not ready, retrying the event with backoff until it succeeds",
        id, failure.message());
      stateChanged();
    } else {
      LOG.debug("Pipeline '{}': the sink failed again after {} retries ({})", id, retries, failure.message());
    }
  }

  private void sinkRecovered(int retries) {
    PipelineError recovered;
    synchronized (this) {
      recovered = sinkFailure;
      sinkFailure = null;
      ready = error == null && throttles.isEmpty();
    }
    if (recovered != null) {
      LOG.info("Pipeline '{}': the sink writes again after {} {} (failing since {}); ready", id, retries,
        retries == 1 ? "retry" : "retries", recovered.at());
      stateChanged();
    }
  }

  private void sinkTroubleChanged() {
    Optional<String> trouble = sink.trouble();
    if (trouble.isPresent()) {
      LOG.warn("Pipeline '{}': the sink is retrying ({}); not ready until it succeeds", id, trouble.get());
    } else {
      LOG.info("Pipeline '{}': the sink succeeded again", id);
    }
    stateChanged();
  }

  /**
   * Under {@link BadEvents#SKIP}, counts and logs a failure that concerns only the event at hand.
   *
   * @return whether the failure was such a rejection (else the caller records it as usual)
   */
  private boolean rejected(Throwable cause, String where, boolean byProcessor) {
    if (badEvents != BadEvents.SKIP || !(byProcessor || isBadEvent(cause)) || recoverable.test(cause)) {
      return false;
    }
    long rejected = counters.recordEventRejected();
    String message = describe(cause);
    if (message.length() > MAX_LOGGED_MESSAGE) {
      message = message.substring(0, MAX_LOGGED_MESSAGE) + "...";
    }
    if (rejected > LOGGED_REJECTIONS && rejected % 1000 != 0) {
      // a hostile sender must not be able to flood the log: the counter keeps the full count
      LOG.debug("Pipeline '{}' rejected an event ({} failed on it: {})", id, where, message);
      return true;
    }
    // one line and no stack trace (a deep event's trace is a thousand lines)
    LOG.warn("Pipeline '{}' rejected an event ({} failed on it: {}); {} rejected so far, the pipeline goes on",
      id, where, message, rejected);
    return true;
  }

  /**
   * @return whether a sink's failure concerns one event only: a {@link BadEventException} or a JSON
   *     encoding failure anywhere in its causes
   */
  private static boolean isBadEvent(Throwable cause) {
    int depth = 0;
    for (Throwable t = cause; t != null && depth < 16; t = t.getCause(), depth++) {
      if (t instanceof BadEventException || t instanceof EncodeException
        || t instanceof StreamConstraintsException) {
        return true;
      }
    }
    return false;
  }

  /** Closes the sink; sources waiting for readiness are released with a failure. */
  public Future<Void> close() {
    Promise<Void> waiting;
    synchronized (this) {
      if (closed) {
        return Future.succeededFuture();
      }
      closed = true;
      waiting = readyPromise;
      readyPromise = null;
    }
    if (waiting != null) {
      waiting.tryFail(new IllegalStateException("pipeline '" + id + "' is closed"));
    }
    return sink.close();
  }

  /** @return the state shown by {@code GET /api/pipelines/{id}} */
  public JsonObject snapshot() {
    boolean ready;
    List<String> owners;
    PipelineError err;
    PipelineError failing;
    String warning;
    synchronized (this) {
      ready = isReady();
      owners = throttles();
      err = error;
      failing = sinkFailure;
      warning = lastWarning;
    }
    return new JsonObject()
      .put("id", id)
      .put("ready", ready)
      .put("throttles", new JsonArray(new ArrayList<>(owners)))
      .put("error", err == null ? null : err.toJson())
      .put("sinkFailing", failing == null ? null : failing.toJson())
      .put("sinkTrouble", sink.trouble().orElse(null))
      .put("lastWarning", warning)
      .put("counters", counters.toJson());
  }

  private void stateChanged() {
    Promise<Void> toComplete = null;
    synchronized (this) {
      if (isReady() && readyPromise != null) {
        toComplete = readyPromise;
        readyPromise = null;
      }
    }
    if (toComplete != null) {
      toComplete.tryComplete();
    }
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  @Override
  public String toString() {
    return "pipeline '" + id + "'";
  }
}
