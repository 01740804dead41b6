package dev.pump.config;

import dev.pump.pipeline.Durability;
import dev.pump.pipeline.FileSink;
import dev.pump.rules.Spellings;
import dev.pump.source.Overlap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Turns the JSON form of the YAML file into a {@link PumpConfig}, or an {@link InvalidConfigException}
 * listing every problem at once, each with its key path. Defaults are those of docs/interface.md.
 * One instance binds one configuration. What is common to every entry is here (key paths, unknown keys
 * and their suggestions, ids and references, the overlap keys of sources); the values of a trigger,
 * source or sink are read by the {@link TriggerKind}, {@link SourceKind} or {@link SinkKind} of its
 * {@code type} ({@link Kinds}).
 */
final class ConfigBinder {

  static final List<String> TOP_KEYS = List.of("http", "dataDir", "shutdownGrace", "cluster", "pipelines");
  static final List<String> HTTP_KEYS =
    List.of("host", "port", "apiToken", "maxBodyBytes", "idleTimeout", "maxHeaderBytes");
  static final List<String> CLUSTER_KEYS =
    List.of("enabled", "name", "host", "port", "members", "takeoverWindow", "nodeName", "quorum");
  static final List<String> PIPELINE_KEYS = List.of("id", "source", "triggers", "processors", "sink", "durability");
  static final List<String> PROCESSOR_KEYS = List.of("class", "config");

  /** The keys every source has besides its kind's: its overlap policy. */
  static final List<String> OVERLAP_KEYS = List.of("overlap", "queueLimit", "maxConcurrent");

