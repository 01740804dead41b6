package dev.pump.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One mapping of the configuration at a key path, with typed getters that report what is wrong to
 * {@link Problems} and return a fallback (or {@code null} for a required value) instead of throwing,
 * so that one pass finds every problem.
 */
final class ConfigNode {

  private final String path;
  private final JsonObject json;
  private final Problems problems;

  ConfigNode(String path, JsonObject json, Problems problems) {
    this.path = path;
    this.json = json;
    this.problems = problems;
  }

  String path() {
    return path;
  }

  String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  JsonObject json() {
    return json;
  }

  void problem(String key, String message) {
    problems.add(pathOf(key), message);
  }

  /** A key with no value ({@code key:} in YAML) counts as absent. */
  boolean has(String key) {
    return json.getValue(key) != null;
  }

  /** Reports every key that is not in {@code known}, suggesting the closest known one. */
  void checkKeys(List<String> known) {
    for (String key : json.fieldNames()) {
      if (!known.contains(key)) {
        Optional<String> close = Suggestions.closest(key, known);
        problem(key, close.map(c -> "unknown key (did you mean '" + c + "'?)")
          .orElseGet(() -> "unknown key (known keys: " + String.join(", ", known) + ")"));
      }
    }
  }

  void required(String key, String hint) {
    problem(key, hint == null ? "required" : "required (" + hint + ")");
  }

  /** @return the string, {@code fallback} when absent, {@code null} when of another type */
  String string(String key, String fallback) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof String s) {
      return s;
    }
    problem(key, "must be a string, got " + describe(value)
      + (value instanceof Number || value instanceof Boolean ? " (put it in quotes)" : ""));
    return null;
  }

  /** @return the non-blank string, or {@code null} after reporting it missing, blank or of another type */
  String requiredString(String key, String hint) {
    if (!has(key)) {
      required(key, hint);
      return null;
    }
    String value = string(key, null);
    if (value != null && value.isBlank()) {
      problem(key, "must not be empty" + (hint == null ? "" : " (" + hint + ")"));
      return null;
    }
    return value;
  }

  /** @return the whole number within {@code min..max}, {@code fallback} when absent, {@code null} when invalid */
  Long number(String key, Long fallback, long min, long max) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    Long whole = null;
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      whole = ((Number) value).longValue();
    } else if (value instanceof BigInteger big) {
      whole = big.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    } else if (value instanceof Number) {
      problem(key, "must be a whole number, got " + describe(value));
      return null;
    } else {
      problem(key, "must be a number, got " + describe(value));
      return null;
    }
    if (whole < min || whole > max) {
      problem(key, "must be between " + min + " and " + max + ", got " + describe(value));
      return null;
    }
    return whole;
  }

  Integer integer(String key, Integer fallback, int min, int max) {
    Long value = number(key, fallback == null ? null : fallback.longValue(), min, max);
    return value == null ? null : value.intValue();
  }

  /** @return the boolean, {@code fallback} when absent, {@code null} when of another type */
  Boolean bool(String key, boolean fallback) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    problem(key, "must be true or false, got " + describe(value));
    return null;
  }

  /** @return the duration, at least {@code min}; {@code fallback} when absent, {@code null} when invalid */
  Duration duration(String key, Duration fallback, Duration min) {
    Object value = json.getValue(key);
    if (value == null) {
      if (fallback == null) {
        required(key, Durations.EXPECTED);
      }
      return fallback;
    }
    Optional<Duration> parsed = value instanceof String s ? Durations.parse(s) : Optional.empty();
    if (parsed.isEmpty()) {
      problem(key, "must be " + Durations.EXPECTED + ", got " + describe(value));
      return null;
    }
    if (parsed.get().compareTo(min) < 0) {
      problem(key, "must be at least " + Durations.format(min) + ", got " + describe(value));
      return null;
    }
    return parsed.get();
  }

  /** @return the mapping under {@code key}; {@code null} when absent (reported if required) or not a mapping */
  ConfigNode object(String key, boolean required, String hint) {
    Object value = json.getValue(key);
    if (value == null) {
      if (required) {
        required(key, hint);
      }
      return null;
    }
    if (value instanceof JsonObject object) {
      return new ConfigNode(pathOf(key), object, problems);
    }
    problem(key, "must be a mapping (key: value), got " + describe(value));
    return null;
  }

  /** @return the list under {@code key}; {@code null} when absent (reported if required) or not a list */
  JsonArray list(String key, boolean required, String hint) {
    Object value = json.getValue(key);
    if (value == null) {
      if (required) {
        required(key, hint);
      }
      return null;
    }
    if (value instanceof JsonArray array) {
      return array;
    }
    problem(key, "must be a list, got " + describe(value));
    return null;
  }

  /** @return element {@code index} of the list under {@code key} as a mapping, or {@code null} after reporting */
  ConfigNode element(String key, JsonArray list, int index) {
    Object value = list.getValue(index);
    String elementPath = pathOf(key) + "[" + index + "]";
    if (value instanceof JsonObject object) {
      return new ConfigNode(elementPath, object, problems);
    }
    problems.add(elementPath, "must be a mapping (key: value), got " + describe(value));
    return null;
  }

  /** How a rejected value is shown: strings quoted, numbers and booleans as written, containers by kind. */
  static String describe(Object value) {
    if (value == null) {
      return "nothing";
    }
    if (value instanceof String s) {
      return "\"" + s + "\"";
    }
    if (value instanceof JsonArray || value instanceof List) {
      return "a list";
    }
    if (value instanceof JsonObject || value instanceof Map) {
      return "a mapping";
    }
    return String.valueOf(value);
  }
}
