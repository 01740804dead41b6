package dev.pump.config;

import java.util.List;

/**
 * A configuration that cannot be used, with every problem found, each one line of the form
 * {@code <key path>: <message>}, e.g.
 * {@code pipelines[0].triggers[1].schedule: "61 * * * *": minute 61 is out of range 0-59}.
 */
public final class InvalidConfigException extends RuntimeException {

  private final List<String> problems;

  public InvalidConfigException(List<String> problems) {
    super(summary(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an invalid configuration has at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** @return the problems in the order found, one line each */
  public List<String> problems() {
    return problems;
  }

  private static String summary(List<String> problems) {
    return problems.size() == 1
      ? "invalid configuration: " + problems.get(0)
      : "invalid configuration, " + problems.size() + " problems: " + String.join("; ", problems);
  }
}
