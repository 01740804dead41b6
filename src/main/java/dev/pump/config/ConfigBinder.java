package dev.pump.config;

import dev.pump.pipeline.FileSink;
import dev.pump.pipeline.HttpSink;
import dev.pump.pipeline.RedactedUrl;
import dev.pump.source.Overlap;
import dev.pump.trigger.CatchUp;
import dev.pump.trigger.CronSchedule;
import dev.pump.trigger.FiringMode;
import dev.pump.trigger.FlowControl;
import dev.pump.trigger.SlotExclusion;
import dev.pump.trigger.WebhookTrigger;
import dev.pump.trigger.WebhookTrigger.RateLimit;
import dev.pump.trigger.WebhookTrigger.Signature;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the JSON form of the YAML file into a {@link PumpConfig}, or an {@link InvalidConfigException}
 * listing every problem at once, each with its key path. Defaults are those of docs/interface.md.
 * One instance binds one configuration.
 */
final class ConfigBinder {

  static final List<String> TOP_KEYS = List.of("http", "dataDir", "shutdownGrace", "cluster", "pipelines");
  static final List<String> HTTP_KEYS =
    List.of("host", "port", "apiToken", "maxBodyBytes", "idleTimeout", "maxHeaderBytes");
  static final List<String> CLUSTER_KEYS =
    List.of("enabled", "name", "host", "port", "members", "takeoverWindow", "nodeName", "quorum");
  static final List<String> PIPELINE_KEYS = List.of("id", "source", "triggers", "processors", "sink");
  static final List<String> PROCESSOR_KEYS = List.of("class", "config");

  /** Trigger types and the keys each accepts, in the order the messages list them. */
  static final Map<String, List<String>> TRIGGER_KEYS = orderedMap(
    "cron", withTimePolicyKeys("type", "id", "schedule", "zone", "dst"),
    "periodic", withTimePolicyKeys("type", "id", "interval", "fireAtStart"),
    "pubsub", List.of("type", "id", "topic", "flow"),
    "webhook", List.of("type", "id", "name", "secret", "secretEnv", "signature", "tolerance", "token", "tokenEnv",
      "rateLimit", "burst", "flow"),
    "opportunistic", List.of("type", "id", "chilldown"),
    "runonce", List.of("type", "id"));
  static final Map<String, List<String>> SOURCE_KEYS = orderedMap(
    "clock", List.of("type", "overlap", "queueLimit", "maxConcurrent"),
    "http-get", List.of("type", "url", "urlEnv", "timeout", "overlap", "queueLimit", "maxConcurrent"),
    "class", List.of("type", "class", "config", "overlap", "queueLimit", "maxConcurrent"));
  static final Map<String, List<String>> SINK_KEYS = orderedMap(
    "log", List.of("type", "name"),
    "file", List.of("type", "path"),
    "eventbus", List.of("type", "address"),
    "http", List.of("type", "url", "urlEnv", "maxAttempts", "initialBackoff", "maxBackoff", "timeout"),
    "class", List.of("type", "class", "config"));

