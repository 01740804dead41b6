package dev.pump;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pump.config.PumpConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhook security in the real service built from a configuration: refusals counted on
 * {@code /metrics} by reason, secrets in no answer of {@code /api} and no log line, server limits applied.
 */
@ExtendWith(VertxExtension.class)
class WebhookServiceTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final byte[] KEY = "service-test-key-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(KEY);
  private static final String TOKEN = "service-t0ken-42";

  @TempDir
  Path dir;

  private PumpService service;
  private WebClient client;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Logger pumpLogger;
  private Level pumpLevel;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    // every log line of the engine, at INFO, where the effective configuration is logged
    pumpLogger = (Logger) LoggerFactory.getLogger("dev.pump");
    pumpLevel = pumpLogger.getLevel();
    pumpLogger.setLevel(Level.INFO);
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);

    PumpConfig config = PumpConfig.fromJson(new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("maxHeaderBytes", 2048)
        .put("idleTimeout", "2s"))
      .put("dataDir", dir.toString())
      .put("pipelines", new JsonArray().add(new JsonObject()
        .put("id", "p")
        .put("source", new JsonObject().put("type", "clock"))
        .put("triggers", new JsonArray()
          .add(new JsonObject().put("type", "webhook").put("id", "signed").put("secret", SECRET))
          .add(new JsonObject().put("type", "webhook").put("id", "guarded").put("token", TOKEN)))
        .put("sink", new JsonObject().put("type", "log")))));
    service = PumpService.start(config).await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    if (service != null) {
      service.close().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    pumpLogger.setLevel(pumpLevel);
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, String body, String... headers)
    throws Exception {
    HttpRequest<Buffer> request = client.request(method, service.port(), "127.0.0.1", path);
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return (body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)))
      .await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String sign(String id, long timestamp, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    return "v1," + Base64.getEncoder().encodeToString(
      mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
  }

  private static double sample(String metrics, String reason, String webhook) {
    Matcher m = Pattern.compile("(?m)^pump_webhook_refused_total\\{reason=\"" + reason + "\",webhook=\"" + webhook
      + "\"} (\\S+)$").matcher(metrics);
    assertThat(m.find()).as("a sample for reason %s, webhook %s in%n%s", reason, webhook, metrics).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void refusalsAreCountedOnMetricsByReason() throws Exception {
    long now = Instant.now().getEpochSecond();
    assertThat(send(HttpMethod.POST, "/webhooks/signed", "{}", "webhook-id", "m1", "webhook-timestamp",
      Long.toString(now), "webhook-signature", sign("m1", now, "{\"x\":1}")).statusCode()).isEqualTo(401);
    assertThat(send(HttpMethod.POST, "/webhooks/signed", "{}", "webhook-id", "m2", "webhook-timestamp",
      Long.toString(now - 3600), "webhook-signature", sign("m2", now - 3600, "{}")).statusCode()).isEqualTo(401);
    assertThat(send(HttpMethod.POST, "/webhooks/signed", "{}", "webhook-id", "m3", "webhook-timestamp",
      Long.toString(now), "webhook-signature", sign("m3", now, "{}")).statusCode()).isEqualTo(202);
    assertThat(send(HttpMethod.POST, "/webhooks/signed", "{}", "webhook-id", "m3", "webhook-timestamp",
      Long.toString(now), "webhook-signature", sign("m3", now, "{}")).statusCode()).isEqualTo(409);
    assertThat(send(HttpMethod.POST, "/webhooks/guarded", "{}", "Authorization", "Bearer nope").statusCode())
      .isEqualTo(401);
    assertThat(send(HttpMethod.POST, "/webhooks/guarded", "a=1", "Authorization", "Bearer " + TOKEN,
      "Content-Type", "application/x-www-form-urlencoded").statusCode()).isEqualTo(415);

    String metrics = send(HttpMethod.GET, "/metrics", null).bodyAsString();

    assertThat(sample(metrics, "signature", "signed")).isEqualTo(1.0);
    assertThat(sample(metrics, "timestamp", "signed")).isEqualTo(1.0);
    assertThat(sample(metrics, "replay", "signed")).isEqualTo(1.0);
    assertThat(sample(metrics, "token", "guarded")).isEqualTo(1.0);
    assertThat(sample(metrics, "content_type", "guarded")).isEqualTo(1.0);
    assertThat(sample(metrics, "rate_limit", "signed")).isZero();
  }

  @Test
  void secretsAppearInNoAnswerAndNoLogLine() throws Exception {
    send(HttpMethod.POST, "/webhooks/signed", "{}", "webhook-id", "m1", "webhook-timestamp", "1",
      "webhook-signature", "v1,AAAA");
    send(HttpMethod.POST, "/webhooks/guarded", "{}", "Authorization", "Bearer " + TOKEN + "-wrong");

    String answers = send(HttpMethod.GET, "/api/triggers", null).bodyAsString()
      + send(HttpMethod.GET, "/api/triggers/signed", null).bodyAsString()
      + send(HttpMethod.GET, "/api/triggers/guarded", null).bodyAsString()
      + send(HttpMethod.GET, "/metrics", null).bodyAsString()
      + send(HttpMethod.GET, "/health", null).bodyAsString();
    StringBuilder logged = new StringBuilder();
    for (ILoggingEvent event : logs.list) {
      logged.append(event.getFormattedMessage()).append('\n');
    }

    assertThat(logged.toString()).contains("Effective configuration").contains("<redacted>");
    for (String secret : new String[] {SECRET, SECRET.substring(6), new String(KEY, StandardCharsets.UTF_8), TOKEN}) {
      assertThat(answers).doesNotContain(secret);
      assertThat(logged.toString()).doesNotContain(secret);
    }
    assertThat(new JsonObject(send(HttpMethod.GET, "/api/triggers/signed", null).bodyAsString()).getString("signature"))
      .isEqualTo("standard");
  }

  @Test
  void theServerLimitsOfTheConfigurationApply() throws Exception {
    HttpResponse<Buffer> response = send(HttpMethod.POST, "/webhooks/guarded", "{}", "Authorization",
      "Bearer " + TOKEN, "X-Padding", "p".repeat(4096));

    assertThat(response.statusCode()).isEqualTo(431);
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("request headers too large");
    assertThat(send(HttpMethod.POST, "/webhooks/guarded", "{}", "Authorization", "Bearer " + TOKEN).statusCode())
      .isEqualTo(202);
  }
}
