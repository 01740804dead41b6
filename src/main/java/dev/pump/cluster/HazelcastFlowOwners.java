package dev.pump.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import dev.pump.trigger.FlowOwners;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.Optional;

/**
 * The owner of a flow-control key in a Hazelcast cluster: the member owning the Hazelcast partition of
 * {@code "<trigger id>\n<key>"} ({@code PartitionService.getPartition(key).getOwner()}, public Hazelcast API,
 * answered from the member's copy of the partition table, no network call). Every member holds the same
 * table, so every node sends a key's events to the same node; when a member joins or leaves, Hazelcast moves
 * some partitions and their keys get a new owner, which starts them with no state.
 *
 * <p>Each node's flow gates answer on {@code pump.flow.<member uuid>}. While a partition has no owner yet
 * (the first moments of a cluster), this node decides.
 */
public final class HazelcastFlowOwners implements FlowOwners {

  /** Prefix of every node's flow-gate address. */
  public static final String ADDRESS_PREFIX = "pump.flow.";

  private final HazelcastInstance hazelcast;
  private final String ownAddress;

  private HazelcastFlowOwners(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
    this.ownAddress = ADDRESS_PREFIX + hazelcast.getCluster().getLocalMember().getUuid();
  }

  /**
   * @param clusterManager the manager a clustered Vert.x was built with, joined
   * @return the owners, or empty for another cluster manager than {@code vertx-hazelcast}'s (or none): the
   *     nodes then keep flow-control state each for itself
   */
  public static Optional<FlowOwners> of(ClusterManager clusterManager) {
    if (clusterManager instanceof HazelcastClusterManager manager && manager.getHazelcastInstance() != null) {
      return Optional.of(new HazelcastFlowOwners(manager.getHazelcastInstance()));
    }
    return Optional.empty();
  }

  @Override
  public String ownerAddress(String triggerId, String key) {
    Partition partition = hazelcast.getPartitionService().getPartition(partitionKey(triggerId, key));
    Member owner = partition.getOwner();
    return owner == null || owner.localMember() ? null : ADDRESS_PREFIX + owner.getUuid();
  }

  @Override
  public String ownAddress() {
    return ownAddress;
  }

  /** A newline cannot be in a trigger id, so no two (trigger, key) pairs share a partition key. */
  static String partitionKey(String triggerId, String key) {
    return key == null ? triggerId : triggerId + "\n" + key;
  }

  @Override
  public String toString() {
    return "flow-control key owners by Hazelcast partition (this node: " + ownAddress + ")";
  }
}
