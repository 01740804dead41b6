package dev.pump.config;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The {@code http} section: where the webhooks, the management API, {@code /health} and
 * {@code /metrics} are served.
 *
 * @param host the address to bind; {@code 0.0.0.0} inside containers
 * @param port the port to bind, 0-65535; 0 picks a free port
 * @param apiToken empty: {@code /api/*} answers only loopback callers; otherwise every caller must
 *     send {@code Authorization: Bearer <token>}
 * @param maxBodyBytes webhook and API bodies larger than this are refused with 413
 * @param idleTimeout a connection on which nothing moves for this long is closed, and so is one that
 *     takes longer than this to send a whole request (then answered 408 if its head arrived)
 * @param maxHeaderBytes requests whose headers are larger than this are refused with 431
 */
public record HttpConfig(String host, int port, String apiToken, long maxBodyBytes, Duration idleTimeout,
                         int maxHeaderBytes) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_BODY_BYTES = 1_048_576;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** Netty's and Vert.x's default. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 8192;
  static final Duration MIN_IDLE_TIMEOUT = Duration.ofMillis(100);
  static final int MIN_HEADER_BYTES = 1024;
  static final int MAX_HEADER_BYTES = 1_048_576;

  public HttpConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(apiToken, "apiToken");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("http port must be between 0 and 65535, got " + port);
    }
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 0, got " + maxBodyBytes);
    }
    if (idleTimeout.compareTo(MIN_IDLE_TIMEOUT) < 0 || idleTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("idleTimeout must be between 100ms and 24d, got " + idleTimeout);
    }
    if (maxHeaderBytes < MIN_HEADER_BYTES || maxHeaderBytes > MAX_HEADER_BYTES) {
      throw new IllegalArgumentException("maxHeaderBytes must be between " + MIN_HEADER_BYTES + " and "
        + MAX_HEADER_BYTES + ", got " + maxHeaderBytes);
    }
  }

  /** The server limits at their defaults. */
  public HttpConfig(String host, int port, String apiToken, long maxBodyBytes) {
    this(host, port, apiToken, maxBodyBytes, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_HEADER_BYTES);
  }

  /** @return the defaults of docs/interface.md */
  public static HttpConfig defaults() {
    return new HttpConfig(DEFAULT_HOST, DEFAULT_PORT, "", DEFAULT_MAX_BODY_BYTES);
  }

  /**
   * @return the options of the HTTP server: host, port, idle timeout, maximum header size; HTTP/1.1
   *     only (no cleartext HTTP/2 upgrade, whose streams the slow-client guard does not watch)
   */
  public HttpServerOptions serverOptions() {
    return new HttpServerOptions()
      .setHost(host)
      .setPort(port)
      .setIdleTimeout((int) idleTimeout.toMillis())
      .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
      .setMaxHeaderSize(maxHeaderBytes)
      .setHttp2ClearTextEnabled(false);
  }

  JsonObject toRedactedJson() {
    return new JsonObject()
      .put("host", host)
      .put("port", port)
      .put("apiToken", Redaction.redact(apiToken))
      .put("maxBodyBytes", maxBodyBytes)
      .put("idleTimeout", Durations.format(idleTimeout))
      .put("maxHeaderBytes", maxHeaderBytes);
  }

  @Override
  public String toString() {
    return "HttpConfig" + toRedactedJson().encode();
  }
}
