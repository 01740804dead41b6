package dev.pump.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Reads the YAML configuration with vertx-config (one file store, no default stores, so nothing is
 * pulled in from the environment by accident), applies the {@code PUMP_*} environment overrides of
 * docs/interface.md, and binds the result into a validated {@link PumpConfig}.
 * <pre>{@code
 * PumpConfig config = new ConfigLoader().load(Path.of("conf/config.yaml"));   // blocking, for main
 * new ConfigLoader(Map.of("PUMP_HTTP_PORT", "9090")).load(vertx, path)         // Future, with a test env
 * }</pre>
 * Every failure a user can cause is an {@link InvalidConfigException} listing all problems.
 */
public final class ConfigLoader {

  /** What {@code run} reads when no path is given. */
  public static final Path DEFAULT_PATH = Path.of("conf", "config.yaml");

  /** The environment overrides: variable -> key path. */
  static final Map<String, String> ENV_OVERRIDES = overrides();
  /** Read by logback.xml, not a configuration key: checked here so that a typo stops the start. */
  static final String LOG_FORMAT = "PUMP_LOG_FORMAT";
  static final List<String> LOG_FORMATS = List.of("text", "json");

  /**
   * @return every {@code PUMP_*} variable the service reads, each with what it sets: the configuration key
   *     it overrides, or for {@code PUMP_LOG_FORMAT} the log format; in a fixed order, for the usage text
   */
  public static Map<String, String> environmentVariables() {
    Map<String, String> variables = new LinkedHashMap<>(ENV_OVERRIDES);
    variables.put(LOG_FORMAT, "log format: " + String.join(" or ", LOG_FORMATS));
    return java.util.Collections.unmodifiableMap(variables);
  }

  private final Map<String, String> env;

  /** A loader that reads the process environment. */
  public ConfigLoader() {
    this(System.getenv());
  }

