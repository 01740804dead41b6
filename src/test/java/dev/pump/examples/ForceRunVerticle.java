package dev.pump.examples;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

// README: "Publishing to a pub/sub topic from another verticle"
public class ForceRunVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    // any verticle, on any node of a cluster, fires PubSubTrigger(app, "force.run") like this
    vertx.eventBus().publish("force.run", new JsonObject().put("reason", "manual"));
    return Future.succeededFuture();
  }
}
