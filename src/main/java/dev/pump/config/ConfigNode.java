package dev.pump.config;

import dev.pump.pipeline.RedactedUrl;
import dev.pump.rules.Ids;
import dev.pump.rules.Spellings;
import dev.pump.trigger.Zones;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One mapping of the configuration at a key path, with typed getters that report what is wrong with
 * its key path and return a fallback (or {@code null} for a required value) instead of throwing, so
 * that one pass finds every problem. A {@link TriggerKind}, {@link SourceKind} or {@link SinkKind}
 * reads its entry through it:
 * <pre>{@code
 * Duration every = node.duration("every", null, Duration.ofMillis(1));    // required: reported when absent
 * String label = node.string("label", "bell");                           // optional, with a default
 * try {
 *   return new Bell(label, every);                                       // the domain's own checks
 * } catch (IllegalArgumentException e) {
 *   node.problem("every", e.getMessage());                               // reported at <path>.every
 *   return null;
 * }
 * }</pre>
 */
public final class ConfigNode {

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String path;
  private final JsonObject json;
  private final BindState state;
  private final Problems problems;

  ConfigNode(String path, JsonObject json, BindState state) {
    this.path = path;
    this.json = json;
    this.state = state;
    this.problems = state.problems;
  }

  /** @return the key path of this mapping, e.g. {@code pipelines[0].triggers[1]} */
  public String path() {
    return path;
  }

  /** @return the key path of {@code key} in this mapping, e.g. {@code pipelines[0].triggers[1].schedule} */
  public String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** @return the mapping as read from the file (environment overrides applied) */
  public JsonObject json() {
    return json;
  }

  /** Reports a problem with the value of {@code key}: {@code <path>.<key>: <message>}. */
  public void problem(String key, String message) {
    problems.add(pathOf(key), message);
  }

  /** Reports a problem with element {@code index} of the list under {@code key}: {@code <path>.<key>[i]: ...}. */
  public void problem(String key, int index, String message) {
    problems.add(pathOf(key) + "[" + index + "]", message);
  }

  /** Reports a problem with the mapping as a whole: {@code <path>: <message>}. */
  public void problemWithEntry(String message) {
    problems.add(path, message);
  }

  /** @return how many problems the whole configuration has so far; compare before and after reading */
  public int problemCount() {
    return problems.count();
  }

  /** A key with no value ({@code key:} in YAML) counts as absent. */
  public boolean has(String key) {
    return json.getValue(key) != null;
  }

  /** Reports every key that is not in {@code known}, suggesting the closest known one. */
  public void checkKeys(List<String> known) {
    for (String key : json.fieldNames()) {
      if (!known.contains(key)) {
        Optional<String> close = Suggestions.closest(key, known);
        problem(key, close.map(c -> "unknown key (did you mean '" + c + "'?)")
          .orElseGet(() -> "unknown key (known keys: " + String.join(", ", known) + ")"));
      }
    }
  }

  /** Reports {@code key} missing: {@code <path>.<key>: required (<hint>)}. */
  public void required(String key, String hint) {
    problem(key, hint == null ? "required" : "required (" + hint + ")");
  }

