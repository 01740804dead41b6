package dev.pump.pipeline;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * Why a pipeline is in the error state.
 *
 * @param message the exception's class and message
 * @param at when the error happened
 * @param where the source, processor or sink that failed
 * @param cause the exception itself
 */
public record PipelineError(String message, Instant at, String where, Throwable cause) {

  public JsonObject toJson() {
    return new JsonObject().put("message", message).put("at", at.toString()).put("where", where);
  }
}
