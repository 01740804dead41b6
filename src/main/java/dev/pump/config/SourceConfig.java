package dev.pump.config;

import dev.pump.pipeline.RedactedUrl;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Objects;

/** A pipeline's {@code source}: what runs when one of its triggers fires. */
public interface SourceConfig {

  /** @return the {@code type} of the entry: the name of the kind that reads and builds it */
  String type();

  /** @return the YAML form, for the log of the effective configuration; secrets redacted */
  default JsonObject toJson() {
    return new JsonObject().put("type", type());
  }

  /** {@code { type: clock }}: emits the trigger event itself. */
  record Clock() implements SourceConfig {
    /** The {@code type} of these entries. */
    public static final String TYPE = "clock";

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("type", TYPE);
    }
  }

  /**
   * {@code { type: http-get, url | urlEnv, timeout }}: fetches {@code url} on each cycle and emits the
   * JSON answer. {@link #toJson()} and {@link #toString()} show the URL {@link RedactedUrl redacted}.
   */
  record HttpGet(String url, Duration timeout) implements SourceConfig {
    /** The {@code type} of these entries. */
    public static final String TYPE = "http-get";

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public HttpGet {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("type", TYPE).put("url", RedactedUrl.of(url))
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
    /** The {@code type} of these entries. */
    public static final String TYPE = "class";

    public Custom {
      Objects.requireNonNull(className, "className");
      config = config == null ? new JsonObject() : config.copy();
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("type", TYPE).put("class", className).put("config", config.copy());
    }
  }
}