  private static final Pattern MEMBER = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\s\\[\\]]+):(\\d{1,5})");

  private final Problems problems;
  private final BindState state;
  private final Kinds kinds = Kinds.installed();

  // cross-references, checked once every pipeline is read
  private final Map<String, String> triggerIds = new LinkedHashMap<>();      // id -> path of its entry
  private final Map<String, String> pipelineIds = new LinkedHashMap<>();     // id -> path
  private final List<String[]> refs = new ArrayList<>();                     // {path of ref, id}

  /** @param origins key path -> the environment variable that set it, for the messages */
  ConfigBinder(Map<String, String> origins) {
    this.problems = new Problems(origins);
    this.state = new BindState(problems);
  }

  /**
   * @throws InvalidConfigException listing every problem
   */
  PumpConfig bind(JsonObject root) {
    ConfigNode top = new ConfigNode("", root, state);
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
    String host = node.nonBlank("host", HttpConfig.DEFAULT_HOST);
    Integer port = node.integer("port", HttpConfig.DEFAULT_PORT, 0, 65_535);
    String apiToken = node.secretString("apiToken");
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
    String text = top.nonBlank("dataDir", PumpConfig.DEFAULT_DATA_DIR.toString());
    if (text == null) {
      return null;
    }
    Path dir = top.path("dataDir", text);
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
    String name = node.nonBlank("name", ClusterConfig.DEFAULT_NAME);
    String host = node.nonBlank("host", ClusterConfig.DEFAULT_HOST);
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
    String nodeName = node.nonBlank("nodeName", null);
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
    String id = node.id("id");
    if (id != null) {
      String first = pipelineIds.putIfAbsent(id, node.path());
      if (first != null) {
        node.problem("id", "duplicate pipeline id '" + id + "' (first defined at " + first + ")");
      }
    }
    ConfigNode sourceNode = node.object("source", true, "one of " + String.join(", ", kinds.sources().keySet()));
    SourceConfig source = bindSource(sourceNode);
    Overlap overlap = sourceNode == null ? null : overlap(sourceNode);
    List<TriggerConfig> triggers = bindTriggers(node);
    List<ProcessorConfig> processors = bindProcessors(node);
    ConfigNode sinkNode = node.object("sink", true, "one of " + String.join(", ", kinds.sinks().keySet()));
    SinkConfig sink = sinkNode == null ? null : bindSink(sinkNode, id == null ? "pipeline" : id, dataDir);
    Durability durability = node.choice("durability", Durability.class, Durability.JOURNAL);
    if (problems.count() > before) {
      return null;
    }
    return new PipelineConfig(id, source, overlap, triggers, processors, sink, durability);
  }

  // ------------------------------------------------------------------------------------------------
  // sources

  private SourceConfig bindSource(ConfigNode node) {
    if (node == null) {
      return null;
    }
    int before = problems.count();
    SourceKind<?> kind = kind(node, "source", kinds.sources(), true);
    if (kind == null) {
      return null;
    }
    node.checkKeys(keys(List.of("type"), kind.keys(), OVERLAP_KEYS));
    SourceConfig source = guarded(node, "source", kind.name(), kind, () -> kind.bind(node));
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
    TriggerKind<?, ?> kind = kind(node, "trigger", kinds.triggers(), false);
    if (kind == null) {
      return null;
    }
    node.checkKeys(keys(List.of("type", "id"), kind.keys(), List.of()));
    String id = node.id("id");
    if (id != null) {
      String first = triggerIds.putIfAbsent(id, node.path());
      if (first != null) {
        node.problem("id", "duplicate trigger id '" + id + "' (first defined at " + first + ")");
      }
    }
    TriggerConfig trigger = guarded(node, "trigger", kind.name(), kind, () -> kind.bind(id, node));
    return problems.count() > before ? null : trigger;
  }

  /** Where {@code secretEnv}, {@code tokenEnv} and {@code urlEnv} are looked up; for tests. */
  ConfigBinder withEnvironment(Function<String, String> environment) {
    state.environment(environment);
    return this;
  }

  /** The overlap policy keys of a source: {@code overlap, queueLimit, maxConcurrent}. */
  private Overlap overlap(ConfigNode node) {
    if (node == null) {
      return Overlap.MERGE;
    }
    Overlap.Policy policy = node.choice("overlap", Overlap.Policy.class, Overlap.Policy.MERGE);
    if (policy == null) {
      return null;
    }
    if (node.has("queueLimit") && policy != Overlap.Policy.QUEUE) {
      node.problem("queueLimit", "applies only to overlap: queue, not " + Spellings.of(policy));
    }
    if (node.has("maxConcurrent") && policy != Overlap.Policy.CONCURRENT) {
      node.problem("maxConcurrent", "applies only to overlap: concurrent, not " + Spellings.of(policy));
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
      String className = node.className(PluginClass.PROCESSOR);
      JsonObject config = node.pluginConfig();
      if (className != null && config != null) {
        processors.add(new ProcessorConfig(className, config));
      }
    }
    return processors;
  }

  private SinkConfig bindSink(ConfigNode node, String pipelineId, Path dataDir) {
    int before = problems.count();
    SinkKind<?> kind = kind(node, "sink", kinds.sinks(), true);
    if (kind == null) {
      return null;
    }
    node.checkKeys(keys(List.of("type"), kind.keys(), List.of()));
    SinkConfig sink = guarded(node, "sink", kind.name(), kind, () -> kind.bind(pipelineId, dataDir, node));
    return problems.count() > before ? null : sink;
  }

  /**
   * Runs a kind's {@code bind}: one that throws instead of reporting a problem (a bug in a kind of one's
   * own) becomes a problem of its entry, named by the kind and its class, so that every other problem of
   * the file is still reported and nothing starts.
   */
  private static <T> T guarded(ConfigNode node, String what, String kindName, Object kind, Supplier<T> bind) {
    try {
      return bind.get();
    } catch (RuntimeException e) {
      node.problemWithEntry("the " + what + " kind '" + kindName + "' (" + kind.getClass().getName()
        + ") failed to read this entry: " + e);
      return null;
    }
  }

  // ------------------------------------------------------------------------------------------------
  // what every kind shares

  /**
   * Reads {@code type}, reporting a missing or unknown one. A source or sink with a {@code class} and
   * no {@code type} is of type {@code class}.
   *
   * @return the kind named by {@code type}, or {@code null} after reporting
   */
  private static <K> K kind(ConfigNode node, String what, Map<String, K> known, boolean classImpliesType) {
    String names = String.join(", ", known.keySet());
    if (!node.has("type")) {
      if (classImpliesType && node.has("class") && known.containsKey("class")) {
        return known.get("class");
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
    return known.get(type);
  }

  /** The keys an entry accepts: the common ones, then its kind's, then those every entry of its sort has. */
  private static List<String> keys(List<String> common, List<String> ofKind, List<String> trailing) {
    List<String> keys = new ArrayList<>(common);
    keys.addAll(ofKind);
    keys.addAll(trailing);
    return keys;
  }
}
