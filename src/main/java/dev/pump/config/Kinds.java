package dev.pump.config;

import dev.pump.rules.Ids;
import dev.pump.trigger.ScheduleWords;
import dev.pump.trigger.TimeTrigger;
import dev.pump.trigger.Trigger;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * The trigger, source and sink kinds on the classpath, found with {@link ServiceLoader}: the built-in
 * ones ({@code dev.pump.config.kind}) and any of your own, in the same way. Also says in words how any
 * trigger fires, for the dashboard.
 */
public final class Kinds {

  private final Map<String, TriggerKind<?, ?>> triggers;
  private final Map<String, SourceKind<?>> sources;
  private final Map<String, SinkKind<?>> sinks;

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Kinds(ClassLoader loader) {
    this.triggers = (Map) load(TriggerKind.class, loader, TriggerKind::name);
    this.sources = (Map) load(SourceKind.class, loader, SourceKind::name);
    this.sinks = (Map) load(SinkKind.class, loader, SinkKind::name);
  }

  /** @return the kinds seen by the calling thread's context class loader (or this class's) */
  public static Kinds installed() {
    return of(PluginClass.classLoader());
  }

  /**
   * @return the kinds {@code loader} sees (a few small files read, a few small objects made: hold on to
   *     the result rather than asking again for each trigger)
   * @throws IllegalStateException when a kind cannot be loaded, has an invalid name, or shares it with another
   */
  public static Kinds of(ClassLoader loader) {
    return new Kinds(loader);
  }

  /**
   * @return how {@code trigger} fires, in words: what the {@link TriggerKind} of its type says, followed by
   *     its bounds for a time trigger; a trigger of no known kind (built in Java) shows its {@code spec()},
   *     or "when its own code fires it"
   */
  public String describe(Trigger trigger) {
    TriggerKind<?, ?> kind = triggers.get(trigger.type());
    String words = kind != null && kind.triggerClass().isInstance(trigger) ? wordsOf(kind, trigger)
      : trigger.spec().isEmpty() ? "when its own code fires it" : trigger.spec();
    if (trigger instanceof TimeTrigger time && !time.bounds().isNone()) {
      return words + ", " + ScheduleWords.bounds(time.bounds());
    }
    return words;
  }

  private static <T extends Trigger> String wordsOf(TriggerKind<?, T> kind, Trigger trigger) {
    return kind.describe(kind.triggerClass().cast(trigger));
  }

  /** @return the trigger kinds by name, in the order found */
  Map<String, TriggerKind<?, ?>> triggers() {
    return triggers;
  }

  Map<String, SourceKind<?>> sources() {
    return sources;
  }

  Map<String, SinkKind<?>> sinks() {
    return sinks;
  }

  /** @throws IllegalStateException when a kind cannot be loaded, has an invalid name, or shares one with another */
  private static <K> Map<String, K> load(Class<K> service, ClassLoader loader, Function<K, String> nameOf) {
    Map<String, K> kinds = new LinkedHashMap<>();
    try {
      for (K kind : ServiceLoader.load(service, loader)) {
        String name = nameOf.apply(kind);
        if (!Ids.isValid(name)) {
          throw new IllegalStateException(service.getSimpleName() + " " + kind.getClass().getName() + ": name '"
            + name + "' " + Ids.RULE);
        }
        K other = kinds.putIfAbsent(name, kind);
        if (other != null && other.getClass() != kind.getClass()) {
          throw new IllegalStateException("two " + service.getSimpleName() + "s are named '" + name + "': "
            + other.getClass().getName() + " and " + kind.getClass().getName());
        }
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException("cannot load the " + service.getSimpleName() + "s on the classpath: "
        + e.getMessage(), e);
    }
    return Collections.unmodifiableMap(kinds);
  }
}
