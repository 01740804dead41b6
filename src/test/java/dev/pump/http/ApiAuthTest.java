package dev.pump.http;

import dev.pump.http.ApiAuth.Refusal;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class ApiAuthTest {

  private static final String TOKEN = "s3cret-T0ken";

  private PumpFixture pump;

  private void serve(Vertx vertx, ApiAuth auth) {
    pump = PumpFixture.start(vertx, f -> ManagementApi.mount(ApiRouter.mount(f.app.router(), vertx, auth), f.app));
  }

  @AfterEach
  void stop() {
    if (pump != null) {
      pump.close();
    }
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   ", "\t"})
  void noTokenMeansLoopbackCallersOnly(String token) {
    ApiAuth auth = ApiAuth.create(token);

    assertThat(auth.requiresToken()).isFalse();
    assertThat(auth.check("127.0.0.1", null)).isEmpty();
    assertThat(auth.check("10.0.0.5", "Bearer " + token)).contains(new Refusal(403, ApiAuth.LOOPBACK_ONLY));
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.255.3.4", "0:0:0:0:0:0:0:1", "::1", "::ffff:127.0.0.1"})
  void loopbackAddressesAreAnsweredWithoutAToken(String ip) {
    assertThat(ApiAuth.create(null).check(ip, null)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.5", "192.168.1.20", "128.0.0.1", "2001:db8::1", "::ffff:10.0.0.5", "localhost",
    "not an address"})
  void otherCallersAreRefusedWith403WithoutAToken(String ip) {
    assertThat(ApiAuth.create("").check(ip, null)).contains(new Refusal(403,
      "the management API answers only loopback callers unless http.apiToken is set"));
  }

  @Test
  void aCallerWithoutAnAddressIsNotLoopback() {
    assertThat(ApiAuth.create(null).check(null, null)).map(Refusal::status).contains(403);
  }

  @Test
  void withATokenEveryCallerNeedsIt() {
    ApiAuth auth = ApiAuth.create(TOKEN);

    assertThat(auth.requiresToken()).isTrue();
    assertThat(auth.check("127.0.0.1", null)).contains(new Refusal(401, ApiAuth.MISSING_TOKEN));
    assertThat(auth.check("10.0.0.5", "Bearer " + TOKEN)).isEmpty();
    assertThat(auth.check("10.0.0.5", "bearer " + TOKEN)).isEmpty();
    assertThat(auth.check("10.0.0.5", "Bearer wrong")).contains(new Refusal(401, ApiAuth.WRONG_TOKEN));
    assertThat(auth.check("10.0.0.5", "Bearer " + TOKEN + "x")).contains(new Refusal(401, ApiAuth.WRONG_TOKEN));
    assertThat(auth.check("10.0.0.5", "Bearer ")).contains(new Refusal(401, ApiAuth.WRONG_TOKEN));
    assertThat(auth.check("10.0.0.5", "Basic " + TOKEN)).contains(new Refusal(401, ApiAuth.MISSING_TOKEN));
  }

  @Test
  void theTokenIsReadWithoutSurroundingWhitespace() {
    assertThat(ApiAuth.create("  " + TOKEN + "\n").check("10.0.0.5", "Bearer " + TOKEN)).isEmpty();
  }

  @Test
  void theTokenNeverShowsInToString() {
    assertThat(ApiAuth.create(TOKEN).toString()).doesNotContain(TOKEN).isEqualTo("ApiAuth[bearer token]");
  }

  @Test
  void aLoopbackCallerIsAnsweredWhenNoTokenIsSet(Vertx vertx) {
    serve(vertx, ApiAuth.create(""));

    assertThat(pump.get("/api/triggers").statusCode()).isEqualTo(200);
  }

  @Test
  void aMissingTokenIsRefusedWith401(Vertx vertx) {
    serve(vertx, ApiAuth.create(TOKEN));

    HttpResponse<Buffer> response = pump.get("/api/triggers");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer");
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo(ApiAuth.MISSING_TOKEN);
  }

  @Test
  void aWrongTokenIsRefusedWith401AndNotEchoed(Vertx vertx) {
    serve(vertx, ApiAuth.create(TOKEN));

    HttpResponse<Buffer> response = pump.send(HttpMethod.GET, "/api/triggers", "Bearer guess-" + TOKEN);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsString()).isEqualTo("{\"error\":\"invalid bearer token\"}").doesNotContain(TOKEN);
  }

  @Test
  void theRightTokenIsAnswered(Vertx vertx) {
    serve(vertx, ApiAuth.create(TOKEN));

    HttpResponse<Buffer> response = pump.send(HttpMethod.GET, "/api/triggers", "Bearer " + TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).doesNotContain(TOKEN);
  }

  @Test
  void authComesBeforeRoutingSoUnknownRoutesAreNotRevealed(Vertx vertx) {
    serve(vertx, ApiAuth.create(TOKEN));

    assertThat(pump.get("/api/no-such-route").statusCode()).isEqualTo(401);
    assertThat(pump.post("/api/triggers/hook/fire").statusCode()).isEqualTo(401);
    assertThat(pump.webhook.fireCount()).isZero();
    assertThat(pump.send(HttpMethod.GET, "/api/no-such-route", "Bearer " + TOKEN).statusCode()).isEqualTo(404);
  }

  @Test
  void routesOutsideTheApiNeedNoToken(Vertx vertx) {
    serve(vertx, ApiAuth.create(TOKEN));

    assertThat(pump.post("/webhooks/hook", "{}").statusCode()).isEqualTo(202);
  }

  @Test
  void theDecisionIsEmptyOnlyForAllowedCallers() {
    Optional<Refusal> refused = ApiAuth.create(TOKEN).check("127.0.0.1", "Bearer nope");
    assertThat(refused).isPresent();
    assertThat(refused.get().message()).doesNotContain(TOKEN).doesNotContain("nope");
  }
}
