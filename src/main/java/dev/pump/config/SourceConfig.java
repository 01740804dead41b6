package dev.pump.config;

import dev.pump.pipeline.RedactedUrl;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Objects;

/** A pipeline's {@code source}: what runs when one of its triggers fires. */
public sealed interface SourceConfig {

  /** @return the YAML form */
  JsonObject toJson();

  /** {@code { type: clock }}: emits the trigger event itself. */
  record Clock() implements SourceConfig {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("type", "clock");
    }
  }

  /**
   * {@code { type: http-get, url | urlEnv, timeout }}: fetches {@code url} on each cycle and emits the
   * JSON answer. {@link #toJson()} and {@link #toString()} show the URL {@link RedactedUrl redacted}.
   */
  record HttpGet(String url, Duration timeout) implements SourceConfig {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public HttpGet {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("type", "http-get").put("url", RedactedUrl.of(url))
        .put("timeout", Durations.format(timeout));
    }

    @Override
    public String toString() {
      return "HttpGet" + toJson().encode();
    }
  }

  /**
   * {@code { type: class, class, config }}: a {@code TriggerSource} subclass with a constructor
   * {@code (SourceRuntime, Pipeline)} or {@code (SourceRuntime, Pipeline, JsonObject config)}.
   */
  record Custom(String className, JsonObject config) implements SourceConfig {
    public Custom {
      Objects.requireNonNull(className, "className");
      config = config == null ? new JsonObject() : config.copy();
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("type", "class").put("class", className).put("config", config.copy());
    }
  }
}