  /** A loader that takes the overrides from {@code env} instead of the process environment. */
  public ConfigLoader(Map<String, String> env) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
  }

  /**
   * Reads, overrides and validates {@code path} on a Vert.x instance of its own, closed before
   * returning. Blocks: call it from {@code main} or a test, never from an event loop.
   *
   * @throws InvalidConfigException listing every problem with the file or the environment
   */
  public PumpConfig load(Path path) {
    Vertx vertx = Vertx.vertx();
    try {
      return load(vertx, path).toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new IllegalStateException("cannot load " + path, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading " + path, e);
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // the configuration is read; a slow close of this throw-away instance changes nothing
      }
    }
  }

  /**
   * @return the validated configuration; fails with {@link InvalidConfigException} listing every problem
   */
  public Future<PumpConfig> load(Vertx vertx, Path path) {
    return loadJson(vertx, path).map(this::bind);
  }

  /**
   * @return the file's content as JSON, environment overrides not yet applied; fails with
   *     {@link InvalidConfigException} when the file is missing, unreadable or not a YAML mapping
   */
  public Future<JsonObject> loadJson(Vertx vertx, Path path) {
    Objects.requireNonNull(path, "path");
    Optional<String> unreadable = unreadable(path);
    if (unreadable.isPresent()) {
      return Future.failedFuture(new InvalidConfigException(List.of(path + ": " + unreadable.get())));
    }
    ConfigStoreOptions file = new ConfigStoreOptions()
      .setType("file")
      .setFormat(BoundedYamlProcessor.NAME)
      .setConfig(new JsonObject().put("path", path.toString()));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
      .setIncludeDefaultStores(false)
      .setScanPeriod(0)
      .addStore(file));
    return retriever.getConfig()
      .eventually(retriever::close)
      .recover(failure -> rootCause(failure) instanceof NullPointerException
        // a document of nothing but comments: vertx-config hands snakeyaml's null to its converter
        ? Future.succeededFuture(new JsonObject())
        : Future.failedFuture(notYaml(path, failure)));
  }

  /**
   * Applies the environment overrides to {@code json} and validates it.
   *
   * @throws InvalidConfigException listing every problem
   */
  PumpConfig bind(JsonObject json) {
    List<String> envProblems = new ArrayList<>();
    Map<String, String> origins = applyOverrides(json, envProblems);
    PumpConfig config;
    try {
      config = new ConfigBinder(origins).withEnvironment(env::get).bind(json);
    } catch (InvalidConfigException e) {
      List<String> all = new ArrayList<>(envProblems);
      all.addAll(e.problems());
      throw new InvalidConfigException(all);
    }
    if (!envProblems.isEmpty()) {
      throw new InvalidConfigException(envProblems);
    }
    return config;
  }

  /**
   * Writes each {@code PUMP_*} variable that is set into {@code json} at its key path. A value of the
   * wrong type is left as the string it is, so that validation reports it under the variable's name.
   *
   * @return key path -> variable, for every override applied
   */
  Map<String, String> applyOverrides(JsonObject json, List<String> problems) {
    Map<String, String> origins = new LinkedHashMap<>();
    for (Map.Entry<String, String> override : ENV_OVERRIDES.entrySet()) {
      String variable = override.getKey();
      String value = env.get(variable);
      if (value == null) {
        continue;
      }
      String[] keys = override.getValue().split("\\.");
      JsonObject section = json;
      if (keys.length == 2) {
        Object existing = json.getValue(keys[0]);
        if (existing == null) {
          section = new JsonObject();
          json.put(keys[0], section);
        } else if (existing instanceof JsonObject object) {
          section = object;
        } else {
          continue; // the section itself is wrong; validation says so
        }
      }
      section.put(keys[keys.length - 1], typed(override.getValue(), value));
      origins.put(override.getValue(), variable);
    }
    String logFormat = env.get(LOG_FORMAT);
    if (logFormat != null && !LOG_FORMATS.contains(logFormat)) {
      problems.add(LOG_FORMAT + ": '" + logFormat + "' is not a log format (known formats are: "
        + String.join(", ", LOG_FORMATS) + ")");
    }
    for (String variable : env.keySet()) {
      if (variable.startsWith("PUMP_") && !ENV_OVERRIDES.containsKey(variable) && !variable.equals(LOG_FORMAT)) {
        Suggestions.closest(variable, ENV_OVERRIDES.keySet()).ifPresent(close ->
          problems.add(variable + ": unknown environment override (did you mean " + close + "?)"));
      }
    }
    return origins;
  }

  private static Object typed(String keyPath, String value) {
    switch (keyPath) {
      case "http.port", "cluster.port", "cluster.quorum" -> {
        String trimmed = value.trim();
        if (trimmed.matches("-?\\d{1,9}")) {
          return Integer.parseInt(trimmed);
        }
        return value;
      }
      case "cluster.enabled" -> {
        String trimmed = value.trim();
        if (trimmed.equalsIgnoreCase("true") || trimmed.equalsIgnoreCase("false")) {
          return Boolean.parseBoolean(trimmed);
        }
        return value;
      }
      case "cluster.members" -> {
        return new JsonArray(Arrays.stream(value.split(","))
          .map(String::trim)
          .filter(member -> !member.isEmpty())
          .toList());
      }
      default -> {
        return value;
      }
    }
  }

  private static Optional<String> unreadable(Path path) {
    if (!Files.exists(path)) {
      return Optional.of("no such file");
    }
    if (Files.isDirectory(path)) {
      return Optional.of("is a directory, not a YAML file");
    }
    if (!Files.isReadable(path)) {
      return Optional.of("not readable");
    }
    return Optional.empty();
  }

  /** Turns vertx-config's "Failed to decode YAML" and snakeyaml's multi-line messages into one line. */
  private static Throwable notYaml(Path path, Throwable failure) {
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof InvalidConfigException invalid) {
        return invalid;  // the bounded reader's own problems, already one line each
      }
    }
    Throwable cause = rootCause(failure);
    if (cause instanceof ClassCastException) {
      return new InvalidConfigException(List.of(path + ": must be a YAML mapping of keys to values, "
        + "e.g. http:, pipelines:"));
    }
    if (cause instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
      Mark mark = marked.getProblemMark();
      String context = marked.getContext() == null ? "" : " (" + oneLine(marked.getContext()) + ")";
      return new InvalidConfigException(List.of(path + ": not valid YAML at line " + (mark.getLine() + 1)
        + ", column " + (mark.getColumn() + 1) + ": " + oneLine(marked.getProblem()) + context));
    }
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new InvalidConfigException(List.of(path + ": not valid YAML: " + oneLine(message)));
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s+", " ").trim();
  }

  private static Map<String, String> overrides() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("PUMP_HTTP_HOST", "http.host");
    map.put("PUMP_HTTP_PORT", "http.port");
    map.put("PUMP_API_TOKEN", "http.apiToken");
    map.put("PUMP_DATA_DIR", "dataDir");
    map.put("PUMP_CLUSTER_ENABLED", "cluster.enabled");
    map.put("PUMP_CLUSTER_HOST", "cluster.host");
    map.put("PUMP_CLUSTER_PORT", "cluster.port");
    map.put("PUMP_CLUSTER_MEMBERS", "cluster.members");
    map.put("PUMP_CLUSTER_NAME", "cluster.name");
    map.put("PUMP_CLUSTER_NODE_NAME", "cluster.nodeName");
    map.put("PUMP_CLUSTER_TAKEOVER_WINDOW", "cluster.takeoverWindow");
    map.put("PUMP_CLUSTER_QUORUM", "cluster.quorum");
    return java.util.Collections.unmodifiableMap(map);
  }
}
