package dev.pump.config;

import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * One entry of a pipeline's {@code processors}: {@code { class, config }}, a {@code Processor} with a
 * constructor {@code ()} or {@code (JsonObject config)}.
 */
public record ProcessorConfig(String className, JsonObject config) {

  public ProcessorConfig {
    Objects.requireNonNull(className, "className");
    config = config == null ? new JsonObject() : config.copy();
  }

  JsonObject toJson() {
    return new JsonObject().put("class", className).put("config", config.copy());
  }
}
