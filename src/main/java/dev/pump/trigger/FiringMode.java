package dev.pump.trigger;

/** Where a time trigger fires when the application runs on several clustered nodes. */
public enum FiringMode {
  /** Each slot fires on exactly one live node (the one that claims it first). The default. */
  CLUSTER_ONCE,
  /** Each node fires every slot for its own sources. */
  EVERY_NODE
}
