package dev.pump.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import com.hazelcast.spi.properties.ClusterProperty;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The Hazelcast cluster manager of the service, configured in code:
 * <pre>{@code
 * ClusterManager cm = ClusterSetup.hazelcast("vertx-pump", "10.0.0.1", 5701, List.of("10.0.0.2:5701"));
 * Vertx vertx = Vertx.builder().with(ClusterSetup.eventBusOn(options, "10.0.0.1"))
 *   .withClusterManager(cm).buildClustered().await();
 * }</pre>
 * An embedding application may build Vert.x with a cluster manager of its own instead; nothing else
 * of vertx-pump depends on Hazelcast.
 */
public final class ClusterSetup {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterSetup.class);

  /** How often each member sends a heartbeat to the others. */
  public static final int HEARTBEAT_INTERVAL_SECONDS = 1;
  /**
   * A member silent this long (no heartbeat: power cut, network cut, a pause) is declared dead; it is
   * removed at the first heartbeat check after that, so within this plus {@link #HEARTBEAT_INTERVAL_SECONDS}.
   */
  public static final int MAX_NO_HEARTBEAT_SECONDS = 5;
  /**
   * How long a write waits for its backup's acknowledgement. A claim whose backup does not answer in
   * time fails ({@code hazelcast.operation.fail.on.indeterminate.state}) instead of counting as done:
   * a node cut off from the member holding the backup never fires a slot the other side cannot see.
   */
  public static final int BACKUP_TIMEOUT_MILLIS = 2000;
  /**
   * A member counts towards the quorum only while a heartbeat from it is this recent. Shorter than
   * {@link #MAX_NO_HEARTBEAT_SECONDS}, so a node cut off from the majority refuses claims before the
   * majority declares it dead and takes its partitions over: with membership alone, both sides held a
   * quorum for an instant at the detection boundary, and the slot due then fired on both (seen once in
   * PartitionProcessIT, 5 s into a cut).
   */
  public static final int QUORUM_HEARTBEAT_TOLERANCE_MILLIS = 3000;
  /**
   * Seconds after start before a node first looks for another cluster of the same name to merge with
   * after a split brain, and then between looks (Hazelcast's defaults are 300 and 120).
   */
  public static final int MERGE_DELAY_SECONDS = 5;
  /** The split-brain protection of the claim maps ({@link ClusterSlotLedger}) and the webhook replay window. */
  public static final String QUORUM_NAME = "pump-quorum";
  /** The shared map of the webhook replay window (the service's {@code SharedReplayWindow}): guarded too. */
  public static final String DELIVERIES_MAP = "pump.webhook-deliveries";
  /**
   * The maps guarded by {@link #QUORUM_NAME}: reads and writes fail on a node that does not see a quorum.
   * Not the last fired slots: a node starting before the others reads them for catch-up, and only a
   * node that won a claim writes them.
   */
  static final List<String> QUORUM_MAPS = List.of(ClusterSlotLedger.CLAIMS_MAP, DELIVERIES_MAP);
  /** How long a joining node waits for a listed member to answer, per round. */
  static final int JOIN_CONNECTION_TIMEOUT_SECONDS = 1;

  private ClusterSetup() {
  }

  /**
   * Like {@link #hazelcast(String, String, int, List, int)} with a quorum of a majority of {@code members}
   * (this node counted once, listed or not): {@link ClusterQuorum#majorityOf}.
   */
  public static HazelcastClusterManager hazelcast(String name, String host, int port, List<String> members) {
    return hazelcast(name, host, port, members, defaultQuorum(host, port, members));
  }

  /**
   * The default of {@code cluster.quorum}: a majority of the members listed, this node ({@code host:port})
   * counted once whether listed or not; 1 for a node that lists no other.
   */
  public static int defaultQuorum(String host, int port, List<String> members) {
    return ClusterQuorum.majorityOf(memberCount(host, port, members));
  }

  /**
   * Starts from Vert.x's own Hazelcast configuration ({@link ConfigUtil#loadConfig()}: the maps the
   * clustered event bus needs), then: cluster {@code name}; TCP-IP join over {@code members} (plus
   * this node); bound to {@code host:port} only, no port auto-increment; multicast and auto-detection
   * off; phone-home off; no wait before joining; Hazelcast's own shutdown hook off (Vert.x leaves
   * the cluster when the service closes); logs through SLF4J; heartbeats every second and a silent
   * member dead after {@value #MAX_NO_HEARTBEAT_SECONDS} s; a write whose backup does not acknowledge
   * within {@value #BACKUP_TIMEOUT_MILLIS} ms fails; after a split brain, the sides look for each other
   * every {@value #MERGE_DELAY_SECONDS} s and merge. The maps of slot claims, last fired slots and
   * webhook deliveries are guarded by a split-brain protection named {@value #QUORUM_NAME}: on a member
   * that has heard, within {@value #QUORUM_HEARTBEAT_TOLERANCE_MILLIS} ms, from fewer than {@code quorum}
   * members (itself included), every read and write of them fails. Members given by
   * name are resolved to addresses here, once (see {@link #resolved(String)}).
   *
   * @param quorum the fewest members (this one included) that may claim slots; 1 for no protection
   *
   * @param host an address of this machine that the other members reach, or a name resolving to it;
   *     not a wildcard such as 0.0.0.0
   * @throws IllegalArgumentException when {@code host} does not resolve, or is a wildcard address, or
   *     {@code quorum} is below 1
   */
  public static HazelcastClusterManager hazelcast(String name, String host, int port, List<String> members,
                                                  int quorum) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(members, "members");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("cluster port must be between 1 and 65535, got " + port);
    }
    if (quorum < 1) {
      throw new IllegalArgumentException("cluster quorum must be at least 1, got " + quorum);
    }
    String address = bindAddress(host);

    Config config = ConfigUtil.loadConfig();
    config.setClusterName(name);
    config.setProperty(ClusterProperty.PHONE_HOME_ENABLED.getName(), "false");
    config.setProperty(ClusterProperty.WAIT_SECONDS_BEFORE_JOIN.getName(), "0");
    config.setProperty(ClusterProperty.SOCKET_BIND_ANY.getName(), "false");
    config.setProperty(ClusterProperty.SHUTDOWNHOOK_ENABLED.getName(), "false");
    config.setProperty(ClusterProperty.LOGGING_TYPE.getName(), "slf4j");
    config.setProperty(ClusterProperty.HEARTBEAT_INTERVAL_SECONDS.getName(), String.valueOf(HEARTBEAT_INTERVAL_SECONDS));
    config.setProperty(ClusterProperty.MAX_NO_HEARTBEAT_SECONDS.getName(), String.valueOf(MAX_NO_HEARTBEAT_SECONDS));
    config.setProperty(ClusterProperty.OPERATION_BACKUP_TIMEOUT_MILLIS.getName(), String.valueOf(BACKUP_TIMEOUT_MILLIS));
    config.setProperty(ClusterProperty.FAIL_ON_INDETERMINATE_OPERATION_STATE.getName(), "true");
    config.setProperty(ClusterProperty.MERGE_FIRST_RUN_DELAY_SECONDS.getName(), String.valueOf(MERGE_DELAY_SECONDS));
    config.setProperty(ClusterProperty.MERGE_NEXT_RUN_DELAY_SECONDS.getName(), String.valueOf(MERGE_DELAY_SECONDS));
    config.addSplitBrainProtectionConfig(SplitBrainProtectionConfig
      .newRecentlyActiveSplitBrainProtectionConfigBuilder(QUORUM_NAME, quorum, QUORUM_HEARTBEAT_TOLERANCE_MILLIS)
      .enabled(true)
      .build()
      .setProtectOn(SplitBrainProtectionOn.READ_WRITE));
    for (String map : QUORUM_MAPS) {
      config.addMapConfig(new MapConfig(map).setBackupCount(1).setSplitBrainProtectionName(QUORUM_NAME));
    }

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(address));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    List<String> all = new ArrayList<>();
    members.forEach(member -> all.add(resolved(member)));
    String self = address + ":" + port;
    if (!all.contains(self)) {
      all.add(self);
    }
    // a member that is not up yet refuses at once; waiting 5 s (the default) per round for it only makes the
    // first node of a cluster slow to start
    join.getTcpIpConfig().setEnabled(true).setMembers(all).setConnectionTimeoutSeconds(JOIN_CONNECTION_TIMEOUT_SECONDS);
    return new HazelcastClusterManager(config);
  }

  /** How many members {@code members} names, this node ({@code host:port}) counted once whether listed or not. */
  static int memberCount(String host, int port, List<String> members) {
    String self;
    try {
      self = bindAddress(host) + ":" + port;
    } catch (IllegalArgumentException e) {
      self = host + ":" + port; // hazelcast(...) reports the bad host itself
    }
    Set<String> all = new HashSet<>();
    all.add(self);
    members.forEach(member -> all.add(resolved(member)));
    return all.size();
  }

  /**
   * The clustered event bus on {@code host}, a free port, advertised as {@code host}.
   *
   * @return {@code options}, changed
   */
  public static VertxOptions eventBusOn(VertxOptions options, String host) {
    Objects.requireNonNull(host, "host");
    EventBusOptions eventBus = options.getEventBusOptions();
    eventBus.setHost(host).setPort(0).setClusterPublicHost(host);
    return options;
  }

  /**
   * {@code host:port} with the host as an IP address when it resolves. With interfaces restricted,
   * Hazelcast keeps a member given by NAME only if its address matches one of this node's interfaces,
   * which drops every other machine (or container); members given by address are not filtered.
   */
  static String resolved(String member) {
    int colon = member.lastIndexOf(':');
    if (colon <= 0) {
      return member;
    }
    String host = member.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      return member; // an IPv6 literal
    }
    try {
      return InetAddress.getByName(host).getHostAddress() + member.substring(colon);
    } catch (UnknownHostException e) {
      LOG.warn("Cluster member '{}' does not resolve (yet); Hazelcast may not reach it", member);
      return member;
    }
  }

  /** The IP address Hazelcast binds to: interfaces are matched by address, not by name. */
  private static String bindAddress(String host) {
    Objects.requireNonNull(host, "host");
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("host '" + host + "' does not resolve to an address", e);
    }
    if (address.isAnyLocalAddress()) {
      throw new IllegalArgumentException("host '" + host
        + "' is a wildcard address: give the address the other members reach this node at");
    }
    return address.getHostAddress();
  }
}
