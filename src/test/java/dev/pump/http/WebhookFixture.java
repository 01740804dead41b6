package dev.pump.http;

import dev.pump.PumpApplication;
import dev.pump.pipeline.Pipeline;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.Trigger;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application whose webhooks (made by the test) and pub/sub trigger {@code bus} (topic
 * {@code bus.topic}) drive one recording source, plus an unsigned webhook {@code ping} that probes
 * that the service still answers. Served with the server limits of the service: idle timeout
 * {@link #IDLE_TIMEOUT}, 8 KiB of headers, bodies up to {@link #MAX_BODY}.
 */
final class WebhookFixture implements AutoCloseable {

  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);
  static final long MAX_BODY = 1024 * 1024;
  static final Duration DEADLINE = Duration.ofSeconds(20);

  final Vertx vertx;
  final PumpApplication app;
  final RecordingSource source;
  final WebhookTrigger ping;
  final PubSubTrigger bus;
  final int port;
  private final WebClient client;
  private long pings;

  private WebhookFixture(Vertx vertx, Function<PumpApplication, List<WebhookTrigger>> hooks) {
    this.vertx = vertx;
    this.app = PumpApplication.builder().vertx(vertx).maxBodyBytes(MAX_BODY).build();
    this.source = new RecordingSource(app, new Pipeline("p", new CollectingSink()));
    List<Trigger> triggers = new ArrayList<>(hooks.apply(app));
    this.ping = new WebhookTrigger(app, "ping").withId("ping").withoutRateLimit();
    this.bus = new PubSubTrigger(app, "bus.topic").withId("bus");
    triggers.add(ping);
    triggers.add(bus);
    source.on(triggers.toArray(Trigger[]::new));
    within(app.start());
    this.port = within(app.listen(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setIdleTimeout((int) IDLE_TIMEOUT.toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxHeaderSize(8192).setHttp2ClearTextEnabled(false))).actualPort();
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
      // drops idle connections before the server does, so no request races the server's close
      .setKeepAliveTimeout(1).setMaxHeaderSize(64 * 1024));
  }

  static WebhookFixture start(Vertx vertx, Function<PumpApplication, List<WebhookTrigger>> hooks) {
    return new WebhookFixture(vertx, hooks);
  }

  HttpResponse<Buffer> post(String path, String body, String... headers) {
    return send(HttpMethod.POST, path, body == null ? null : Buffer.buffer(body), headers);
  }

  HttpResponse<Buffer> send(HttpMethod method, String path, Buffer body, String... headers) {
    HttpRequest<Buffer> request = client.request(method, path);
    MultiMap map = request.headers();
    for (int i = 0; i < headers.length; i += 2) {
      map.add(headers[i], headers[i + 1]);
    }
    return within(body == null ? request.send() : request.sendBuffer(body));
  }

  /** Waits for {@code future} on the test thread, at most {@link #DEADLINE}. */
  static <T> T within(Future<T> future) {
    try {
      return future.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("not done within " + DEADLINE, e);
    }
  }

  /** Asserts that the service still answers: {@code ping} fires and its cycle runs. */
  void assertStillAnswers() {
    HttpResponse<Buffer> response = post("/webhooks/ping", "{}");
    assertThat(response.statusCode()).as("the service answers a valid webhook afterwards").isEqualTo(202);
    pings++;
    long expected = pings;
    await().atMost(DEADLINE).until(() -> source.cycleEvents().stream().filter(e -> e.trigger().equals("ping"))
      .count() >= expected);
  }

  @Override
  public void close() {
    client.close();
    within(app.close());
  }

  // -----------------------------------------------------------------------------------------------
  // what senders do

  /** The {@code webhook-signature} a Standard Webhooks sender computes: v1,base64(HMAC-SHA256(key, id.ts.body)). */
  static String standardSignature(byte[] key, String id, long timestamp, String body) {
    return "v1," + Base64.getEncoder().encodeToString(
      hmac(key, (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
  }

  /** The {@code X-Hub-Signature-256} GitHub computes: sha256=hex(HMAC-SHA256(secret, body)). */
  static String githubSignature(String secret, String body) {
    return "sha256=" + HexFormat.of().formatHex(
      hmac(secret.getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
