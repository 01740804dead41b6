package dev.pump.config;

import dev.pump.trigger.FlowControl;

import java.time.Duration;
import java.util.List;

/**
 * Reads an event trigger's {@code flow} key: {@code flow: { key, rateLimit: {limit, period},
 * debounce: {period, maxWait}, batch: {maxSize, maxWait}, throttle: {limit, period, maxWaiting}, maxKeys }}.
 * The built-in webhook and pubsub kinds use it, and so may an event trigger kind of your own.
 */
public final class FlowConfig {

  /** The key flow control is read from. */
  public static final String KEY = "flow";

  private static final Duration ONE_MS = Duration.ofMillis(1);

  private FlowConfig() {
  }

  /**
   * @param entry the trigger's entry
   * @return the flow control under {@link #KEY}, {@code null} when absent or invalid (reported)
   */
  public static FlowControl read(ConfigNode entry) {
    ConfigNode node = entry.object(KEY, false, null);
    if (node == null) {
      return null;
    }
    int before = node.problemCount();
    node.checkKeys(List.of("key", "rateLimit", "debounce", "batch", "throttle", "maxKeys"));
    String key = node.string("key", null);
    ConfigNode rateNode = node.object("rateLimit", false, null);
    ConfigNode debounceNode = node.object("debounce", false, null);
    ConfigNode batchNode = node.object("batch", false, null);
    ConfigNode throttleNode = node.object("throttle", false, null);
    Integer maxKeys = node.integer("maxKeys", FlowControl.DEFAULT_MAX_KEYS, 1, 1_000_000);
    FlowControl.Rate rate = null;
    if (rateNode != null) {
      rateNode.checkKeys(List.of("limit", "period"));
      Integer limit = requiredCount(rateNode, "limit");
      Duration period = requiredDuration(rateNode, "period");
      rate = limit == null || period == null ? null : new FlowControl.Rate(limit, period);
    }
    FlowControl.Debounce debounce = null;
    if (debounceNode != null) {
      debounceNode.checkKeys(List.of("period", "maxWait"));
      Duration period = requiredDuration(debounceNode, "period");
      Duration maxWait = period == null ? null : debounceNode.duration("maxWait", period.multipliedBy(10), period);
      debounce = period == null || maxWait == null ? null : new FlowControl.Debounce(period, maxWait);
    }
    FlowControl.Batch batch = null;
    if (batchNode != null) {
      batchNode.checkKeys(List.of("maxSize", "maxWait"));
      Integer maxSize = requiredCount(batchNode, "maxSize");
      Duration maxWait = requiredDuration(batchNode, "maxWait");
      batch = maxSize == null || maxWait == null ? null : new FlowControl.Batch(maxSize, maxWait);
    }
    FlowControl.Throttle throttle = null;
    if (throttleNode != null) {
      throttleNode.checkKeys(List.of("limit", "period", "maxWaiting"));
      Integer limit = requiredCount(throttleNode, "limit");
      Duration period = requiredDuration(throttleNode, "period");
      Integer maxWaiting = throttleNode.integer("maxWaiting", FlowControl.DEFAULT_MAX_WAITING, 0, 1_000_000);
      throttle = limit == null || period == null || maxWaiting == null ? null
        : new FlowControl.Throttle(limit, period, maxWaiting);
    }
    if (node.problemCount() > before) {
      return null;
    }
    try {
      return new FlowControl(key, rate, debounce, batch, throttle, maxKeys);
    } catch (IllegalArgumentException e) {
      node.problemWithEntry(e.getMessage());
      return null;
    }
  }

  private static Integer requiredCount(ConfigNode node, String key) {
    if (!node.has(key)) {
      node.required(key, "a whole number, at least 1");
      return null;
    }
    return node.integer(key, null, 1, 1_000_000);
  }

  private static Duration requiredDuration(ConfigNode node, String key) {
    if (!node.has(key)) {
      node.required(key, "a duration such as 10s");
      return null;
    }
    return node.duration(key, null, ONE_MS);
  }
}
