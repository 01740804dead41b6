package dev.pump.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code GET /api/cluster}, a route of the {@code /api} sub-router (behind {@link ApiAuth}): the cluster as this
 * node sees it.
 * <pre>{@code
 * {"enabled": true, "name": "vertx-pump", "node": "127.0.0.1:5701", "memberId": "3f2a...", "active": true,
 *  "safe": true, "size": 3,
 *  "members": [{"node": "127.0.0.1:5701", "memberId": "3f2a...", "address": "127.0.0.1:5701", "self": true}, ...]}
 * }</pre>
 * On a node that is not clustered: {@code {"enabled": false, "node": "<node id>", "size": 1, "members":
 * [{"node": "<node id>", "self": true}]}}. This package does not know the cluster manager: the state
 * comes from a supplier ({@code dev.pump.cluster.ClusterMembers#snapshot} in the service).
 */
final class ClusterRoutes {

  private ClusterRoutes() {
  }

  /**
   * @param api the router of {@link ApiRouter#mount}
   * @param state asked on every request, on the event loop: must not block
   */
  public static void mount(Router api, Supplier<JsonObject> state) {
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(state, "state");
    api.get("/cluster").respond(ctx -> Future.succeededFuture(state.get()));
  }

  /** The answer of a node that is not clustered. */
  public static JsonObject notClustered(String nodeId) {
    return new JsonObject()
      .put("enabled", false)
      .put("node", nodeId)
      .put("size", 1)
      .put("members", new JsonArray().add(new JsonObject().put("node", nodeId).put("self", true)));
  }
}
