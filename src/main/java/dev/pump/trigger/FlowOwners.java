package dev.pump.trigger;

/**
 * Which node decides the flow control ({@link FlowControl}) of a key, in a cluster: every node that receives
 * an event for a key another node owns forwards it to that node over the event bus, so that the key's
 * rate limit, debounce, batch and throttle see one stream however the events are spread over the nodes.
 * A single node has none ({@link TriggerRuntime#flowOwners()} is {@code null}) and decides everything itself.
 *
 * <p>Implementations answer from local knowledge only (no network call): they are asked once per event.
 */
public interface FlowOwners {

  /**
   * @param triggerId the trigger whose flow control decides
   * @param key the event's key (the value at {@code flow.key}), or {@code null} for the one stream of a
   *     trigger without a key
   * @return {@code null} when this node decides (it owns the key, or no owner is known yet); otherwise the
   *     event-bus address where the owning node's flow gates answer (its {@link #ownAddress()})
   */
  String ownerAddress(String triggerId, String key);

  /** @return the event-bus address this node's flow gates answer on, unique to this node */
  String ownAddress();
}
