package dev.pump.config;

import dev.pump.pipeline.RedactedUrl;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** A pipeline's {@code sink}: where its events leave it. */
public interface SinkConfig {

  /** @return the {@code type} of the entry: the name of the kind that reads and builds it */
  String type();

  /** @return the YAML form, for the log of the effective configuration; secrets redacted */
  default JsonObject toJson() {
    return new JsonObject().put("type", type());
  }

  /** {@code { type: log, name }}: one INFO line per event on logger {@code dev.pump.sink.<name>}. */
  record Log(String name) implements SinkConfig {
    /** The {@code type} of these entries. */
    public static final String TYPE = "log";

    public Log {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("type", TYPE).put("name", name);
    }
  }

  /**
   * {@code { type: file, path }}: appends JSON lines; {@code path} defaults to
   * {@code <dataDir>/<pipeline id>.jsonl}.
   */
  record File(Path path) implements SinkConfig {
    /** The {@code type} of these entries. */
    public static final String TYPE = "file";

    public File {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("type", TYPE).put("path", path.toString());
    }
  }

  /** {@code { type: eventbus, address }}: publishes each event on the event bus. */
  record EventBus(String address) implements SinkConfig {
    /** The {@code type} of these entries. */
    public static final String TYPE = "eventbus";

    public EventBus {
      Objects.requireNonNull(address, "address");
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("type", TYPE).put("address", address);
    }
  }

  /**
   * {@code { type: http, url | urlEnv, maxAttempts, initialBackoff, maxBackoff, timeout }}: POSTs
   * each event as JSON, retrying with exponential backoff. {@link #toJson()} and {@link #toString()}
   * show the URL {@link RedactedUrl redacted}.
   */
  record Http(String url, int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration timeout)
    implements SinkConfig {
    /** The {@code type} of these entries. */
    public static final String TYPE = "http";

    public Http {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(initialBackoff, "initialBackoff");
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("type", TYPE).put("url", RedactedUrl.of(url)).put("maxAttempts", maxAttempts)
        .put("initialBackoff", Durations.format(initialBackoff)).put("maxBackoff", Durations.format(maxBackoff))
        .put("timeout", Durations.format(timeout));
    }

    @Override
    public String toString() {
      return "Http" + toJson().encode();
    }
  }

  /**
   * {@code { type: class, class, config }}: a {@code Sink} with a constructor {@code ()} or
   * {@code (JsonObject config)}.
   */
  record Custom(String className, JsonObject config) implements SinkConfig {
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
