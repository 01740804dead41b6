package dev.pump.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Objects;

/**
 * The {@code cluster} section. Parsed and validated now; clustering itself is wired by the cluster
 * issue.
 *
 * @param enabled whether this node joins a cluster
 * @param name the cluster name; nodes with other names do not join
 * @param host the address this node binds and advertises
 * @param port the cluster port, 1-65535
 * @param members {@code host:port} of the members to join over TCP-IP (no multicast)
 */
public record ClusterConfig(boolean enabled, String name, String host, int port, List<String> members) {

  public static final String DEFAULT_NAME = "vertx-pump";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;

  public ClusterConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("cluster port must be between 1 and 65535, got " + port);
    }
    members = List.copyOf(members);
  }

  /** @return the defaults of interface.md: not clustered */
  public static ClusterConfig defaults() {
    return new ClusterConfig(false, DEFAULT_NAME, DEFAULT_HOST, DEFAULT_PORT, List.of());
  }

  JsonObject toJson() {
    return new JsonObject()
      .put("enabled", enabled)
      .put("name", name)
      .put("host", host)
      .put("port", port)
      .put("members", new JsonArray(members));
  }
}
