package dev.pump.testing;

import dev.pump.pipeline.Sink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that keeps every event it is given. */
public final class CollectingSink implements Sink {

  private final List<JsonObject> events = new CopyOnWriteArrayList<>();

  @Override
  public Future<Void> write(JsonObject event) {
    events.add(event);
    return Future.succeededFuture();
  }

  public List<JsonObject> events() {
    return events;
  }
}
