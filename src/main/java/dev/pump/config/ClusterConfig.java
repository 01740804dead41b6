package dev.pump.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code cluster} section: whether and how this node joins a Hazelcast cluster (see
 * docs/clustering.md).
 *
 * @param enabled whether this node joins a cluster
 * @param name the cluster name; nodes with other names do not join
 * @param host the address this node binds and advertises
 * @param port the cluster port, 1-65535
 * @param members {@code host:port} of the members to join over TCP-IP (no multicast)
 * @param takeoverWindow how long after its instant a slot claimed by a node that died before firing it
 *     is still fired by a survivor
 * @param nodeName the name of this node in trigger events and {@code /api/cluster}; {@code null} for
 *     {@code host:port}
 * @param quorum the fewest members, this node included, that this node must see to claim cluster-once
 *     slots; {@code null} for a majority of {@code members} (this node counted once, listed or not)
 */
public record ClusterConfig(boolean enabled, String name, String host, int port, List<String> members,
                            Duration takeoverWindow, String nodeName, Integer quorum) {

  public static final String DEFAULT_NAME = "vertx-pump";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;
  public static final Duration DEFAULT_TAKEOVER_WINDOW = Duration.ofSeconds(30);

  public ClusterConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("cluster port must be between 1 and 65535, got " + port);
    }
    members = List.copyOf(members);
    Objects.requireNonNull(takeoverWindow, "takeoverWindow");
    if (takeoverWindow.isNegative()) {
      throw new IllegalArgumentException("cluster takeoverWindow must not be negative, got " + takeoverWindow);
    }
    if (quorum != null && quorum < 1) {
      throw new IllegalArgumentException("cluster quorum must be at least 1, got " + quorum);
    }
  }

  /** With the default quorum (a majority of {@code members}). */
  public ClusterConfig(boolean enabled, String name, String host, int port, List<String> members,
                       Duration takeoverWindow, String nodeName) {
    this(enabled, name, host, port, members, takeoverWindow, nodeName, null);
  }

  /** With the default takeover window and node name. */
  public ClusterConfig(boolean enabled, String name, String host, int port, List<String> members) {
    this(enabled, name, host, port, members, DEFAULT_TAKEOVER_WINDOW, null, null);
  }

  /** @return the defaults of docs/interface.md: not clustered */
  public static ClusterConfig defaults() {
    return new ClusterConfig(false, DEFAULT_NAME, DEFAULT_HOST, DEFAULT_PORT, List.of());
  }

  /** @return {@link #nodeName()} if set, else {@code host:port}: the node id of trigger events */
  public String nodeId() {
    return nodeName != null ? nodeName : host + ":" + port;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("enabled", enabled)
      .put("name", name)
      .put("host", host)
      .put("port", port)
      .put("members", new JsonArray(members))
      .put("takeoverWindow", Durations.format(takeoverWindow));
    if (nodeName != null) {
      json.put("nodeName", nodeName);
    }
    if (quorum != null) {
      json.put("quorum", quorum);
    }
    return json;
  }
}
