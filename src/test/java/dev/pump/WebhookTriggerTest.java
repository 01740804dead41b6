package dev.pump;

import dev.pump.pipeline.Pipeline;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code POST /webhooks/{name}} turned into fires, and every way it can be refused. */
@ExtendWith(VertxExtension.class)
class WebhookTriggerTest {

  private PumpApplication app;
  private RecordingSource source;
  private WebhookTrigger hook;
  private WebClient client;
  private int port;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    app = PumpApplication.builder().vertx(vertx).maxBodyBytes(1024).build();
    source = new RecordingSource(app, new Pipeline("p", new CollectingSink()));
    hook = new WebhookTrigger(app, "deploy").withId("on-deploy");
    source.on(hook);
    app.start().await(20, TimeUnit.SECONDS);
    port = app.listen(0, "127.0.0.1").await(20, TimeUnit.SECONDS).actualPort();
    client = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    app.close().await(20, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, String body) throws Exception {
    var request = client.request(method, port, "127.0.0.1", path);
    return (body == null ? request.send() : request.sendBuffer(Buffer.buffer(body))).await(20, TimeUnit.SECONDS);
  }

  @Test
  void aPostFiresTheTriggerWithTheBodyAsArgs() throws Exception {
    HttpResponse<Buffer> response = send(HttpMethod.POST, "/webhooks/deploy", "{\"ref\":\"main\"}");

    assertThat(response.statusCode()).isEqualTo(202);
    JsonObject answer = response.bodyAsJsonObject();
    assertThat(answer.getString("trigger")).isEqualTo("on-deploy");
    await().atMost(Duration.ofSeconds(20)).until(() -> source.cycles() == 1);
    assertThat(source.cycleEvents().get(0).args()).isEqualTo(new JsonObject().put("ref", "main"));
    assertThat(source.cycleEvents().get(0).firing()).isEqualTo(answer.getString("firing"));
    assertThat(source.cycleEvents().get(0).type()).isEqualTo("webhook");
  }

  @Test
  void anEmptyBodyFiresWithNoArgs() throws Exception {
    assertThat(send(HttpMethod.POST, "/webhooks/deploy", null).statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> source.cycles() == 1);
    assertThat(source.cycleEvents().get(0).args()).isEqualTo(new JsonObject());
  }

  @Test
  void refusedRequestsGetAJsonErrorAndFireNothing() throws Exception {
    assertRefused(HttpMethod.POST, "/webhooks/nope", "{}", 404, "no webhook named 'nope'");
    assertRefused(HttpMethod.POST, "/webhooks/deploy", "[1,2]", 400, "body must be a JSON object, got an array");
    assertRefused(HttpMethod.POST, "/webhooks/deploy", "\"text\"", 400, "body must be a JSON object, got a string");
    assertRefused(HttpMethod.POST, "/webhooks/deploy", "{not json", 400, "body is not valid JSON");
    assertRefused(HttpMethod.POST, "/webhooks/deploy", "{\"x\":\"" + "a".repeat(2000) + "\"}", 413,
      "request body too large");
    assertRefused(HttpMethod.GET, "/webhooks/deploy", null, 405, "method not allowed");
    assertRefused(HttpMethod.POST, "/webhooks/..%2f..%2fetc", "{}", 404, null);
    hook.pause();
    assertRefused(HttpMethod.POST, "/webhooks/deploy", "{}", 409, "trigger 'on-deploy' is paused");

    hook.resume();
    assertThat(send(HttpMethod.POST, "/webhooks/deploy", "{}").statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> source.cycles() == 1);
    assertThat(hook.fireCount()).isEqualTo(1);
  }

  private void assertRefused(HttpMethod method, String path, String body, int status, String error)
    throws Exception {
    HttpResponse<Buffer> response = send(method, path, body);
    assertThat(response.statusCode()).as("%s %s", method, path).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    if (error != null) {
      assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo(error);
    }
    assertThat(hook.fireCount()).isZero();
  }
}
