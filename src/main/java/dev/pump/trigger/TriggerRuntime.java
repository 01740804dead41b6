package dev.pump.trigger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.InstantSource;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * What a trigger needs from the application it belongs to. {@code dev.pump.PumpApplication}
 * implements it, so user code writes {@code new CronTrigger(app, "*&#47;5 * * * *")} exactly as in
 * BSPump; the interface keeps this package free of any dependency on the application.
 */
public interface TriggerRuntime {

  /** @return the Vert.x instance triggers are deployed on; never {@code null} */
  Vertx vertx();

  /** @return the clock every time decision is taken from; tests inject a settable one */
  InstantSource clock();

  /** @return the name of this node, written into every {@link TriggerEvent#node()} */
  String nodeId();

  /**
   * Registers a new trigger and gives it a readable default id ({@code cron-1}, {@code webhook-2}).
   * Called by the {@link Trigger} constructor.
   *
   * @return the id assigned to the trigger
   */
  String register(Trigger trigger);

  /**
   * Changes the id of a registered, not yet deployed trigger.
   *
   * @throws IllegalArgumentException when another trigger already has {@code newId}
   * @throws IllegalStateException when the trigger is already deployed
   */
  void rename(Trigger trigger, String newId);

  /**
   * @return true when no source of the application is inside a cycle and no pipeline is
   *     throttled: the moment an {@link OpportunisticTrigger} may fire
   */
  boolean isIdle();

  /**
   * Calls {@code listener} whenever a cycle of any source of the application ends, on the worker
   * thread that ran it: an {@link OpportunisticTrigger} checks then whether the application has become idle.
   *
   * @return removes the listener
   */
  Runnable onCycleEnded(Runnable listener);

  /**
   * Calls {@code listener} whenever a cycle that ran for a fire of the trigger {@code triggerId} ends,
   * on the worker thread that ran the cycle, with the event and whether the cycle failed: a time trigger with
   * {@code pauseOnFailure} counts the failed cycles of its own fires. Keyed by trigger, so that a
   * cycle reaches only its own trigger's listener, however many triggers listen.
   *
   * @return removes the listener
   */
  Runnable onCycleOutcome(String triggerId, BiConsumer<TriggerEvent, Boolean> listener);

  /**
   * @return where time triggers claim slots and remember their last slot; in memory unless the
   *     application is given a persistent or clustered ledger
   */
  default SlotLedger slotLedger() {
    return DEFAULT_LEDGER;
  }

  /** Shared by runtimes that have no ledger of their own. */
  SlotLedger DEFAULT_LEDGER = SlotLedger.inMemory();

  /**
   * @return the schedulers that wake this runtime's time triggers: one timer per event loop, shared
   *     by every time trigger on that loop
   */
  TimeSchedulers timeSchedulers();

  /**
   * @return in a cluster, which node decides the flow control of a key (events for a key another node
   *     owns are forwarded to it); {@code null}, the default, on a single node: every node decides alone
   */
  default FlowOwners flowOwners() {
    return null;
  }

  /**
   * Writes a fire that stands for no scheduled slot (a webhook delivery, a manual or pub/sub fire)
   * to the application's fire journal, for the sources of {@code trigger} whose pipeline asks for
   * it; the trigger publishes the event once this completes, and not at all if it fails.
   *
   * @return completes, on the caller's context, once the fire is on disk; {@code null} when nothing
   *     is journaled for this trigger, and the event is published at once
   */
  default Future<Void> journal(Trigger trigger, TriggerEvent event) {
    return null;
  }

  /**
   * Writes an event that the flow control of {@code trigger} holds for later (debounce, batch, throttle) to the
   * application's fire journal, when a source of the trigger journals its fires, so that it survives a crash
   * ({@link #heldDone} says when it is no longer held). Must queue the record before it returns: the trigger
   * calls it under the lock that also releases held events.
   *
   * @param held the event as it arrived: its trigger, args, arrival time ({@code firedAt}) and id ({@code firing})
   * @return completes, on the caller's context, once the record is on disk; {@code null} when nothing is
   *     journaled for this trigger
   */
  default Future<Void> journalHeld(Trigger trigger, TriggerEvent held) {
    return null;
  }

  /**
   * Says that held events of {@code trigger} ({@link #journalHeld}) are no longer held: {@code released} into a
   * fire that is on disk, or dropped by the flow rules. Ids the journal does not hold are ignored.
   */
  default void heldDone(Trigger trigger, List<String> heldIds, boolean released) {
  }

  /** Called after every successful fire, on the firing thread; for history and metrics. */
  default void fired(Trigger trigger, TriggerEvent event) {
  }
}
