package dev.pump.trigger;

import io.vertx.core.Future;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster-once slots of one scheduler pass, grouped by slot, so that a group of triggers due at
 * the same slot claims it in one ledger call ({@link SlotLedger#claimAll}) instead of one call each.
 */
final class SlotClaims {

  private final Map<Instant, List<TimeTrigger>> bySlot = new LinkedHashMap<>(4);

  void add(TimeTrigger trigger, Instant slot) {
    bySlot.computeIfAbsent(slot, s -> new ArrayList<>()).add(trigger);
  }

  /** Claims every slot collected; each trigger fires its slot when (and if) its claim is won. */
  void submit() {
    for (Map.Entry<Instant, List<TimeTrigger>> group : bySlot.entrySet()) {
      Instant slot = group.getKey();
      List<TimeTrigger> triggers = group.getValue();
      List<String> ids = new ArrayList<>(triggers.size());
      for (TimeTrigger trigger : triggers) {
        ids.add(trigger.id());
      }
      SlotLedger ledger = triggers.get(0).runtime.slotLedger();
      List<Future<Boolean>> claims = ledger.claimAll(ids, slot);
      for (int i = 0; i < triggers.size(); i++) {
        TimeTrigger trigger = triggers.get(i);
        Future<Boolean> claim = claims.get(i);
        if (claim.isComplete()) {
          trigger.claimed(slot, claim); // a ledger of one node decides at once: fire in this pass
        } else {
          claim.onComplete(won -> trigger.claimed(slot, won));
        }
      }
    }
  }
}
