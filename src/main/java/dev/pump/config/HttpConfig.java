package dev.pump.config;

import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * The {@code http} section: where the webhooks, the management API, {@code /health} and
 * {@code /metrics} are served.
 *
 * @param host the address to bind; {@code 0.0.0.0} inside containers
 * @param port the port to bind, 0-65535; 0 picks a free port
 * @param apiToken empty: {@code /api/*} answers only loopback callers; otherwise every caller must
 *     send {@code Authorization: Bearer <token>}
 * @param maxBodyBytes webhook and API bodies larger than this are refused with 413
 */
public record HttpConfig(String host, int port, String apiToken, long maxBodyBytes) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_BODY_BYTES = 1_048_576;

  public HttpConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(apiToken, "apiToken");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("http port must be between 0 and 65535, got " + port);
    }
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 0, got " + maxBodyBytes);
    }
  }

  /** @return the defaults of interface.md */
  public static HttpConfig defaults() {
    return new HttpConfig(DEFAULT_HOST, DEFAULT_PORT, "", DEFAULT_MAX_BODY_BYTES);
  }

  JsonObject toRedactedJson() {
    return new JsonObject()
      .put("host", host)
      .put("port", port)
      .put("apiToken", Redaction.redact(apiToken))
      .put("maxBodyBytes", maxBodyBytes);
  }

  @Override
  public String toString() {
    return "HttpConfig" + toRedactedJson().encode();
  }
}
