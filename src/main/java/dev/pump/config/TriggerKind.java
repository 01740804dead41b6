package dev.pump.config;

import dev.pump.PumpApplication;
import dev.pump.trigger.Trigger;

import java.util.List;

/**
 * A kind of trigger the configuration knows by its {@code type}, as vertx-config knows a store by its
 * {@code ConfigStoreFactory}: one class names the kind, lists its keys, reads and validates an entry,
 * builds the trigger and says in words how it fires. Built-in kinds and your own are found the same
 * way, with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/dev.pump.config.TriggerKind} on the classpath, and an entry
 * {@code { type: <name>, id: ..., <your keys> }} gets its keys checked (with "did you mean" for a
 * typo), its values validated with their key paths, and its trigger built and described on the dashboard.
 *
 * <p>The configuration checks {@code type} and {@code id} (the id rule, unique across the file) and
 * unknown keys; the kind checks the values of its own keys.
 *
 * @param <C> the validated entry: built by {@link #bind}, turned into a trigger by {@link #create}
 * @param <T> the triggers of this kind
 */
public interface TriggerKind<C extends TriggerConfig, T extends Trigger> {

  /** @return the {@code type} of the kind's entries, e.g. {@code cron}; unique among the kinds on the classpath */
  String name();

  /** @return the keys an entry of this kind may have besides {@code type} and {@code id}, in the order messages list them */
  List<String> keys();

  /**
   * Reads an entry and validates its values, reporting each problem through {@code node} with its key
   * path (call the domain's own constructor and report its {@link IllegalArgumentException} under the
   * key, rather than repeating its rules). Reads every key even when some are invalid, so that one pass
   * reports every problem.
   *
   * @param id the entry's id, or {@code null} when it is missing or invalid (already reported)
   * @param node the entry, at its key path
   * @return the validated entry, or {@code null} when {@code id} is {@code null} or a problem was reported
   */
  C bind(String id, ConfigNode node);

  /**
   * Builds the trigger of a validated entry, with the entry's id; nothing is started.
   *
   * @param app the application the trigger belongs to (its {@code TriggerRuntime}, Vert.x, router)
   */
  T create(PumpApplication app, C config);

  /** @return the class of this kind's triggers: {@link #describe} is asked about those only */
  Class<T> triggerClass();

  /**
   * @return how {@code trigger} fires, in words, for people (the dashboard): {@code every 5 minutes},
   *     {@code on each POST /webhooks/deploy}; a time trigger's bounds are added after it. The words may
   *     depend on the trigger's {@code type()} and {@code spec()} only: the dashboard keeps them per type
   *     and spec, so that a million triggers of one schedule are put in words once
   */
  String describe(T trigger);
}
