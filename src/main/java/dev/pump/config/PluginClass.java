package dev.pump.config;

import dev.pump.PumpApplication;
import dev.pump.pipeline.Pipeline;
import dev.pump.pipeline.Processor;
import dev.pump.pipeline.Sink;
import dev.pump.source.TriggerSource;
import io.vertx.core.json.JsonObject;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The kinds of user class a configuration may name with {@code class}, and how each is constructed.
 * Validation ({@link ConfigNode#className(PluginClass)}) checks a class exists, has the right type and
 * a usable constructor, without running any of its code; {@link #instantiate} then calls that constructor.
 */
public enum PluginClass {

  SOURCE(TriggerSource.class, "is not a subclass of " + TriggerSource.class.getName(),
    List.of(List.of(PumpApplication.class, Pipeline.class),
      List.of(PumpApplication.class, Pipeline.class, JsonObject.class)),
    "(SourceRuntime, Pipeline) or (SourceRuntime, Pipeline, JsonObject)"),
  PROCESSOR(Processor.class, "does not implement " + Processor.class.getName(),
    List.of(List.of(), List.of(JsonObject.class)), "() or (JsonObject)"),
  SINK(Sink.class, "does not implement " + Sink.class.getName(),
    List.of(List.of(), List.of(JsonObject.class)), "() or (JsonObject)");

  private final Class<?> type;
  private final String wrongTypeMessage;
  private final List<List<Class<?>>> signatures; // preferred last: the one that also takes the config
  private final String signaturesText;

  PluginClass(Class<?> type, String wrongTypeMessage, List<List<Class<?>>> signatures, String signaturesText) {
    this.type = type;
    this.wrongTypeMessage = wrongTypeMessage;
    this.signatures = signatures;
    this.signaturesText = signaturesText;
  }

  /** @return why {@code className} cannot be used, or empty when it can */
  public Optional<String> check(String className) {
    try {
      constructorOf(className);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * @return the constructor to call: the one that also takes the {@code config} if there is one
   * @throws IllegalArgumentException saying what is wrong with the class
   */
  Constructor<?> constructorOf(String className) {
    Class<?> loaded;
    try {
      loaded = Class.forName(className, false, classLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("class '" + className + "' not found on the classpath");
    } catch (LinkageError e) {
      throw new IllegalArgumentException("class '" + className + "' cannot be loaded: " + e);
    }
    if (!type.isAssignableFrom(loaded)) {
      throw new IllegalArgumentException("class '" + className + "' " + wrongTypeMessage);
    }
    if (loaded.isInterface() || Modifier.isAbstract(loaded.getModifiers())) {
      String kind = loaded.isInterface() ? "an interface" : "abstract";
      throw new IllegalArgumentException("class '" + className + "' is " + kind + ": name a concrete class");
    }
    Constructor<?> found = null;
    for (List<Class<?>> signature : signatures) {
      for (Constructor<?> constructor : loaded.getDeclaredConstructors()) {
        if (accepts(constructor, signature)) {
          found = constructor;
        }
      }
    }
    if (found == null) {
      throw new IllegalArgumentException("class '" + className + "' has no constructor " + signaturesText);
    }
    found.setAccessible(true);
    return found;
  }

  /** A constructor fits a signature when it can be called with arguments of the signature's types. */
  private static boolean accepts(Constructor<?> constructor, List<Class<?>> signature) {
    Class<?>[] parameters = constructor.getParameterTypes();
    if (parameters.length != signature.size() || Modifier.isPrivate(constructor.getModifiers())) {
      return false;
    }
    for (int i = 0; i < parameters.length; i++) {
      if (!parameters[i].isAssignableFrom(signature.get(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Calls the class's constructor with {@code leading} and, if it takes one, a copy of {@code config}.
   *
   * @throws ConfigKeyException under {@code class} when the class cannot be used or its constructor fails
   */
  public Object instantiate(String className, JsonObject config, Object... leading) {
    Constructor<?> constructor;
    try {
      constructor = constructorOf(className);
    } catch (IllegalArgumentException e) {
      throw new ConfigKeyException("class", e.getMessage());
    }
    Object[] arguments = leading;
    if (takesConfig(constructor)) {
      arguments = Arrays.copyOf(leading, leading.length + 1);
      arguments[leading.length] = config.copy();
    }
    try {
      return constructor.newInstance(arguments);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new ConfigKeyException("class", "the constructor of '" + className + "' failed: "
        + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    } catch (ReflectiveOperationException e) {
      throw new ConfigKeyException("class", "cannot construct '" + className + "': " + e);
    }
  }

  /** @return whether {@code constructor}, found by {@link #constructorOf(String)}, also takes the {@code config} */
  private boolean takesConfig(Constructor<?> constructor) {
    return constructor.getParameterCount() == signatures.get(signatures.size() - 1).size();
  }

  static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : PluginClass.class.getClassLoader();
  }
}
