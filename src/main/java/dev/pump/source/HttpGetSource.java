package dev.pump.source;

import dev.pump.pipeline.BlockingHttp;
import dev.pump.pipeline.Pipeline;
import dev.pump.pipeline.RedactedUrl;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GETs a URL on each cycle and emits the JSON answer. The built-in {@code http-get} source of the
 * configuration.
 *
 * <ul>
 *   <li>A JSON object is emitted as it is.</li>
 *   <li>A JSON array is emitted as one event per element: an object as it is, any other value
 *       wrapped as {@code {"value": ...}}. Any other JSON value is wrapped the same way.</li>
 *   <li>A 204 answer emits nothing.</li>
 *   <li>A timeout, a connection error, a non-2xx answer or a body that is not JSON is a pipeline
 *       <em>warning</em> ({@link Pipeline#warn(String, String)}, e.g. {@code GET <url> answered
 *       503}): the cycle ends normally and the pipeline stays ready, so the next fire tries again.</li>
 * </ul>
 *
 * <p>The request runs on an event-loop context of the source's own; the cycle's worker thread waits
 * for it. The whole answer is held in memory: point it at endpoints that answer with modest JSON.
 */
public class HttpGetSource extends TriggerSource {

  /** Extra time the worker waits beyond the timeout before it gives up on the event loop. */
  private static final long WAIT_MARGIN_MS = 5_000;

  private final String url;
  private final Duration timeout;
  private volatile BlockingHttp.OwnEventLoop ioLoop;
  private volatile WebClient client;

  /**
   * @param runtime the application
   * @param pipeline where the events go
   * @param url an absolute {@code http} or {@code https} URL
   * @param timeout how long one GET may take, from sending to the whole answer; at least 1 ms
   * @throws IllegalArgumentException when {@code url} is not an absolute http(s) URL or the timeout
   *     is shorter than 1 ms; the source is then not registered with the application
   */
  public HttpGetSource(SourceRuntime runtime, Pipeline pipeline, String url, Duration timeout) {
    super(checkArguments(runtime, url, timeout), pipeline);
    this.url = url;
    this.timeout = timeout;
  }

  /** Runs before the super constructor, so that a bad argument registers nothing. */
  private static SourceRuntime checkArguments(SourceRuntime runtime, String url, Duration timeout) {
    BlockingHttp.requireUrl("http-get url", url);
    Objects.requireNonNull(timeout, "http-get timeout");
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("http-get timeout must be at least 1ms, got " + timeout);
    }
    return runtime;
  }

  public String url() {
    return url;
  }

  public Duration timeout() {
    return timeout;
  }

  @Override
  public Future<?> start() {
    ioLoop = BlockingHttp.ownEventLoop(vertx, "http-get source");
    client = WebClient.create(vertx);
    return super.start();
  }

  /** Stops as {@link TriggerSource#stop()} does, then closes the client. */
  @Override
  public Future<?> stop() {
    return super.stop().eventually(() -> {
      client.close();
      return ioLoop.close();
    });
  }

  @Override
  protected void cycle(TriggerEvent event) throws Exception {
    Fetched fetched = await(fetch());
    if (fetched.problem() != null) {
      warn(fetched.problem());
      return;
    }
    List<JsonObject> events;
    try {
      events = eventsOf(fetched);
    } catch (DecodeException e) {
      warn("answered " + fetched.status() + " with a body that is not JSON (" + firstLine(e.getMessage()) + ")");
      return;
    }
    for (JsonObject json : events) {
      process(json);
    }
  }

  private void warn(String problem) {
    // never the secret parts of the URL: warnings reach the log, the API and the dashboard
    pipeline().warn("source '" + id() + "'", "GET " + RedactedUrl.of(url) + " " + RedactedUrl.in(problem, url));
  }

  /** What one GET gave: a 2xx status and its body, or a problem to warn about. */
  private record Fetched(int status, Buffer body, String problem) {
    static Fetched answered(int status, Buffer body) {
      return new Fetched(status, body, null);
    }

    static Fetched problem(String problem) {
      return new Fetched(0, null, problem);
    }
  }

  /** Starts the GET on {@link #ioLoop}; the future always succeeds, on that event loop. */
  private Future<Fetched> fetch() {
    Promise<Fetched> done = Promise.promise();  // bound to no context: the worker blocks on it
    long timeoutMs = timeout.toMillis();
    ioLoop.execute(() -> {
      long timer = vertx.setTimer(timeoutMs, id -> done.tryComplete(Fetched.problem("timed out after " + timeoutMs + " ms")));
      client.getAbs(url)
        .putHeader("Accept", "application/json")
        .timeout(timeoutMs)  // connect and idle timeout: also frees the connection to a silent server
        .send()
        .onComplete(ar -> {
          vertx.cancelTimer(timer);
          if (ar.failed()) {
            done.tryComplete(Fetched.problem(describe(ar.cause())));
          } else if (ar.result().statusCode() / 100 != 2) {
            done.tryComplete(Fetched.problem("answered " + ar.result().statusCode()));
          } else {
            done.tryComplete(Fetched.answered(ar.result().statusCode(), ar.result().body()));
          }
        });
    }, noLoop -> done.tryComplete(Fetched.problem("failed: " + noLoop.getMessage())));
    return done.future();
  }

  private Fetched await(Future<Fetched> future) throws InterruptedException {
    try {
      return future.toCompletionStage().toCompletableFuture()
        .get(timeout.toMillis() + WAIT_MARGIN_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // the event loop did not even run our timer: Vert.x is closing or overloaded
      return Fetched.problem("got no answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      return Fetched.problem("failed: " + e.getCause());  // fetch() never fails; be safe anyway
    }
  }

  /** @throws DecodeException when the body is not JSON */
  private static List<JsonObject> eventsOf(Fetched fetched) {
    Buffer body = fetched.body();
    if (body == null || body.length() == 0) {
      if (fetched.status() == 204) {
        return List.of();
      }
      throw new DecodeException("empty body");
    }
    Object json = Json.decodeValue(body);
    if (json instanceof JsonObject object) {
      return List.of(object);
    }
    if (json instanceof JsonArray array) {
      List<JsonObject> events = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        events.add(asEvent(array.getValue(i)));
      }
      return events;
    }
    return List.of(asEvent(json));
  }

  private static JsonObject asEvent(Object value) {
    return value instanceof JsonObject object ? object : new JsonObject().put("value", value);
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    String kind = cause instanceof TimeoutException ? "timed out" : "failed";
    return kind + ": " + cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    String line = message.lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }


}
