package dev.pump.examples;

import dev.pump.PumpApplication;
import dev.pump.trigger.Trigger;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.Optional;

// README: "Custom triggers" -- a webhook trigger of your own, on the application's router
public class GitPushTrigger extends Trigger {

  private final PumpApplication app;
  private final String path;
  private Route route;

  public GitPushTrigger(PumpApplication app, String path) {
    super(app, "gitpush");
    this.app = app;
    this.path = requireValidPath(path);
  }

  /** The rule for a path, in one place: the constructor and the configuration's GitPushKind both call it. */
  public static String requireValidPath(String path) {
    if (!path.startsWith("/") || path.contains(" ")) {
      throw new IllegalArgumentException("must start with '/' and have no spaces, got \"" + path + "\"");
    }
    return path;
  }

  public String path() {
    return path;
  }

  @Override
  public String spec() {
    return path;                                     // shown by /api/triggers
  }

  @Override
  public Future<?> start() {
    route = app.router().post(path)
      .handler(BodyHandler.create(false).setBodyLimit(64 * 1024))
      .handler(ctx -> {
        JsonObject body;
        try {
          body = ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
          ctx.response().setStatusCode(400).end();
          return;
        }
        Optional<TriggerEvent> fired = fire(body);   // publishes on pump.trigger.<id>
        ctx.response().setStatusCode(fired.isPresent() ? 202 : 409).end();
      });
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    route.remove();
    return Future.succeededFuture();
  }
}
