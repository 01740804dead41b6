package dev.pump.http;

import dev.pump.PumpApplication;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/cluster} and the {@code cluster} health check, fed by a supplier as the service feeds them. */
@ExtendWith(VertxExtension.class)
class ClusterRoutesTest {

  private static final JsonObject STATE = new JsonObject()
    .put("enabled", true).put("name", "vertx-pump").put("node", "node-a").put("memberId", "m-a")
    .put("active", true).put("safe", false).put("size", 2)
    .put("members", new JsonArray()
      .add(new JsonObject().put("node", "node-a").put("memberId", "m-a").put("address", "10.0.0.1:5701").put("self", true))
      .add(new JsonObject().put("node", "node-b").put("memberId", "m-b").put("address", "10.0.0.2:5701").put("self", false)));

  private final AtomicReference<JsonObject> state = new AtomicReference<>(STATE);
  private PumpApplication app;
  private HttpServer server;
  private WebClient client;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().await(10, TimeUnit.SECONDS);
    }
    if (app != null) {
      app.close().await(10, TimeUnit.SECONDS);
    }
  }

  private void serve(Vertx vertx, String token) throws Exception {
    app = PumpApplication.create(vertx);
    Router router = Router.router(vertx);
    HttpErrors.install(router);
    ClusterRoutes.mount(ApiRouter.mount(router, vertx, ApiAuth.create(token)), state::get);
    HealthRoutes.mount(router, vertx, app, state::get);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  private HttpResponse<Buffer> get(String path, String token) throws Exception {
    var request = client.get(server.actualPort(), "127.0.0.1", path);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return request.send().await(10, TimeUnit.SECONDS);
  }

  @Test
  void theClusterStateIsServedAsItIs(Vertx vertx) throws Exception {
    serve(vertx, "");

    HttpResponse<Buffer> response = get("/api/cluster", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(STATE);
  }

  @Test
  void theClusterStateIsBehindTheApiToken(Vertx vertx) throws Exception {
    serve(vertx, "s3cret");

    assertThat(get("/api/cluster", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/cluster", "s3cret").statusCode()).isEqualTo(200);
  }

  @Test
  void healthHasAClusterCheckThatIsUpWhileTheNodeIsAnActiveMemberEvenIfNotYetSafe(Vertx vertx) throws Exception {
    serve(vertx, "");

    HttpResponse<Buffer> up = get("/health", null);
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(up.bodyAsJsonObject().getJsonArray("checks")).containsExactly(new JsonObject()
      .put("id", "cluster").put("status", "UP")
      .put("data", new JsonObject().put("name", "vertx-pump").put("node", "node-a").put("size", 2).put("safe", false)));

    state.set(STATE.copy().put("active", false));
    HttpResponse<Buffer> down = get("/health", null);
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.bodyAsJsonObject().getJsonArray("checks").getJsonObject(0).getString("status")).isEqualTo("DOWN");
  }

  @Test
  void aNodeThatIsNotClusteredSaysSo() {
    assertThat(ClusterRoutes.notClustered("node-x")).isEqualTo(new JsonObject()
      .put("enabled", false).put("node", "node-x").put("size", 1)
      .put("members", new JsonArray().add(new JsonObject().put("node", "node-x").put("self", true))));
  }
}
