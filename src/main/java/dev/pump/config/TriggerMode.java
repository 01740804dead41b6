package dev.pump.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where a time trigger fires when the node is clustered; it makes no difference on a single node.
 * The cluster issue acts on it; until then it is parsed, validated and kept on the configuration.
 */
public enum TriggerMode {
  /** One node of the cluster fires each slot (the default). */
  CLUSTER_ONCE("cluster-once"),
  /** Every node fires every slot. */
  EVERY_NODE("every-node");

  private final String configName;

  TriggerMode(String configName) {
    this.configName = configName;
  }

  /** @return the spelling in the YAML file, e.g. {@code cluster-once} */
  public String configName() {
    return configName;
  }

  static List<String> configNames() {
    return Arrays.stream(values()).map(TriggerMode::configName).toList();
  }

  static Optional<TriggerMode> fromConfigName(String name) {
    return Arrays.stream(values()).filter(m -> m.configName.equals(name)).findFirst();
  }
}