  static final Duration DEFAULT_OPPORTUNISTIC_CHILLDOWN = Duration.ofSeconds(5);
  private static final Duration ONE_MS = Duration.ofMillis(1);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final String ID_RULE =
    "must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit";
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern RATE = Pattern.compile("(\\d{1,9})\\s*/\\s*(\\S+)");
  private static final int MAX_BURST = 1_000_000;
  private static final Pattern MEMBER = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\s\\[\\]]+):(\\d{1,5})");

  private final Problems problems;
  /** Where {@code secretEnv} and {@code tokenEnv} are looked up: the process environment, or a test's. */
  private Function<String, String> environment = System::getenv;

  // cross-references, checked once every pipeline is read
  private final Map<String, String> triggerIds = new LinkedHashMap<>();      // id -> path of its entry
  private final Map<String, String> webhookNames = new LinkedHashMap<>();    // name -> "trigger 'id' (path)"
  private final Map<String, String> pipelineIds = new LinkedHashMap<>();     // id -> path
  private final List<String[]> refs = new ArrayList<>();                     // {path of ref, id}

  /** @param origins key path -> the environment variable that set it, for the messages */
  ConfigBinder(Map<String, String> origins) {
    this.problems = new Problems(origins);
  }

  /**
   * @throws InvalidConfigException listing every problem
   */
  PumpConfig bind(JsonObject root) {
    ConfigNode top = new ConfigNode("", root, problems);
    top.checkKeys(TOP_KEYS);
    HttpConfig http = bindHttp(top.object("http", false, null));
    Path dataDir = bindDataDir(top);
    Duration shutdownGrace = top.duration("shutdownGrace", PumpConfig.DEFAULT_SHUTDOWN_GRACE, Duration.ZERO);
    ClusterConfig cluster = bindCluster(top.object("cluster", false, null));
    List<PipelineConfig> pipelines = bindPipelines(top, dataDir == null ? PumpConfig.DEFAULT_DATA_DIR : dataDir);
    checkRefs();
    if (problems.count() > 0) {
      throw new InvalidConfigException(problems.lines());
    }
    return new PumpConfig(http, dataDir, shutdownGrace, cluster, pipelines);
  }

  // ------------------------------------------------------------------------------------------------
  // http, dataDir, cluster

  private HttpConfig bindHttp(ConfigNode node) {
    if (node == null) {
      return HttpConfig.defaults();
    }
    int before = problems.count();
    node.checkKeys(HTTP_KEYS);
    String host = nonBlank(node, "host", HttpConfig.DEFAULT_HOST);
    Integer port = node.integer("port", HttpConfig.DEFAULT_PORT, 0, 65_535);
    String apiToken = secretString(node, "apiToken");
    Long maxBodyBytes = node.number("maxBodyBytes", HttpConfig.DEFAULT_MAX_BODY_BYTES, 0, Long.MAX_VALUE);
    Duration idleTimeout = node.duration("idleTimeout", HttpConfig.DEFAULT_IDLE_TIMEOUT, HttpConfig.MIN_IDLE_TIMEOUT);
    if (idleTimeout != null && idleTimeout.toMillis() > Integer.MAX_VALUE) {
      node.problem("idleTimeout", "must be at most 24d, got \"" + Durations.format(idleTimeout) + "\"");
    }
    Integer maxHeaderBytes = node.integer("maxHeaderBytes", HttpConfig.DEFAULT_MAX_HEADER_BYTES,
      HttpConfig.MIN_HEADER_BYTES, HttpConfig.MAX_HEADER_BYTES);
    if (problems.count() > before) {
      return HttpConfig.defaults();
    }
    return new HttpConfig(host, port, apiToken, maxBodyBytes, idleTimeout, maxHeaderBytes);
  }

  private Path bindDataDir(ConfigNode top) {
    String text = nonBlank(top, "dataDir", PumpConfig.DEFAULT_DATA_DIR.toString());
    if (text == null) {
      return null;
    }
    Path dir = path(top, "dataDir", text);
    if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
      top.problem("dataDir", "\"" + text + "\" exists and is not a directory");
      return null;
    }
    // the slot ledger and default sinks write there: a read-only directory must fail check, not run
    Optional<String> unwritable = dir == null ? Optional.empty() : FileSink.checkWritable(dir.resolve("probe"));
    if (unwritable.isPresent()) {
      top.problem("dataDir", "\"" + text + "\" cannot be written to: " + unwritable.get());
      return null;
    }
    return dir;
  }

  private ClusterConfig bindCluster(ConfigNode node) {
    if (node == null) {
      return ClusterConfig.defaults();
    }
    int before = problems.count();
    node.checkKeys(CLUSTER_KEYS);
    Boolean enabled = node.bool("enabled", false);
    String name = nonBlank(node, "name", ClusterConfig.DEFAULT_NAME);
    String host = nonBlank(node, "host", ClusterConfig.DEFAULT_HOST);
    Integer port = node.integer("port", ClusterConfig.DEFAULT_PORT, 1, 65_535);
    List<String> members = new ArrayList<>();
    JsonArray list = node.list("members", false, null);
    if (list != null) {
      for (int i = 0; i < list.size(); i++) {
        String where = node.pathOf("members") + "[" + i + "]";
        Object member = list.getValue(i);
        if (member instanceof String s && isMember(s.trim())) {
          members.add(s.trim());
        } else {
          problems.add(where, "must be host:port with a port from 1 to 65535, e.g. \"10.0.0.1:5701\", got "
            + ConfigNode.describe(member));
        }
      }
    }
    Duration takeoverWindow = node.duration("takeoverWindow", ClusterConfig.DEFAULT_TAKEOVER_WINDOW, Duration.ZERO);
    String nodeName = nonBlank(node, "nodeName", null);
    // at most every member listed plus this node (which may or may not be listed)
    Integer quorum = node.integer("quorum", null, 1, Math.max(1, members.size() + 1));
    if (problems.count() > before) {
      return ClusterConfig.defaults();
    }
    return new ClusterConfig(enabled, name, host, port, members, takeoverWindow, nodeName, quorum);
  }

  private static boolean isMember(String text) {
    var m = MEMBER.matcher(text);
    if (!m.matches()) {
      return false;
    }
    int port = Integer.parseInt(m.group(2));
    return port >= 1 && port <= 65_535;
  }

  // ------------------------------------------------------------------------------------------------
  // pipelines

  private List<PipelineConfig> bindPipelines(ConfigNode top, Path dataDir) {
    List<PipelineConfig> pipelines = new ArrayList<>();
    JsonArray list = top.list("pipelines", true, "a list of pipelines, each with id, source, triggers and sink");
    if (list == null) {
      return pipelines;
    }
    if (list.isEmpty()) {
      top.problem("pipelines", "must list at least one pipeline");
    }
    for (int i = 0; i < list.size(); i++) {
      ConfigNode node = top.element("pipelines", list, i);
      if (node != null) {
        PipelineConfig pipeline = bindPipeline(node, dataDir);
        if (pipeline != null) {
          pipelines.add(pipeline);
        }
      }
    }
    return pipelines;
  }

  private PipelineConfig bindPipeline(ConfigNode node, Path dataDir) {
    int before = problems.count();
    node.checkKeys(PIPELINE_KEYS);
    String id = id(node, "id");
    if (id != null) {
      String first = pipelineIds.putIfAbsent(id, node.path());
      if (first != null) {
        node.problem("id", "duplicate pipeline id '" + id + "' (first defined at " + first + ")");
      }
    }
    ConfigNode sourceNode = node.object("source", true, "one of " + String.join(", ", SOURCE_KEYS.keySet()));
    SourceConfig source = bindSource(sourceNode);
    Overlap overlap = sourceNode == null ? null : overlap(sourceNode);
    List<TriggerConfig> triggers = bindTriggers(node);
    List<ProcessorConfig> processors = bindProcessors(node);
    ConfigNode sinkNode = node.object("sink", true, "one of " + String.join(", ", SINK_KEYS.keySet()));
    SinkConfig sink = sinkNode == null ? null : bindSink(sinkNode, id == null ? "pipeline" : id, dataDir);
    if (problems.count() > before) {
      return null;
    }
    return new PipelineConfig(id, source, overlap, triggers, processors, sink);
  }

  // ------------------------------------------------------------------------------------------------
  // sources

  private SourceConfig bindSource(ConfigNode node) {
    if (node == null) {
      return null;
    }
    int before = problems.count();
    String type = type(node, "source", SOURCE_KEYS, true);
    if (type == null) {
      return null;
    }
    node.checkKeys(SOURCE_KEYS.get(type));
    SourceConfig source = switch (type) {
      case "clock" -> new SourceConfig.Clock();
      case "http-get" -> {
        String url = urlOrEnv(node);
        Duration timeout = node.duration("timeout", SourceConfig.HttpGet.DEFAULT_TIMEOUT, ONE_MS);
        yield url == null || timeout == null ? null : new SourceConfig.HttpGet(url, timeout);
      }
      default -> {
        String className = pluginClass(node, PluginClass.SOURCE);
        JsonObject config = pluginConfig(node);
        yield className == null || config == null ? null : new SourceConfig.Custom(className, config);
      }
    };
    return problems.count() > before ? null : source;
  }

  // ------------------------------------------------------------------------------------------------
  // triggers

  private List<TriggerConfig> bindTriggers(ConfigNode pipeline) {
    List<TriggerConfig> triggers = new ArrayList<>();
    JsonArray list = pipeline.list("triggers", true,
      "a list of triggers, e.g. - { type: cron, id: every-minute, schedule: \"* * * * *\" }");
    if (list == null) {
      return triggers;
    }
    if (list.isEmpty()) {
      pipeline.problem("triggers", "must list at least one trigger, or the pipeline never runs");
    }
    for (int i = 0; i < list.size(); i++) {
      ConfigNode node = pipeline.element("triggers", list, i);
      if (node != null) {
        TriggerConfig trigger = bindTrigger(node);
        if (trigger != null) {
          triggers.add(trigger);
        }
      }
    }
    return triggers;
  }

  private TriggerConfig bindTrigger(ConfigNode node) {
    if (node.has("ref")) {
      node.checkKeys(List.of("ref"));
      String ref = node.requiredString("ref", "the id of a trigger defined in any pipeline");
      if (ref != null) {
        refs.add(new String[] {node.pathOf("ref"), ref});
        return new TriggerConfig.Ref(ref);
      }
      return null;
    }
    int before = problems.count();
    String type = type(node, "trigger", TRIGGER_KEYS, false);
    if (type == null) {
      return null;
    }
    node.checkKeys(TRIGGER_KEYS.get(type));
    String id = id(node, "id");
    if (id != null) {
      String first = triggerIds.putIfAbsent(id, node.path());
      if (first != null) {
        node.problem("id", "duplicate trigger id '" + id + "' (first defined at " + first + ")");
      }
    }
    TriggerConfig trigger = switch (type) {
      case "cron" -> cron(node, id);
      case "periodic" -> {
        Duration interval = node.duration("interval", null, ONE_MS);
        Boolean fireAtStart = node.bool("fireAtStart", false);
        TimePolicy policy = timePolicy(node, ZoneId.systemDefault());
        yield id == null || interval == null || fireAtStart == null || policy == null
          ? null : new TriggerConfig.Periodic(id, interval, fireAtStart, policy);
      }
      case "pubsub" -> {
        List<String> topics = topics(node);
        FlowControl flow = flow(node.object("flow", false, null));
        yield id == null || topics == null ? null : new TriggerConfig.PubSub(id, topics, flow);
      }
      case "webhook" -> webhook(node, id);
      case "opportunistic" -> {
        Duration chilldown = node.duration("chilldown", DEFAULT_OPPORTUNISTIC_CHILLDOWN, ONE_MS);
        yield id == null || chilldown == null ? null : new TriggerConfig.Opportunistic(id, chilldown);
      }
      default -> id == null ? null : new TriggerConfig.RunOnce(id);
    };
    return problems.count() > before ? null : trigger;
  }

  private TriggerConfig cron(ConfigNode node, String id) {
    String expression = node.requiredString("schedule", "a cron expression, e.g. \"*/5 * * * *\"");
    ZoneId zone = zone(node, "zone");
    TimePolicy policy = timePolicy(node, zone == null ? ZoneOffset.UTC : zone);
    CronSchedule.DstPolicy dst = dst(node.object("dst", false, null));
    if (expression == null || dst == null) {
      return null;
    }
    CronSchedule schedule;
    try {
      schedule = CronSchedule.parse(expression, zone == null ? ZoneOffset.UTC : zone, dst);
    } catch (IllegalArgumentException e) {
      node.problem("schedule", e.getMessage());
      return null;
    }
    return id == null || zone == null || policy == null ? null : new TriggerConfig.Cron(id, schedule, policy);
  }

  private TriggerConfig webhook(ConfigNode node, String id) {
    String name = node.has("name") ? id(node, "name") : id;
    String secret = secret(node, "secret", "secretEnv");
    String token = secret(node, "token", "tokenEnv");
    Signature signature = signature(node, secret);
    Duration tolerance = node.duration("tolerance", WebhookTrigger.DEFAULT_TOLERANCE, Duration.ofSeconds(1));
    Optional<RateLimit> rateLimit = rateLimit(node);
    if (secret != null && !secret.isEmpty() && signature != null) {
      try {
        WebhookTrigger.keyOf(secret, signature);
      } catch (IllegalArgumentException e) {
        // the message never holds the secret
        node.problem(node.has("secret") ? "secret" : "secretEnv", e.getMessage());
        secret = null;
      }
    }
    if (token != null && !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      node.problem(node.has("token") ? "token" : "tokenEnv", "must be visible ASCII characters without spaces");
      token = null;
    }
    if (name != null && id != null) {
      String where = node.has("name") ? node.pathOf("name") : node.pathOf("id");
      String first = webhookNames.putIfAbsent(name, "trigger '" + id + "' (" + node.path() + ")");
      if (first != null) {
        problems.add(where, "webhook name '" + name + "' is already used by " + first
          + (node.has("name") ? "" : "; a webhook without a name is named after its id"));
      }
    }
    FlowControl flow = flow(node.object("flow", false, null));
    if (id == null || name == null || secret == null || token == null || signature == null || tolerance == null
      || rateLimit == null) {
      return null;
    }
    return new TriggerConfig.Webhook(id, name, secret, signature, tolerance, token, rateLimit.orElse(null), flow);
  }

  /**
   * {@code flow: { key, rateLimit: {limit, period}, debounce: {period, maxWait}, batch: {maxSize, maxWait},
   * throttle: {limit, period, maxWaiting}, maxKeys }}; {@code null} when absent or invalid (reported).
   */
  private FlowControl flow(ConfigNode node) {
    if (node == null) {
      return null;
    }
    int before = problems.count();
    node.checkKeys(List.of("key", "rateLimit", "debounce", "batch", "throttle", "maxKeys"));
    String key = node.string("key", null);
    ConfigNode rateNode = node.object("rateLimit", false, null);
    ConfigNode debounceNode = node.object("debounce", false, null);
    ConfigNode batchNode = node.object("batch", false, null);
    ConfigNode throttleNode = node.object("throttle", false, null);
    Integer maxKeys = node.integer("maxKeys", FlowControl.DEFAULT_MAX_KEYS, 1, 1_000_000);
    FlowControl.Rate rate = null;
    if (rateNode != null) {
      rateNode.checkKeys(List.of("limit", "period"));
      Integer limit = requiredCount(rateNode, "limit");
      Duration period = requiredDuration(rateNode, "period");
      rate = limit == null || period == null ? null : new FlowControl.Rate(limit, period);
    }
    FlowControl.Debounce debounce = null;
    if (debounceNode != null) {
      debounceNode.checkKeys(List.of("period", "maxWait"));
      Duration period = requiredDuration(debounceNode, "period");
      Duration maxWait = period == null ? null : debounceNode.duration("maxWait", period.multipliedBy(10), period);
      debounce = period == null || maxWait == null ? null : new FlowControl.Debounce(period, maxWait);
    }
    FlowControl.Batch batch = null;
    if (batchNode != null) {
      batchNode.checkKeys(List.of("maxSize", "maxWait"));
      Integer maxSize = requiredCount(batchNode, "maxSize");
      Duration maxWait = requiredDuration(batchNode, "maxWait");
      batch = maxSize == null || maxWait == null ? null : new FlowControl.Batch(maxSize, maxWait);
    }
    FlowControl.Throttle throttle = null;
    if (throttleNode != null) {
      throttleNode.checkKeys(List.of("limit", "period", "maxWaiting"));
      Integer limit = requiredCount(throttleNode, "limit");
      Duration period = requiredDuration(throttleNode, "period");
      Integer maxWaiting = throttleNode.integer("maxWaiting", FlowControl.DEFAULT_MAX_WAITING, 0, 1_000_000);
      throttle = limit == null || period == null || maxWaiting == null ? null
        : new FlowControl.Throttle(limit, period, maxWaiting);
    }
    if (problems.count() > before) {
      return null;
    }
    try {
      return new FlowControl(key, rate, debounce, batch, throttle, maxKeys);
    } catch (IllegalArgumentException e) {
      problems.add(node.path(), e.getMessage());
      return null;
    }
  }

  private static Integer requiredCount(ConfigNode node, String key) {
    if (!node.has(key)) {
      node.required(key, "a whole number, at least 1");
      return null;
    }
    return node.integer(key, null, 1, 1_000_000);
  }

  private static Duration requiredDuration(ConfigNode node, String key) {
    if (!node.has(key)) {
      node.required(key, "a duration such as 10s");
      return null;
    }
    return node.duration(key, null, ONE_MS);
  }

  /**
   * Reads a secret given inline under {@code key} or by the name of an environment variable under
   * {@code envKey}; no message ever shows its value.
   *
   * @return the secret, {@code ""} when neither is given, {@code null} after reporting a problem
   */
  private String secret(ConfigNode node, String key, String envKey) {
    if (node.has(key) && node.has(envKey)) {
      node.problem(envKey, "give " + key + " or " + envKey + ", not both");
      return null;
    }
    if (!node.has(envKey)) {
      return secretString(node, key);
    }
    String variable = node.string(envKey, null);
    if (variable == null) {
      return null;
    }
    if (!ENV_NAME.matcher(variable).matches()) {
      node.problem(envKey, "must be the name of an environment variable (letters, digits, '_'), got \""
        + variable + "\"");
      return null;
    }
    String value = environment.apply(variable);
    if (value == null || value.isEmpty()) {
      node.problem(envKey, "environment variable " + variable + (value == null ? " is not set" : " is empty"));
      return null;
    }
    return value;
  }

  /** A string that is a secret: a value of another type is reported without being shown. */
  private static String secretString(ConfigNode node, String key) {
    Object value = node.json().getValue(key);
    if (value == null) {
      return "";
    }
    if (value instanceof String text) {
      return text;
    }
    node.problem(key, "must be a string (put it in quotes)");
    return null;
  }

  private static Signature signature(ConfigNode node, String secret) {
    if (!node.has("signature")) {
      return secret == null ? null : secret.isEmpty() ? Signature.NONE : Signature.STANDARD;
    }
    String text = node.string("signature", null);
    if (text == null) {
      return null;
    }
    List<String> names = List.of(Signature.STANDARD.configName(), Signature.GITHUB.configName());
    if (!names.contains(text)) {
      node.problem("signature", "must be standard (Standard Webhooks) or github, got \"" + text + "\""
        + Suggestions.closest(text, names).map(s -> " (did you mean '" + s + "'?)").orElse(""));
      return null;
    }
    if (secret != null && secret.isEmpty()) {
      node.problem("signature", "needs a secret or secretEnv to check signatures with");
      return null;
    }
    return secret == null ? null : Signature.valueOf(text.toUpperCase(Locale.ROOT));
  }

  /** @return the rate limit, empty for {@code off}, {@code null} after reporting a problem */
  private static Optional<RateLimit> rateLimit(ConfigNode node) {
    RateLimit fallback = RateLimit.DEFAULT;
    if (node.has("rateLimit")) {
      Object value = node.json().getValue("rateLimit");
      String text = value instanceof String s ? s.trim() : null;
      // YAML 1.1 reads an unquoted off as false: rateLimit: off and rateLimit: "off" mean the same
      if ("off".equals(text) || Boolean.FALSE.equals(value)) {
        if (node.has("burst")) {
          node.problem("burst", "has no meaning with rateLimit: off");
          return null;
        }
        return Optional.empty();
      }
      Matcher m = text == null ? null : RATE.matcher(text);
      Optional<Duration> per = m != null && m.matches()
        ? Durations.parse(m.group(2).matches("ms|s|m|h|d") ? "1" + m.group(2) : m.group(2)) : Optional.empty();
      if (per.isEmpty() || per.get().isZero() || Long.parseLong(m.group(1)) < 1) {
        node.problem("rateLimit", "must be <requests>/<period> such as 100/s, 600/m or 5/30s, or off; got "
          + ConfigNode.describe(value));
        return null;
      }
      long requests = Long.parseLong(m.group(1));
      fallback = new RateLimit(requests, per.get(), (int) Math.min(requests, MAX_BURST));
    }
    Integer burst = node.integer("burst", fallback.burst(), 1, MAX_BURST);
    return burst == null ? null : Optional.of(new RateLimit(fallback.requests(), fallback.per(), burst));
  }

  /** Where {@code secretEnv}, {@code tokenEnv} and {@code urlEnv} are looked up; for tests. */
  ConfigBinder withEnvironment(Function<String, String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
    return this;
  }

  private List<String> topics(ConfigNode node) {
    Object value = node.json().getValue("topic");
    if (value == null) {
      node.required("topic", "an event-bus address, e.g. force.run");
      return null;
    }
    List<String> topics = new ArrayList<>();
    if (value instanceof JsonArray list && !list.isEmpty()) {
      for (int i = 0; i < list.size(); i++) {
        if (list.getValue(i) instanceof String s && !s.isBlank()) {
          topics.add(s);
        } else {
          problems.add(node.pathOf("topic") + "[" + i + "]",
            "must be a non-empty string, got " + ConfigNode.describe(list.getValue(i)));
        }
      }
      return topics.size() == list.size() ? topics : null;
    }
    String topic = node.requiredString("topic", "an event-bus address, e.g. force.run");
    return topic == null ? null : List.of(topic);
  }

  private static List<String> withTimePolicyKeys(String... keys) {
    List<String> all = new ArrayList<>(List.of(keys));
    all.addAll(List.of("mode", "catchUp", "catchUpLimit", "startingDeadline", "jitter", "spread",
      "startAt", "endAt", "maxFires", "exclude", "pauseOnFailure"));
    return List.copyOf(all);
  }

  /** The policy keys of a time trigger; {@code null} when any is invalid (reported). */
  private TimePolicy timePolicy(ConfigNode node, ZoneId zone) {
    TimePolicy defaults = TimePolicy.DEFAULT;
    TimePolicy.Bounds bounds = bounds(node, zone);
    FiringMode mode = choice(node, "mode", FiringMode.class, defaults.mode());
    CatchUp catchUp = choice(node, "catchUp", CatchUp.class, defaults.catchUp());
    Integer limit = node.integer("catchUpLimit", defaults.catchUpLimit(), 1, 100_000);
    Duration deadline = node.has("startingDeadline") ? node.duration("startingDeadline", null, ONE_MS) : null;
    Duration jitter = node.duration("jitter", Duration.ZERO, Duration.ZERO);
    Duration spread = node.duration("spread", Duration.ZERO, Duration.ZERO);
    boolean invalid = mode == null || catchUp == null || limit == null || jitter == null || spread == null
      || (node.has("startingDeadline") && deadline == null) || bounds == null;
    return invalid ? null : new TimePolicy(mode, catchUp, limit, deadline, jitter, spread, bounds);
  }

  /** {@code startAt, endAt, maxFires, exclude, pauseOnFailure}; {@code null} when any is invalid (reported). */
  private TimePolicy.Bounds bounds(ConfigNode node, ZoneId zone) {
    int before = problems.count();
    Instant startAt = instant(node, "startAt");
    Instant endAt = instant(node, "endAt");
    Long maxFires = node.number("maxFires", 0L, 1, Long.MAX_VALUE);
    Integer pauseOnFailure = node.integer("pauseOnFailure", 0, 1, 1_000_000);
    List<String> exclude = exclusions(node, zone);
    if (startAt != null && endAt != null && !startAt.isBefore(endAt)) {
      node.problem("endAt", "must be after startAt (" + startAt + "), got " + endAt);
    }
    return problems.count() > before ? null
      : new TimePolicy.Bounds(startAt, endAt, maxFires, exclude, pauseOnFailure);
  }

  /** An ISO-8601 instant, {@code 2026-12-01T00:00:00Z} or with an offset; {@code null} when absent or invalid (reported). */
  private static Instant instant(ConfigNode node, String key) {
    Object value = node.json().getValue(key);
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
        node.problem(key, "must be " + hint + ", got \"" + text + "\"");
        return null;
      }
    }
    node.problem(key, "must be " + hint + ", got " + ConfigNode.describe(value));
    return null;
  }

  /**
   * An unquoted YAML date ({@code 2026-12-25}) as its text: snakeyaml reads it as a timestamp at midnight
   * UTC, which the YAML reader hands over as a {@code Date}, an {@code Instant} or its ISO text.
   */
  private static Object unquotedYamlDate(Object value) {
    Instant at = value instanceof java.util.Date date ? date.toInstant()
      : value instanceof Instant instant ? instant
      : value instanceof String text && MIDNIGHT_UTC.matcher(text).matches() ? Instant.parse(text)
      : null;
    return at != null && at.getEpochSecond() % 86_400 == 0 && at.getNano() == 0
      ? LocalDate.ofInstant(at, ZoneOffset.UTC).toString() : value;
  }

  private static final java.util.regex.Pattern MIDNIGHT_UTC =
    java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}T00:00(:00)?Z");

  /** {@code exclude}: one rule or a list of them, each checked in {@code zone}; {@code null} when any is invalid. */
  private List<String> exclusions(ConfigNode node, ZoneId zone) {
    Object value = node.json().getValue("exclude");
    if (value == null) {
      return List.of();
    }
    JsonArray list = value instanceof JsonArray array ? array : new JsonArray().add(value);
    List<String> rules = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String path = value instanceof JsonArray ? node.pathOf("exclude") + "[" + i + "]" : node.pathOf("exclude");
      Object rule = list.getValue(i);
      rule = unquotedYamlDate(rule);
      if (!(rule instanceof String text)) {
        problems.add(path, "must be " + SlotExclusion.FORMS + ", in quotes, got " + ConfigNode.describe(rule));
        continue;
      }
      try {
        SlotExclusion.parse(text, zone);
        rules.add(text.trim());
      } catch (IllegalArgumentException e) {
        problems.add(path, e.getMessage());
      }
    }
    return rules.size() == list.size() ? rules : null;
  }

  /** One of an enum's constants, spelled as in YAML ({@code cluster-once}); {@code null} when invalid. */
  private static <E extends Enum<E>> E choice(ConfigNode node, String key, Class<E> type, E fallback) {
    String text = node.string(key, TimePolicy.configName(fallback));
    if (text == null) {
      return null;
    }
    List<String> names = Arrays.stream(type.getEnumConstants()).map(TimePolicy::configName).toList();
    int index = names.indexOf(text);
    if (index < 0) {
      node.problem(key, "must be " + String.join(" or ", names) + ", got \"" + text + "\""
        + Suggestions.closest(text, names).map(s -> " (did you mean '" + s + "'?)").orElse(""));
      return null;
    }
    return type.getEnumConstants()[index];
  }

  /** {@code dst: { gap: shift|skip, overlap: first|both }}; {@code null} when invalid (reported). */
  private static CronSchedule.DstPolicy dst(ConfigNode node) {
    CronSchedule.DstPolicy defaults = CronSchedule.DstPolicy.DEFAULT;
    if (node == null) {
      return defaults;
    }
    node.checkKeys(List.of("gap", "overlap"));
    CronSchedule.GapPolicy gap = choice(node, "gap", CronSchedule.GapPolicy.class, defaults.gap());
    CronSchedule.OverlapPolicy overlap = choice(node, "overlap", CronSchedule.OverlapPolicy.class, defaults.overlap());
    return gap == null || overlap == null ? null : new CronSchedule.DstPolicy(gap, overlap);
  }

  /** The overlap policy keys of a source: {@code overlap, queueLimit, maxConcurrent}. */
  private Overlap overlap(ConfigNode node) {
    if (node == null) {
      return Overlap.MERGE;
    }
    Overlap.Policy policy = choice(node, "overlap", Overlap.Policy.class, Overlap.Policy.MERGE);
    if (policy == null) {
      return null;
    }
    if (node.has("queueLimit") && policy != Overlap.Policy.QUEUE) {
      node.problem("queueLimit", "applies only to overlap: queue, not " + TimePolicy.configName(policy));
    }
    if (node.has("maxConcurrent") && policy != Overlap.Policy.CONCURRENT) {
      node.problem("maxConcurrent", "applies only to overlap: concurrent, not " + TimePolicy.configName(policy));
    }
    return switch (policy) {
      case MERGE -> Overlap.MERGE;
      case SKIP -> Overlap.SKIP;
      case QUEUE -> {
        Integer limit = node.integer("queueLimit", 100, 1, 1_000_000);
        yield limit == null ? null : Overlap.queue(limit);
      }
      case CONCURRENT -> {
        Integer limit = node.integer("maxConcurrent", 2, 1, 256);
        yield limit == null ? null : Overlap.concurrent(limit);
      }
    };
  }

  private ZoneId zone(ConfigNode node, String key) {
    String text = node.string(key, null);
    if (text == null) {
      return node.has(key) ? null : ZoneId.systemDefault();
    }
    try {
      return ZoneId.of(text.trim());
    } catch (DateTimeException e) {
      node.problem(key, "unknown time zone \"" + text + "\""
        + Suggestions.closest(text.trim(), ZoneId.getAvailableZoneIds()).map(s -> " (did you mean '" + s + "'?)")
          .orElse(" (use a region such as Europe/Prague, UTC, or an offset such as +02:00)"));
      return null;
    }
  }

  private void checkRefs() {
    for (String[] ref : refs) {
      String id = ref[1];
      if (!triggerIds.containsKey(id)) {
        problems.add(ref[0], "no trigger has id '" + id + "'"
          + Suggestions.closest(id, triggerIds.keySet()).map(s -> " (did you mean '" + s + "'?)").orElse(""));
      }
    }
  }

  // ------------------------------------------------------------------------------------------------
  // processors and sinks

  private List<ProcessorConfig> bindProcessors(ConfigNode pipeline) {
    List<ProcessorConfig> processors = new ArrayList<>();
    JsonArray list = pipeline.list("processors", false, null);
    if (list == null) {
      return processors;
    }
    for (int i = 0; i < list.size(); i++) {
      ConfigNode node = pipeline.element("processors", list, i);
      if (node == null) {
        continue;
      }
      node.checkKeys(PROCESSOR_KEYS);
      String className = pluginClass(node, PluginClass.PROCESSOR);
      JsonObject config = pluginConfig(node);
      if (className != null && config != null) {
        processors.add(new ProcessorConfig(className, config));
      }
    }
    return processors;
  }

  private SinkConfig bindSink(ConfigNode node, String pipelineId, Path dataDir) {
    int before = problems.count();
    String type = type(node, "sink", SINK_KEYS, true);
    if (type == null) {
      return null;
    }
    node.checkKeys(SINK_KEYS.get(type));
    SinkConfig sink = switch (type) {
      case "log" -> {
        String name = nonBlank(node, "name", pipelineId);
        yield name == null ? null : new SinkConfig.Log(name);
      }
      case "file" -> fileSink(node, pipelineId, dataDir);
      case "eventbus" -> {
        String address = node.requiredString("address", "an event-bus address, e.g. pump.events");
        yield address == null ? null : new SinkConfig.EventBus(address);
      }
      case "http" -> httpSink(node);
      default -> {
        String className = pluginClass(node, PluginClass.SINK);
        JsonObject config = pluginConfig(node);
        yield className == null || config == null ? null : new SinkConfig.Custom(className, config);
      }
    };
    return problems.count() > before ? null : sink;
  }

  private SinkConfig fileSink(ConfigNode node, String pipelineId, Path dataDir) {
    Path file;
    String where;
    if (node.has("path")) {
      String text = node.requiredString("path", "a file, e.g. data/events.jsonl");
      file = text == null ? null : path(node, "path", text);
      where = "path";
    } else {
      file = dataDir.resolve(pipelineId + ".jsonl");
      where = null;
    }
    if (file == null) {
      return null;
    }
    Optional<String> unwritable = FileSink.checkWritable(file);
    if (unwritable.isPresent()) {
      if (where == null) {
        problems.add(node.path(), "cannot write to " + file + " (no path given: <dataDir>/<pipeline id>.jsonl): "
          + unwritable.get());
      } else {
        node.problem(where, "cannot write to " + file + ": " + unwritable.get());
      }
      return null;
    }
    return new SinkConfig.File(file);
  }

  private SinkConfig httpSink(ConfigNode node) {
    HttpSink.Options defaults = HttpSink.Options.defaults();
    String url = urlOrEnv(node);
    Integer maxAttempts = node.integer("maxAttempts", defaults.maxAttempts(), 1, 1_000);
    Duration initialBackoff = node.duration("initialBackoff", defaults.initialBackoff(), ONE_MS);
    Duration maxBackoff = node.duration("maxBackoff", defaults.maxBackoff(), ONE_MS);
    Duration timeout = node.duration("timeout", defaults.timeout(), ONE_MS);
    if (url == null || maxAttempts == null || initialBackoff == null || maxBackoff == null || timeout == null) {
      return null;
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      node.problem("maxBackoff", "must be at least initialBackoff (" + Durations.format(initialBackoff)
        + "), got \"" + Durations.format(maxBackoff) + "\"");
      return null;
    }
    return new SinkConfig.Http(url, maxAttempts, initialBackoff, maxBackoff, timeout);
  }

  // ------------------------------------------------------------------------------------------------
  // shared value rules

  /**
   * Reads {@code type}, reporting a missing or unknown one. A source or sink with a {@code class} and
   * no {@code type} is of type {@code class}.
   */
  private static String type(ConfigNode node, String what, Map<String, List<String>> known, boolean classImpliesType) {
    String names = String.join(", ", known.keySet());
    if (!node.has("type")) {
      if (classImpliesType && node.has("class")) {
        return "class";
      }
      node.required("type", "one of " + names
        + ("trigger".equals(what) ? "; or ref: <id> to share a trigger defined elsewhere" : ""));
      return null;
    }
    String type = node.string("type", null);
    if (type == null) {
      return null;
    }
    if (!known.containsKey(type)) {
      node.problem("type", "unknown " + what + " type '" + type + "' ("
        + Suggestions.closest(type, known.keySet()).map(s -> "did you mean '" + s + "'? ").orElse("")
        + "known types are: " + names + ")");
      return null;
    }
    return type;
  }

  private static String id(ConfigNode node, String key) {
    String id = node.requiredString(key, null);
    if (id != null && !ID.matcher(id).matches()) {
      node.problem(key, ID_RULE + ", got \"" + id + "\"");
      return null;
    }
    return id;
  }

  /** An optional string that must not be blank when given. */
  private static String nonBlank(ConfigNode node, String key, String fallback) {
    String value = node.string(key, fallback);
    if (value != null && value.isBlank()) {
      node.problem(key, "must not be empty");
      return null;
    }
    return value;
  }

  /**
   * {@code url}, or {@code urlEnv}: the name of an environment variable holding it, so that a URL
   * with credentials in it need not be written in the file. Either way it is shown redacted.
   */
  private String urlOrEnv(ConfigNode node) {
    if (node.has("url") && node.has("urlEnv")) {
      node.problem("urlEnv", "give url or urlEnv, not both");
      return null;
    }
    if (!node.has("urlEnv")) {
      return url(node, "url", node.requiredString("url", "an http:// or https:// URL (or urlEnv)"));
    }
    String variable = node.string("urlEnv", null);
    if (variable == null) {
      return null;
    }
    if (!ENV_NAME.matcher(variable).matches()) {
      node.problem("urlEnv", "must be the name of an environment variable (letters, digits, '_'), got \""
        + variable + "\"");
      return null;
    }
    String value = environment.apply(variable);
    if (value == null || value.isEmpty()) {
      node.problem("urlEnv", "environment variable " + variable + (value == null ? " is not set" : " is empty"));
      return null;
    }
    return url(node, "urlEnv", value);
  }

  private static String url(ConfigNode node, String key, String text) {
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
    node.problem(key, "must be an http:// or https:// URL with a host, got \"" + RedactedUrl.of(text) + "\"");
    return null;
  }

  private static Path path(ConfigNode node, String key, String text) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      node.problem(key, "not a valid path: " + e.getMessage());
      return null;
    }
  }

  private static String pluginClass(ConfigNode node, PluginClass kind) {
    String className = node.requiredString("class", "a fully qualified class name, e.g. com.example.My"
      + (kind == PluginClass.SOURCE ? "Source" : kind == PluginClass.SINK ? "Sink" : "Processor"));
    if (className == null) {
      return null;
    }
    Optional<String> problem = kind.check(className.trim());
    if (problem.isPresent()) {
      node.problem("class", problem.get());
      return null;
    }
    return className.trim();
  }

  private static JsonObject pluginConfig(ConfigNode node) {
    if (!node.has("config")) {
      return new JsonObject();
    }
    ConfigNode config = node.object("config", false, null);
    return config == null ? null : config.json();
  }

  private static <V> Map<String, V> orderedMap(Object... keysAndValues) {
    Map<String, V> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      @SuppressWarnings("unchecked")
      V value = (V) keysAndValues[i + 1];
      map.put((String) keysAndValues[i], value);
    }
    return java.util.Collections.unmodifiableMap(map);
  }
}
