package dev.pump.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * POSTs each event as JSON to a URL with the Vert.x {@link WebClient}. The built-in {@code http}
 * sink of the configuration.
 *
 * <p>A 2xx answer completes the write. A non-2xx answer, a timeout or a connection error is retried
 * after a backoff that starts at {@link Options#initialBackoff()} and doubles up to
 * {@link Options#maxBackoff()}, until {@link Options#maxAttempts()} attempts have been made; then
 * the write fails with an {@link IOException} that names the URL and the last problem (the pipeline
 * retries the event with its own backoff) and {@link #givenUp()} counts one more event. From the
 * first failed attempt until one succeeds, {@link #trouble()} says what fails, so that the
 * pipeline, and {@code /health}, show the sink as not ready through an outage however many
 * attempts are allowed.
 *
 * <p>Threads: the sink does its I/O on an event-loop context of its own, created with the sink, and
 * completes the futures it returns on that event loop. A source's worker thread may therefore
 * block on them without deadlocking its own context. A caller on an event loop sees its callbacks
 * run on the sink's event loop.
 */
public final class HttpSink implements Sink {

  private static final Logger LOG = LoggerFactory.getLogger(HttpSink.class);

  /**
   * How hard the sink tries.
   *
   * @param maxAttempts attempts per event, the first included; at least 1
   * @param initialBackoff wait before the first retry; doubled before each further one
   * @param maxBackoff the longest wait between two attempts
   * @param timeout how long one attempt may take, from sending to the whole answer; at least 1 ms
   */
  public record Options(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration timeout) {

    /** @throws IllegalArgumentException naming the option and the value it got */
    public Options {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("http sink maxAttempts must be at least 1, got " + maxAttempts);
      }
      Objects.requireNonNull(initialBackoff, "initialBackoff");
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      Objects.requireNonNull(timeout, "timeout");
      if (initialBackoff.isNegative()) {
        throw new IllegalArgumentException("http sink initialBackoff must not be negative, got " + initialBackoff);
      }
      if (!backoffInOrder(initialBackoff, maxBackoff)) {
        throw new IllegalArgumentException("http sink maxBackoff (" + maxBackoff
          + ") must not be shorter than initialBackoff (" + initialBackoff + ")");
      }
      if (timeout.toMillis() < 1) {
        throw new IllegalArgumentException("http sink timeout must be at least 1ms, got " + timeout);
      }
    }

    /** @return whether the backoff can double from {@code initialBackoff} up to {@code maxBackoff}: max is not shorter */
    public static boolean backoffInOrder(Duration initialBackoff, Duration maxBackoff) {
      return maxBackoff.compareTo(initialBackoff) >= 0;
    }

    /** @return 5 attempts, 200 ms initial backoff, 10 s maximum backoff, 10 s timeout */
    public static Options defaults() {
      return new Options(5, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(10));
    }
  }

  private final Vertx vertx;
  private final String url;
  /** {@link #url} as shown in messages and logs: see {@link RedactedUrl}. */
  private final String shownUrl;
  private final Options options;
  private final BlockingHttp.OwnEventLoop loop;
  private final WebClient client;
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong givenUp = new AtomicLong();
  private volatile boolean closed;
  /** The last problem while attempts fail; {@code null} once one succeeds. */
  private volatile String trouble;
  private final List<Runnable> troubleListeners = new CopyOnWriteArrayList<>();

  /**
   * @param vertx the instance to run the client on
   * @param url an absolute {@code http} or {@code https} URL
   * @param options retry and timeout settings; {@link Options#defaults()} suits most endpoints
   * @throws IllegalArgumentException when {@code url} is not an absolute http(s) URL
   */
  public HttpSink(Vertx vertx, String url, Options options) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.url = BlockingHttp.requireUrl("http sink url", url);
    this.shownUrl = RedactedUrl.of(url);
    this.options = Objects.requireNonNull(options, "options");
    this.loop = BlockingHttp.ownEventLoop(vertx, "http sink");
    this.client = WebClient.create(vertx);
  }

  public String url() {
    return url;
  }

  /** @return the URL without user-info or secret-looking query values, as messages show it */
  public String redactedUrl() {
    return shownUrl;
  }

  public Options options() {
    return options;
  }

  /** @return attempts made after a failed one, over all events */
  public long retries() {
    return retries.get();
  }

  /** @return events whose every attempt failed */
  public long givenUp() {
    return givenUp.get();
  }

  /**
   * POSTs {@code event}, retrying as the {@link Options} say.
   *
   * @return completes on the sink's event loop: succeeded on a 2xx answer, failed with an
   *     {@link IOException} once every attempt failed or when the sink is closed
   */
  @Override
  public Future<Void> write(JsonObject event) {
    Objects.requireNonNull(event, "event");
    Buffer body;
    try {
      // encoded once, here: an event JSON cannot carry fails at once, as that one event's problem
      body = event.toBuffer();
    } catch (EncodeException e) {
      return Future.failedFuture(new BadEventException("http sink cannot encode the event: " + e.getMessage(), e));
    }
    Promise<Void> written = Promise.promise();  // bound to no context: see the class comment
    loop.execute(() -> attempt(body, 1, written), written::tryFail);
    return written.future();
  }

  /** Runs on {@link #loop}, and so do the timers and callbacks it sets. */
  private void attempt(Buffer event, int attempt, Promise<Void> written) {
    if (closed) {
      written.tryFail(new IOException("http sink " + shownUrl + " is closed"));
      return;
    }
    post(event).onComplete(ar -> {
      if (ar.succeeded()) {
        setTrouble(null);
        written.tryComplete();
        return;
      }
      String problem = RedactedUrl.in(ar.cause().getMessage(), url);
      setTrouble("POST " + shownUrl + " " + problem);
      if (attempt >= options.maxAttempts()) {
        givenUp.incrementAndGet();
        written.tryFail(new IOException("POST " + shownUrl + " gave up after " + attempt
          + (attempt == 1 ? " attempt" : " attempts") + "; last one " + problem, ar.cause()));
        return;
      }
      Duration delay = backoff(options, attempt);
      LOG.debug("POST {} {} (attempt {} of {}); retrying in {} ms", shownUrl, problem, attempt,
        options.maxAttempts(), delay.toMillis());
      retries.incrementAndGet();
      if (delay.toMillis() < 1) {
        attempt(event, attempt + 1, written);
      } else {
        vertx.setTimer(delay.toMillis(), id -> attempt(event, attempt + 1, written));
      }
    });
  }

  /**
   * @return while attempts fail (retried here, or given up and retried by the pipeline), the last
   *     problem; empty once an attempt succeeds
   */
  @Override
  public Optional<String> trouble() {
    return Optional.ofNullable(trouble);
  }

  @Override
  public void onTroubleChange(Runnable listener) {
    troubleListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  private void setTrouble(String problem) {
    String before = trouble;
    trouble = problem;
    if ((before == null) != (problem == null)) {
      troubleListeners.forEach(Runnable::run);
    }
  }

  /** One POST; fails with an exception whose message says what went wrong ("answered 500"). */
  private Future<Void> post(Buffer event) {
    long timeoutMs = options.timeout().toMillis();
    Promise<Void> done = Promise.promise();
    long timer = vertx.setTimer(timeoutMs,
      id -> done.tryFail(new IOException("timed out after " + timeoutMs + " ms")));
    client.postAbs(url)
      .timeout(timeoutMs)  // connect and idle timeout: also frees the connection to a silent server
      .putHeader("Content-Type", "application/json")
      .sendBuffer(event)
      .onComplete(ar -> {
        vertx.cancelTimer(timer);
        if (ar.failed()) {
          // no cause attached: a client exception's message may quote the URL's secrets, and a
          // cause is printed whole wherever a stack trace is logged
          done.tryFail(new IOException(RedactedUrl.in(describe(ar.cause()), url)));
        } else if (ar.result().statusCode() / 100 != 2) {
          done.tryFail(new IOException("answered " + ar.result().statusCode()));
        } else {
          done.tryComplete();
        }
      });
    return done.future();
  }

  /** @return the wait after failed attempt number {@code attempt} (1-based): doubling, capped */
  static Duration backoff(Options options, int attempt) {
    Duration delay = options.initialBackoff();
    for (int i = 1; i < attempt && delay.compareTo(options.maxBackoff()) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : delay;
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    String kind = cause instanceof TimeoutException ? "timed out" : "failed";
    return kind + ": " + cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Closes the client; events not yet delivered fail at their next attempt. */
  @Override
  public Future<Void> close() {
    closed = true;
    client.close();
    return loop.close();
  }

  @Override
  public String toString() {
    return "http sink " + shownUrl;
  }
}
