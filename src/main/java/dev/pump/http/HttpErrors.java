package dev.pump.http;

import dev.pump.trigger.FireResult;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Every error answer is JSON: {@code {"error": "what went wrong"}} with a fitting status. Also the one place
 * a JSON answer is written by hand ({@link #json}); routes that answer with a future use vertx-web's
 * {@code Route.respond}, which writes JSON the same way.
 */
final class HttpErrors {

  private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

  private HttpErrors() {
  }

  /** Answers {@code status} with {@code {"error": message}}. */
  public static void send(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended()) {
      return;
    }
    json(ctx.response(), status, error(message));
  }

  /**
   * Ends {@code response} with {@code status}, {@code Content-Type: application/json} and {@code body}.
   *
   * @param body a {@link JsonObject} or {@link JsonArray}, or a {@link Buffer} already holding JSON
   */
  static Future<Void> json(HttpServerResponse response, int status, Object body) {
    Buffer encoded = body instanceof Buffer buffer ? buffer
      : body instanceof JsonObject object ? object.toBuffer()
      : ((JsonArray) body).toBuffer();
    return response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(encoded);
  }

  private static JsonObject error(String message) {
    return new JsonObject().put("error", message);
  }

  /**
   * The failure handler of the {@code /api} router: an {@link HttpException} answers its status and
   * payload, an {@link IllegalArgumentException} (bad input, its message naming it) 400, a failed status
   * (413 from a body limit) that status, anything else 500, logged.
   */
  static void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof HttpException e) {
      send(ctx, e.getStatusCode(), e.getPayload() != null ? e.getPayload() : message(e.getStatusCode(), null));
    } else if (failure instanceof IllegalArgumentException e) {
      send(ctx, 400, e.getMessage());
    } else {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      if (status >= 500 && failure != null) {
        LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      }
      send(ctx, status, message(status, failure));
    }
  }

  /** Seconds a client is told to wait before trying again when the service is shutting down. */
  static final int SHUTDOWN_RETRY_AFTER_SECONDS = 5;

  /**
   * 503 {@code {"error": "shutting down: ..."}} with {@code Retry-After}: the answer to a fire that
   * arrives once shutdown has begun (another node, or this one restarted, will take it).
   */
  static void shuttingDown(RoutingContext ctx) {
    ctx.response().putHeader("Retry-After", Integer.toString(SHUTDOWN_RETRY_AFTER_SECONDS));
    send(ctx, 503, "shutting down: not accepting fires; retry later");
  }

  /**
   * 503 with {@code Retry-After}: the fire could not be written to the fire journal, so it was not
   * accepted (nor published); the sender should retry.
   */
  public static void notJournaled(RoutingContext ctx, Throwable failure) {
    ctx.response().putHeader("Retry-After", Integer.toString(SHUTDOWN_RETRY_AFTER_SECONDS));
    send(ctx, 503, FireResult.notAccepted(failure));
  }

  /** Makes the router's own errors (404, 405, 413, 500 ...) JSON too. */
  public static void install(Router router) {
    for (int status : new int[] {400, 401, 403, 404, 405, 406, 413, 415, 429, 500, 503}) {
      router.errorHandler(status, ctx -> {
        Throwable failure = ctx.failure();
        if (status >= 500 && failure != null) {
          LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
        }
        send(ctx, status, message(status, failure));
      });
    }
  }

  /**
   * Answers a request the HTTP decoder could not read, as Vert.x's default does (431 headers too
   * large, 414 request line too long, 400 otherwise) but in JSON, and closes the connection.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "request headers too large";
    } else if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "request line too long";
    } else {
      status = 400;
      message = "malformed HTTP request";
    }
    json(request.response().putHeader("Connection", "close"), status, error(message))
      .onComplete(ar -> request.connection().close());
  }

  /**
   * Answers a request of an HTTP version the server does not speak (an HTTP/2 preface, HTTP/3.0)
   * with 501 in JSON, and closes the connection.
   */
  static void unsupportedVersion(HttpServerRequest request) {
    json(request.response().putHeader("Connection", "close"), 501,
      error("HTTP version not supported: this server speaks HTTP/1.1"))
      .onComplete(ar -> request.connection().close());
  }

  /**
   * Answers 408 to a request whose body did not arrive in time, if nothing was answered yet.
   *
   * @return completes when the answer is written (or at once when there is none to write)
   */
  static Future<Void> requestTimeout(HttpServerRequest request, Duration timeout) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.headWritten()) {
      return Future.succeededFuture();
    }
    return json(response.putHeader("Connection", "close"), 408,
      error("request not received within " + timeout.toMillis() + " ms"));
  }

  private static String message(int status, Throwable failure) {
    if (status < 500 && failure != null && failure.getMessage() != null) {
      return failure.getMessage();
    }
    return switch (status) {
      case 404 -> "not found";
      case 405 -> "method not allowed";
      case 413 -> "request body too large";
      default -> HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase();
    };
  }
}
