package dev.pump.rules;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one rule for every id a user picks (trigger, source, pipeline, webhook name, trigger type):
 * 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit, so that it is safe in an
 * event-bus address, a URL path segment and a file name. The Java API and the configuration check it here.
 */
public final class Ids {

  /** What a valid id looks like, in words, for the messages. */
  public static final String RULE = "must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private Ids() {
  }

  /** @return whether {@code value} is a valid id */
  public static boolean isValid(String value) {
    return value != null && ID.matcher(value).matches();
  }

  /**
   * @param what what the value is, for the message: {@code trigger id}, {@code webhook name} ...
   * @return {@code value}
   * @throws IllegalArgumentException when it is not a valid id: {@code trigger id 'a b' must be 1-128 letters ...}
   */
  public static String require(String value, String what) {
    Objects.requireNonNull(value, what);
    if (!isValid(value)) {
      throw new IllegalArgumentException(what + " '" + value + "' " + RULE);
    }
    return value;
  }
}
