package dev.pump.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What every {@link ConfigNode} of one configuration shares: the problems found so far, where
 * environment variables are looked up, and the values claimed as unique across the file.
 */
final class BindState {

  final Problems problems;
  private Function<String, String> environment = System::getenv;
  /** namespace -> value -> who claimed it first */
  private final Map<String, Map<String, String>> claims = new HashMap<>();

  BindState(Problems problems) {
    this.problems = problems;
  }

  String environment(String variable) {
    return environment.apply(variable);
  }

  void environment(Function<String, String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** @return who claimed {@code value} in {@code namespace} first, or {@code null} when this claim is the first */
  String claim(String namespace, String value, String owner) {
    return claims.computeIfAbsent(namespace, n -> new HashMap<>()).putIfAbsent(value, owner);
  }
}