  /** @return the string, {@code fallback} when absent, {@code null} when of another type */
  public String string(String key, String fallback) {
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
  public String requiredString(String key, String hint) {
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
  public Long number(String key, Long fallback, long min, long max) {
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

  /** Like {@link #number(String, Long, long, long)}, for an {@code int}. */
  public Integer integer(String key, Integer fallback, int min, int max) {
    Long value = number(key, fallback == null ? null : fallback.longValue(), min, max);
    return value == null ? null : value.intValue();
  }

  /** @return the boolean, {@code fallback} when absent, {@code null} when of another type */
  public Boolean bool(String key, boolean fallback) {
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
  public Duration duration(String key, Duration fallback, Duration min) {
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
  public ConfigNode object(String key, boolean required, String hint) {
    Object value = json.getValue(key);
    if (value == null) {
      if (required) {
        required(key, hint);
      }
      return null;
    }
    if (value instanceof JsonObject object) {
      return new ConfigNode(pathOf(key), object, state);
    }
    problem(key, "must be a mapping (key: value), got " + describe(value));
    return null;
  }

  /** @return the list under {@code key}; {@code null} when absent (reported if required) or not a list */
  public JsonArray list(String key, boolean required, String hint) {
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
  public ConfigNode element(String key, JsonArray list, int index) {
    Object value = list.getValue(index);
    String elementPath = pathOf(key) + "[" + index + "]";
    if (value instanceof JsonObject object) {
      return new ConfigNode(elementPath, object, state);
    }
    problems.add(elementPath, "must be a mapping (key: value), got " + describe(value));
    return null;
  }

  // ------------------------------------------------------------------------------------------------
  // value rules every kind shares

  /** @return the id under {@code key} ({@link Ids#RULE}), or {@code null} after reporting it missing or malformed */
  public String id(String key) {
    String id = requiredString(key, null);
    if (id != null && !Ids.isValid(id)) {
      problem(key, Ids.RULE + ", got \"" + id + "\"");
      return null;
    }
    return id;
  }

  /** @return an optional string that must not be blank when given; {@code null} after reporting */
  public String nonBlank(String key, String fallback) {
    String value = string(key, fallback);
    if (value != null && value.isBlank()) {
      problem(key, "must not be empty");
      return null;
    }
    return value;
  }

  /**
   * One of an enum's constants, spelled as {@link Spellings} writes it ({@code cluster-once}).
   *
   * @return the constant, {@code fallback} when absent, {@code null} after reporting a misspelling
   */
  public <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
    String text = string(key, fallback == null ? null : Spellings.of(fallback));
    if (text == null) {
      if (fallback == null && !has(key)) {
        required(key, "one of " + String.join(", ", Spellings.all(type)));
      }
      return null;
    }
    Optional<E> constant = Spellings.parse(type, text);
    if (constant.isEmpty()) {
      List<String> names = Spellings.all(type);
      problem(key, "must be " + String.join(" or ", names) + ", got \"" + text + "\""
        + Suggestions.closest(text, names).map(s -> " (did you mean '" + s + "'?)").orElse(""));
      return null;
    }
    return constant.get();
  }

  /**
   * @return the time zone under {@code key}, the system's when absent, {@code null} after reporting an
   *     unknown one (with the closest known zone, or {@link Zones#HINT})
   */
  public ZoneId zone(String key) {
    String text = string(key, null);
    if (text == null) {
      return has(key) ? null : ZoneId.systemDefault();
    }
    try {
      return Zones.parse(text);
    } catch (IllegalArgumentException e) {
      problem(key, "unknown time zone \"" + text + "\""
        + Suggestions.closest(text.trim(), ZoneId.getAvailableZoneIds()).map(s -> " (did you mean '" + s + "'?)")
          .orElse(" (" + Zones.HINT + ")"));
      return null;
    }
  }

  /** An ISO-8601 instant, {@code 2026-12-01T00:00:00Z} or with an offset; {@code null} when absent or invalid (reported). */
  public Instant instant(String key) {
    Object value = json.getValue(key);
    if (value == null) {
      return null;
    }
    String hint = "an ISO-8601 instant such as 2026-12-01T00:00:00Z or 2026-12-01T09:00:00+01:00";
    if (value instanceof Instant instant) {
      return instant;
    }
    if (value instanceof java.util.Date timestamp) {
      return timestamp.toInstant(); // an unquoted YAML timestamp
    }
    if (value instanceof String text) {
      try {
        return OffsetDateTime.parse(text.trim()).toInstant();
      } catch (DateTimeException e) {
        problem(key, "must be " + hint + ", got \"" + text + "\"");
        return null;
      }
    }
    problem(key, "must be " + hint + ", got " + describe(value));
    return null;
  }

  /** @return {@code text} as a path, or {@code null} after reporting it under {@code key} */
  public Path path(String key, String text) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      problem(key, "not a valid path: " + e.getMessage());
      return null;
    }
  }

  /**
   * Reads a secret given inline under {@code key} or by the name of an environment variable under
   * {@code envKey}; no message ever shows its value.
   *
   * @return the secret, {@code ""} when neither is given, {@code null} after reporting a problem
   */
  public String secret(String key, String envKey) {
    if (has(key) && has(envKey)) {
      problem(envKey, "give " + key + " or " + envKey + ", not both");
      return null;
    }
    if (!has(envKey)) {
      return secretString(key);
    }
    return fromEnvironment(envKey);
  }

  /** A string that is a secret: a value of another type is reported without being shown; {@code ""} when absent. */
  public String secretString(String key) {
    Object value = json.getValue(key);
    if (value == null) {
      return "";
    }
    if (value instanceof String text) {
      return text;
    }
    problem(key, "must be a string (put it in quotes)");
    return null;
  }

  /**
   * {@code url}, or {@code urlEnv}: the name of an environment variable holding it, so that a URL
   * with credentials in it need not be written in the file. Either way it is shown redacted.
   *
   * @return an http:// or https:// URL with a host, or {@code null} after reporting
   */
  public String urlOrEnv() {
    if (has("url") && has("urlEnv")) {
      problem("urlEnv", "give url or urlEnv, not both");
      return null;
    }
    if (!has("urlEnv")) {
      return url("url", requiredString("url", "an http:// or https:// URL (or urlEnv)"));
    }
    String value = fromEnvironment("urlEnv");
    return value == null ? null : url("urlEnv", value);
  }

  /** The value of the environment variable named under {@code envKey}; {@code null} after reporting. */
  private String fromEnvironment(String envKey) {
    String variable = string(envKey, null);
    if (variable == null) {
      return null;
    }
    if (!ENV_NAME.matcher(variable).matches()) {
      problem(envKey, "must be the name of an environment variable (letters, digits, '_'), got \""
        + variable + "\"");
      return null;
    }
    String value = state.environment(variable);
    if (value == null || value.isEmpty()) {
      problem(envKey, "environment variable " + variable + (value == null ? " is not set" : " is empty"));
      return null;
    }
    return value;
  }

  private String url(String key, String text) {
    if (text == null) {
      return null;
    }
    try {
      URI uri = new URI(text.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return text.trim();
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    problem(key, "must be an http:// or https:// URL with a host, got \"" + RedactedUrl.of(text) + "\"");
    return null;
  }

  /**
   * {@code class}: a user class of {@code kind} that exists and has a usable constructor (none of its
   * code runs).
   *
   * @return the class name, or {@code null} after reporting
   */
  public String className(PluginClass kind) {
    String className = requiredString("class", "a fully qualified class name, e.g. com.example.My"
      + (kind == PluginClass.SOURCE ? "Source" : kind == PluginClass.SINK ? "Sink" : "Processor"));
    if (className == null) {
      return null;
    }
    Optional<String> problem = kind.check(className.trim());
    if (problem.isPresent()) {
      problem("class", problem.get());
      return null;
    }
    return className.trim();
  }

  /** @return the mapping under {@code config} for a user class, {@code {}} when absent, {@code null} after reporting */
  public JsonObject pluginConfig() {
    if (!has("config")) {
      return new JsonObject();
    }
    ConfigNode config = object("config", false, null);
    return config == null ? null : config.json();
  }

  /**
   * Claims {@code value} as unique in {@code namespace} across the whole configuration (webhook names,
   * for instance).
   *
   * @param owner who claims it, as the message will show it: {@code trigger 'hook' (pipelines[0].triggers[1])}
   * @return who claimed it first, or empty when this claim is the first
   */
  public Optional<String> claim(String namespace, String value, String owner) {
    return Optional.ofNullable(state.claim(namespace, value, owner));
  }

  /** How a rejected value is shown: strings quoted, numbers and booleans as written, containers by kind. */
  public static String describe(Object value) {
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
