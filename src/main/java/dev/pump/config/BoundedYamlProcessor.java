package dev.pump.config;

import io.vertx.config.spi.ConfigProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * The vertx-config format {@value #NAME}: YAML read by {@link YamlReader}, within bounds of size,
 * nesting, aliases and expansion, refusing duplicate keys. Registered with
 * {@code META-INF/services/io.vertx.config.spi.ConfigProcessor}.
 */
public final class BoundedYamlProcessor implements ConfigProcessor {

  /** The format name to give a config store. */
  public static final String NAME = "pump-yaml";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<JsonObject> process(Vertx vertx, JsonObject configuration, Buffer input) {
    String source = configuration == null ? "configuration" : configuration.getString("path", "configuration");
    return vertx.executeBlocking(() -> YamlReader.read(input.toString(StandardCharsets.UTF_8), source));
  }
}
