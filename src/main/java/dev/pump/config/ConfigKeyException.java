package dev.pump.config;

import java.util.Objects;

/**
 * Thrown by a kind's {@code create} when a validated entry cannot be built after all (a user class
 * failing in its constructor): the configuration reports it as {@code <entry path>.<key>: <message>}.
 */
public final class ConfigKeyException extends IllegalArgumentException {

  private final String key;

  /**
   * @param key the key whose value is at fault, e.g. {@code class}
   * @param message what is wrong, e.g. {@code the constructor of 'com.example.MySink' failed: ...}
   */
  public ConfigKeyException(String key, String message) {
    super(message);
    this.key = Objects.requireNonNull(key, "key");
  }

  /** @return the key whose value is at fault */
  public String key() {
    return key;
  }
}
