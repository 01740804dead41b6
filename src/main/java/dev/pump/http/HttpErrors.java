package dev.pump.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every error answer is JSON: {@code {"error": "what went wrong"}} with a fitting status. */
public final class HttpErrors {

  private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

  private HttpErrors() {
  }

  /** Answers {@code status} with {@code {"error": message}}. */
  public static void send(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
      .setStatusCode(status)
      .putHeader("Content-Type", "application/json")
      .end(new JsonObject().put("error", message).encode());
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
