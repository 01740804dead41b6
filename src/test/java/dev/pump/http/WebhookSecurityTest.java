package dev.pump.http;

import dev.pump.trigger.TriggerEvent;
import dev.pump.trigger.WebhookTrigger;
import dev.pump.trigger.WebhookTrigger.RateLimit;
import dev.pump.trigger.WebhookTrigger.Refusal;
import dev.pump.trigger.WebhookTrigger.Signature;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static dev.pump.http.WebhookFixture.DEADLINE;
import static dev.pump.http.WebhookFixture.githubSignature;
import static dev.pump.http.WebhookFixture.standardSignature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Signed webhooks (Standard Webhooks, GitHub), bearer tokens and rate limits, end to end over HTTP. */
@ExtendWith(VertxExtension.class)
class WebhookSecurityTest {

  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
  private static final String WHSEC = "whsec_" + Base64.getEncoder().encodeToString(KEY);
  private static final String RAW_SECRET = "a raw secret, no prefix";
  private static final String GITHUB_SECRET = "It's a Secret to Everybody";
  private static final String TOKEN = "t0ken-for-ci";
  private static final String BODY = "{\"ref\":\"main\"}";

  private WebhookFixture pump;
  private WebhookTrigger standard;
  private WebhookTrigger raw;
  private WebhookTrigger github;
  private WebhookTrigger token;
  private WebhookTrigger limited;
  private WebhookTrigger both;

  @BeforeEach
  void start(Vertx vertx) {
    pump = WebhookFixture.start(vertx, app -> List.of(
      standard = new WebhookTrigger(app, "std").withId("std").withSecret(WHSEC),
      raw = new WebhookTrigger(app, "raw").withId("raw").withSecret(RAW_SECRET).withTolerance(Duration.ofMinutes(1)),
      github = new WebhookTrigger(app, "gh").withId("gh").withSecret(GITHUB_SECRET, Signature.GITHUB),
      token = new WebhookTrigger(app, "tok").withId("tok").withToken(TOKEN),
      limited = new WebhookTrigger(app, "limited").withId("limited")
        .withRateLimit(new RateLimit(1, Duration.ofMinutes(1), 2)),
      both = new WebhookTrigger(app, "both").withId("both").withToken(TOKEN).withSecret(WHSEC)));
  }

  @AfterEach
  void stop() {
    pump.close();
  }

  private HttpResponse<Buffer> postStandard(String path, byte[] key, String id, long timestamp, String body,
                                            String... more) {
    String[] headers = new String[6 + more.length];
    headers[0] = "webhook-id";
    headers[1] = id;
    headers[2] = "webhook-timestamp";
    headers[3] = Long.toString(timestamp);
    headers[4] = "webhook-signature";
    headers[5] = standardSignature(key, id, timestamp, body);
    System.arraycopy(more, 0, headers, 6, more.length);
    return pump.post(path, body, headers);
  }

  private static long now() {
    return Instant.now().getEpochSecond();
  }

