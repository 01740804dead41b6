package dev.pump.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/** The {@code /api} sub-router: its auth before every route, and its one failure handler answering JSON. */
@ExtendWith(VertxExtension.class)
class ApiRouterTest {

  private HttpServer server;
  private WebClient client;

  @BeforeEach
  void serve(Vertx vertx) throws Exception {
    Router root = Router.router(vertx);
    HttpErrors.install(root);
    Router api = ApiRouter.mount(root, vertx, ApiAuth.create("s3cret"));
    api.get("/bad-input").respond(ctx -> {
      throw new IllegalArgumentException("n: must be a whole number, got 'x'");
    });
    api.get("/busy").respond(ctx -> Future.failedFuture(new HttpException(409, "busy")));
    api.get("/broken").respond(ctx -> Future.failedFuture(new IllegalStateException("a bug's detail")));
    api.get("/fine").respond(ctx -> Future.succeededFuture(new JsonObject().put("ok", true)));
    server = vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close().await(10, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, boolean withToken) throws Exception {
    var request = client.request(method, server.actualPort(), "127.0.0.1", path);
    if (withToken) {
      request.putHeader("Authorization", "Bearer s3cret");
    }
    return request.send().await(10, TimeUnit.SECONDS);
  }

  @Test
  void mountRefusesMissingArguments(Vertx vertx) {
    assertThatNullPointerException().isThrownBy(() -> ApiRouter.mount(null, vertx, ApiAuth.create("")))
      .withMessage("root");
    assertThatNullPointerException().isThrownBy(() -> ApiRouter.mount(Router.router(vertx), vertx, null))
      .withMessage("auth");
  }

  @Test
  void everyRouteIsBehindTheAuth() throws Exception {
    HttpResponse<Buffer> refused = send(HttpMethod.GET, "/api/fine", false);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.bodyAsJsonObject().getString("error")).contains("Authorization: Bearer");

    HttpResponse<Buffer> answered = send(HttpMethod.GET, "/api/fine", true);
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(answered.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(answered.bodyAsJsonObject()).isEqualTo(new JsonObject().put("ok", true));
  }

  @Test
  void anIllegalArgumentIsA400NamingTheInput() throws Exception {
    HttpResponse<Buffer> answer = send(HttpMethod.GET, "/api/bad-input", true);
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", "n: must be a whole number, got 'x'"));
  }

  @Test
  void anHttpExceptionAnswersItsStatusAndMessage() throws Exception {
    HttpResponse<Buffer> answer = send(HttpMethod.GET, "/api/busy", true);
    assertThat(answer.statusCode()).isEqualTo(409);
    assertThat(answer.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", "busy"));
  }

  @Test
  void anyOtherFailureIsA500ThatKeepsItsDetailToTheLog() throws Exception {
    HttpResponse<Buffer> answer = send(HttpMethod.GET, "/api/broken", true);
    assertThat(answer.statusCode()).isEqualTo(500);
    assertThat(answer.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(answer.bodyAsString()).doesNotContain("a bug's detail");
  }

  @Test
  void aPathNoRouteMatchesIsTheRootRoutersJson404AndAWrongMethodA405() throws Exception {
    HttpResponse<Buffer> unknown = send(HttpMethod.GET, "/api/no-such-route", true);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", "not found"));

    HttpResponse<Buffer> wrongMethod = send(HttpMethod.DELETE, "/api/fine", true);
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", "method not allowed"));
  }
}
