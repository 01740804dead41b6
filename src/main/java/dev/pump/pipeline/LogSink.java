package dev.pump.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * Logs each event as one line of JSON at INFO, through the SLF4J logger
 * {@code dev.pump.sink.<name>}, so that a logging configuration can route or silence each sink
 * on its own. The built-in {@code log} sink of the configuration.
 */
public final class LogSink implements Sink {

  /** Prefix of the logger name; the sink's name follows it. */
  public static final String LOGGER_PREFIX = "dev.pump.sink.";

  private final Logger log;

  /**
   * @param name the last part of the logger name, usually the pipeline id; never blank
   * @throws IllegalArgumentException when {@code name} is blank
   */
  public LogSink(String name) {
    Objects.requireNonNull(name, "log sink name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("log sink name must not be blank");
    }
    this.log = LoggerFactory.getLogger(LOGGER_PREFIX + name);
  }

  /** @return the name of the logger events go to */
  public String loggerName() {
    return log.getName();
  }

  @Override
  public Future<Void> write(JsonObject event) {
    log.info("{}", event.encode());
    return Future.succeededFuture();
  }

  @Override
  public String toString() {
    return "log sink '" + log.getName() + "'";
  }
}