  private static void assertRefused(HttpResponse<Buffer> response, int status, String error) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", error));
  }

  // -----------------------------------------------------------------------------------------------
  // configuration

  @Test
  void illegalSettingsAreRefusedWithoutShowingTheSecret() {
    assertThatThrownBy(() -> standard.withSecret("whsec_!!!"))
      .isInstanceOf(IllegalStateException.class).hasMessageContaining("already deployed");
    WebhookTrigger fresh = new WebhookTrigger(pump.app, "fresh");
    assertThatThrownBy(() -> fresh.withSecret("whsec_s3cr3t!!"))
      .hasMessage("a secret starting with whsec_ must continue in base64");
    assertThatThrownBy(() -> fresh.withSecret("x", Signature.NONE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fresh.withToken("has space")).hasMessageNotContaining("has space");
    assertThatThrownBy(() -> fresh.withTolerance(Duration.ofMillis(10))).hasMessageContaining("at least 1s");
  }

  // -----------------------------------------------------------------------------------------------
  // Standard Webhooks

  @Test
  void aValidStandardSignatureFiresWithTheSendersIdAsFiring() throws Exception {
    HttpResponse<Buffer> response = postStandard("/webhooks/std", KEY, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", now(), BODY,
      "Content-Type", "application/json");

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.bodyAsJsonObject())
      .isEqualTo(new JsonObject().put("trigger", "std").put("firing", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"));
    await().atMost(DEADLINE).until(() -> pump.source.cycles() == 1);
    TriggerEvent event = pump.source.cycleEvents().get(0);
    assertThat(event.firing()).isEqualTo("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");
    assertThat(event.args()).isEqualTo(new JsonObject(BODY));
  }

  @Test
  void aRawSecretSignsWithItsOwnBytes() {
    assertThat(postStandard("/webhooks/raw", RAW_SECRET.getBytes(), "msg_raw", now(), BODY).statusCode())
      .isEqualTo(202);
  }

  @Test
  void severalSignaturesAreAcceptedWhenOneMatches() {
    long ts = now();
    String good = standardSignature(KEY, "msg_rotate", ts, BODY);
    String old = standardSignature("an old key".getBytes(), "msg_rotate", ts, BODY);

    HttpResponse<Buffer> response = pump.post("/webhooks/std", BODY, "webhook-id", "msg_rotate",
      "webhook-timestamp", Long.toString(ts), "webhook-signature", old + " " + good);

    assertThat(response.statusCode()).isEqualTo(202);
  }

  @Test
  void aWrongSignatureIsRefusedWith401AndNotFired() {
    assertRefused(postStandard("/webhooks/std", "another key".getBytes(), "msg_1", now(), BODY), 401,
      "signature invalid");
    long ts = now();
    assertRefused(pump.post("/webhooks/std", "{\"ref\":\"evil\"}", "webhook-id", "msg_1", "webhook-timestamp",
      Long.toString(ts), "webhook-signature", standardSignature(KEY, "msg_1", ts, BODY)), 401, "signature invalid");

    assertThat(standard.fireCount()).isZero();
    assertThat(standard.refusals(Refusal.SIGNATURE)).isEqualTo(2);
    pump.assertStillAnswers();
  }

  @Test
  void missingSignatureHeadersAreRefusedWith401() {
    assertRefused(pump.post("/webhooks/std", BODY), 401,
      "signature missing: no webhook-id, webhook-timestamp, webhook-signature headers");
    assertRefused(pump.post("/webhooks/std", BODY, "webhook-id", "msg_1", "webhook-timestamp",
      Long.toString(now())), 401, "signature missing: no webhook-signature header");
    assertRefused(pump.post("/webhooks/std", BODY, "webhook-timestamp", Long.toString(now()),
      "webhook-signature", "v1,AAAA"), 401, "signature missing: no webhook-id header");
    assertThat(standard.fireCount()).isZero();
  }

  @Test
  void aTimestampOutsideTheToleranceIsRefusedEitherWay() {
    long ts = now();
    assertRefused(postStandard("/webhooks/std", KEY, "msg_old", ts - 6 * 60, BODY), 401, "timestamp outside tolerance");
    assertRefused(postStandard("/webhooks/std", KEY, "msg_new", ts + 6 * 60, BODY), 401, "timestamp outside tolerance");
    assertRefused(postStandard("/webhooks/raw", RAW_SECRET.getBytes(), "msg_raw", ts - 2 * 60, BODY), 401,
      "timestamp outside tolerance");
    assertRefused(pump.post("/webhooks/std", BODY, "webhook-id", "msg_x", "webhook-timestamp", "abc",
      "webhook-signature", "v1,AAAA"), 401, "timestamp invalid: webhook-timestamp must be Unix seconds");
    assertThat(postStandard("/webhooks/std", KEY, "msg_edge", ts - 4 * 60, BODY).statusCode()).isEqualTo(202);
    assertThat(standard.refusals(Refusal.TIMESTAMP)).isEqualTo(3);
    assertThat(standard.fireCount()).isEqualTo(1);
  }

  @Test
  void aReplayedDeliveryIsRefusedWith409AndNotFiredAgain() {
    long ts = now();
    assertThat(postStandard("/webhooks/std", KEY, "msg_once", ts, BODY).statusCode()).isEqualTo(202);

    HttpResponse<Buffer> replay = postStandard("/webhooks/std", KEY, "msg_once", ts, BODY);

    assertRefused(replay, 409, "delivery 'msg_once' was already received");
    assertThat(standard.fireCount()).isEqualTo(1);
    assertThat(standard.refusals(Refusal.REPLAY)).isEqualTo(1);
    // a new id is not a replay
    assertThat(postStandard("/webhooks/std", KEY, "msg_twice", ts, BODY).statusCode()).isEqualTo(202);
  }

  @Test
  void aDeliveryRefusedBecauseThePausedTriggerMayComeAgain() {
    standard.pause();
    long ts = now();
    assertRefused(postStandard("/webhooks/std", KEY, "msg_paused", ts, BODY), 409, "trigger 'std' is paused");
    standard.resume();

    assertThat(postStandard("/webhooks/std", KEY, "msg_paused", ts, BODY).statusCode()).isEqualTo(202);
    assertThat(standard.refusals(Refusal.PAUSED)).isEqualTo(1);
  }

  @Test
  void aSignatureDoesNotExcuseABodyThatIsNotAnObject() {
    assertRefused(postStandard("/webhooks/std", KEY, "msg_arr", now(), "[1]"), 400,
      "body must be a JSON object, got an array");
    // and the id was not used up by the refused delivery
    assertThat(postStandard("/webhooks/std", KEY, "msg_arr", now(), "{}").statusCode()).isEqualTo(202);
  }

  // -----------------------------------------------------------------------------------------------
  // GitHub

  @Test
  void aValidGithubSignatureFiresWithTheDeliveryIdAsFiring() {
    HttpResponse<Buffer> response = pump.post("/webhooks/gh", BODY, "X-Hub-Signature-256",
      githubSignature(GITHUB_SECRET, BODY), "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      "Content-Type", "application/json");

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.bodyAsJsonObject().getString("firing")).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
  }

  @Test
  void aWrongOrMissingGithubSignatureIsRefused() {
    assertRefused(pump.post("/webhooks/gh", BODY, "X-Hub-Signature-256", githubSignature("guess", BODY)), 401,
      "signature invalid");
    assertRefused(pump.post("/webhooks/gh", BODY, "X-Hub-Signature-256",
      githubSignature(GITHUB_SECRET, BODY).replace("sha256=", "sha1=")), 401, "signature invalid");
    assertRefused(pump.post("/webhooks/gh", BODY), 401, "signature missing: no X-Hub-Signature-256 header");
    assertThat(github.fireCount()).isZero();
    assertThat(github.refusals(Refusal.SIGNATURE)).isEqualTo(3);
  }

  // -----------------------------------------------------------------------------------------------
  // bearer token

  @Test
  void theRightBearerTokenFires() {
    assertThat(pump.post("/webhooks/tok", BODY, "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(202);
    assertThat(pump.post("/webhooks/tok", BODY, "Authorization", "bearer " + TOKEN).statusCode()).isEqualTo(202);
  }

  @Test
  void aMissingOrWrongTokenIsRefusedWith401() {
    HttpResponse<Buffer> missing = pump.post("/webhooks/tok", BODY);
    assertRefused(missing, 401, "token missing");
    assertThat(missing.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
    assertRefused(pump.post("/webhooks/tok", BODY, "Authorization", "Bearer " + TOKEN + "x"), 401, "token invalid");
    assertRefused(pump.post("/webhooks/tok", BODY, "Authorization", "Basic " + TOKEN), 401, "token missing");
    assertRefused(pump.post("/webhooks/tok", BODY, "Authorization", "Bearer " + TOKEN.substring(1)), 401,
      "token invalid");
    assertThat(token.fireCount()).isZero();
    assertThat(token.refusals(Refusal.TOKEN)).isEqualTo(4);
  }

  @Test
  void aTokenAndASignatureAreBothRequiredWhenBothAreSet() {
    long ts = now();
    assertRefused(postStandard("/webhooks/both", KEY, "msg_b", ts, BODY), 401, "token missing");
    assertRefused(pump.post("/webhooks/both", BODY, "Authorization", "Bearer " + TOKEN), 401,
      "signature missing: no webhook-id, webhook-timestamp, webhook-signature headers");
    assertThat(postStandard("/webhooks/both", KEY, "msg_b", ts, BODY, "Authorization", "Bearer " + TOKEN)
      .statusCode()).isEqualTo(202);
  }

  // -----------------------------------------------------------------------------------------------
  // rate limit

  @Test
  void requestsOverTheRateLimitGet429WithRetryAfter() {
    assertThat(pump.post("/webhooks/limited", "{}").statusCode()).isEqualTo(202);
    assertThat(pump.post("/webhooks/limited", "{}").statusCode()).isEqualTo(202);

    HttpResponse<Buffer> refused = pump.post("/webhooks/limited", "{}");

    assertRefused(refused, 429, "rate limit exceeded");
    // one request a minute: the next token is (nearly) a minute away
    assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isBetween(50L, 60L);
    assertThat(limited.fireCount()).isEqualTo(2);
    assertThat(limited.refusals(Refusal.RATE_LIMIT)).isEqualTo(1);
    // other webhooks have buckets of their own
    pump.assertStillAnswers();
  }

  // -----------------------------------------------------------------------------------------------
  // secrets stay secret

  @Test
  void theSnapshotShowsHowRequestsAreCheckedButNoSecret() {
    postStandard("/webhooks/std", "wrong".getBytes(), "msg_s", now(), BODY);

    String all = new JsonObject().put("std", standard.snapshot()).put("gh", github.snapshot())
      .put("tok", token.snapshot()).put("both", both.snapshot()).encode() + standard + github + token;

    assertThat(all).doesNotContain(WHSEC, WHSEC.substring(6), GITHUB_SECRET, TOKEN, new String(KEY));
    JsonObject snapshot = standard.snapshot();
    assertThat(snapshot.getString("signature")).isEqualTo("standard");
    assertThat(snapshot.getBoolean("token")).isFalse();
    assertThat(snapshot.getString("tolerance")).isEqualTo("PT5M");
    assertThat(snapshot.getJsonObject("refused")).isEqualTo(new JsonObject().put("signature", 1));
    assertThat(token.snapshot().getBoolean("token")).isTrue();
    assertThat(limited.snapshot().getJsonObject("rateLimit"))
      .isEqualTo(new JsonObject().put("requests", 1).put("per", "PT1M").put("burst", 2));
  }
}
