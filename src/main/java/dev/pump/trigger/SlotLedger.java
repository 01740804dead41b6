package dev.pump.trigger;

import io.vertx.core.Future;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where time triggers claim their slots and remember the last slot they fired.
 *
 * <p>On one node every claim is won and the last slot is kept in memory, or in {@code dataDir}
 * (so catch-up works across restarts); in a cluster both live in the cluster's shared data, so
 * that each slot of a {@link FiringMode#CLUSTER_ONCE} trigger fires on exactly one node.
 */
public interface SlotLedger {

  /**
   * Claims {@code slot} of a trigger for this node.
   *
   * @return true if this node won the slot and must fire it; false if another node has it. A cluster
   *     ledger may complete it late: a node that lost the slot to one that then died before firing it
   *     gets true when it takes the slot over. A failed future means "do not fire".
   */
  Future<Boolean> claim(String triggerId, Instant slot);

  /**
   * Claims one slot for a group of triggers in one call: the triggers of a schedule that are due at
   * the same slot. A ledger that talks to a cluster sends the claims together; the default claims
   * them one by one.
   *
   * @return one claim per trigger id, in the order of {@code triggerIds}, each as {@link #claim}
   */
  default List<Future<Boolean>> claimAll(List<String> triggerIds, Instant slot) {
    List<Future<Boolean>> claims = new ArrayList<>(triggerIds.size());
    for (String triggerId : triggerIds) {
      claims.add(claim(triggerId, slot));
    }
    return claims;
  }

  /**
   * Tells the ledger that this node has handled a slot it won: the fire is published (or was refused
   * because the trigger is paused). A cluster ledger marks the claim, so that no other node takes the
   * slot over when this one leaves. The default does nothing.
   */
  default Future<Void> markFired(String triggerId, Instant slot) {
    return NOTHING_TO_DO;
  }

  /** What the default {@link #markFired} answers. */
  Future<Void> NOTHING_TO_DO = Future.succeededFuture();

  /** @return the last slot the trigger fired, on any node; empty if it never fired */
  Future<Optional<Instant>> lastFired(String triggerId);

  /** Remembers that the trigger fired {@code slot}; later slots only move it forward. */
  Future<Void> recordFired(String triggerId, Instant slot);

  /** A ledger for one node, in memory: every claim is won, nothing survives a restart. */
  static SlotLedger inMemory() {
    Map<String, Instant> last = new ConcurrentHashMap<>();
    Future<Boolean> won = Future.succeededFuture(true);
    return new SlotLedger() {
      @Override
      public Future<Boolean> claim(String triggerId, Instant slot) {
        return won;
      }

      @Override
      public List<Future<Boolean>> claimAll(List<String> triggerIds, Instant slot) {
        return Collections.nCopies(triggerIds.size(), won);
      }

      @Override
      public Future<Optional<Instant>> lastFired(String triggerId) {
        return Future.succeededFuture(Optional.ofNullable(last.get(triggerId)));
      }

      @Override
      public Future<Void> recordFired(String triggerId, Instant slot) {
        last.merge(triggerId, slot, (a, b) -> a.isAfter(b) ? a : b);
        return Future.succeededFuture();
      }
    };
  }
}
