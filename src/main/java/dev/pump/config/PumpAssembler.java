package dev.pump.config;

import dev.pump.PumpApplication;
import dev.pump.pipeline.Pipeline;
import dev.pump.pipeline.Processor;
import dev.pump.pipeline.Sink;
import dev.pump.source.TriggerSource;
import dev.pump.trigger.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Builds a {@link PumpApplication} from a valid {@link PumpConfig}: the same objects a Java developer
 * would build by hand, nothing more.
 * <pre>{@code
 * // what a pipeline of the configuration becomes
 * Pipeline pipeline = new Pipeline("heartbeat", processors, new FileSink(Path.of("data/heartbeat.jsonl")));
 * Trigger cron = new CronTrigger(app, "* * * * *", zone).withId("every-minute");
 * new ClockSource(app, pipeline).withId("heartbeat").on(cron, ...);
 * }</pre>
 * Each entry is built by the {@link TriggerKind}, {@link SourceKind} or {@link SinkKind} of its
 * {@code type} ({@link Kinds}). Triggers are created first, each once, so that {@code ref} entries share
 * them across pipelines. A pipeline's source takes the pipeline's id and its {@code overlap} policy.
 * File sinks writing the same file share one {@code FileSink}, so their lines never interleave.
 */
public final class PumpAssembler {

  private static final Logger LOG = LoggerFactory.getLogger(PumpAssembler.class);

  private final PumpApplication app;
  private final Kinds kinds = Kinds.installed();
  private final Map<String, Trigger> triggers = new LinkedHashMap<>();
  /** Sinks pipelines share, such as one {@code FileSink} per file, so that their lines never interleave. */
  private final Map<Object, Sink> shared = new HashMap<>();
  private final SinkKind.Context sinkContext = new SinkKind.Context() {
    @Override
    public PumpApplication app() {
      return app;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S extends Sink> S shared(Object key, Supplier<S> create) {
      return (S) shared.computeIfAbsent(key, k -> create.get());
    }
  };

  private PumpAssembler(PumpApplication app) {
    this.app = app;
  }

  /**
   * Logs the effective configuration (secrets redacted), applies its application-wide settings
   * ({@code shutdownGrace}, {@code http.maxBodyBytes}) to {@code builder}, builds the application and
   * adds every trigger, source and pipeline of {@code config}. Nothing is started.
   *
   * @param builder the application's other settings, e.g. {@code PumpApplication.builder().vertx(vertx, true)}
   * @throws InvalidConfigException when a user class named by {@code class} fails in its constructor; the
   *     application built so far is closed (and with it Vert.x, if the builder hands it over)
   */
  public static PumpApplication assemble(PumpConfig config, PumpApplication.Builder builder) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(builder, "builder");
    LOG.info("Effective configuration: {}", config.toRedactedJson().encode());
    PumpApplication app = builder
      .shutdownGrace(config.shutdownGrace())
      .maxBodyBytes(config.http().maxBodyBytes())
      .build();
    try {
      addPipelines(app, config.pipelines());
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
    return app;
  }

  /**
   * Adds the triggers, sources and pipelines of {@code pipelines} to an application built by other means.
   *
   * @throws InvalidConfigException when a user class named by {@code class} fails in its constructor
   */
  public static void addPipelines(PumpApplication app, List<PipelineConfig> pipelines) {
    PumpAssembler assembler = new PumpAssembler(Objects.requireNonNull(app, "app"));
    for (int i = 0; i < pipelines.size(); i++) {
      List<TriggerConfig> triggers = pipelines.get(i).triggers();
      for (int j = 0; j < triggers.size(); j++) {
        TriggerConfig trigger = triggers.get(j);
        if (!(trigger instanceof TriggerConfig.Ref)) {
          assembler.triggers.put(trigger.id(),
            assembler.trigger(trigger, "pipelines[" + i + "].triggers[" + j + "]"));
        }
      }
    }
    for (int i = 0; i < pipelines.size(); i++) {
      assembler.pipeline(pipelines.get(i), "pipelines[" + i + "]");
    }
  }

  private Trigger trigger(TriggerConfig config, String path) {
    TriggerKind<TriggerConfig, ?> kind = kindOf(kinds.triggers(), config.type(), "trigger", path);
    return build(path, () -> kind.create(app, config));
  }

  private void pipeline(PipelineConfig config, String path) {
    List<Processor> processors = new ArrayList<>();
    for (int i = 0; i < config.processors().size(); i++) {
      ProcessorConfig processor = config.processors().get(i);
      String at = path + ".processors[" + i + "]";
      processors.add(build(at, () -> (Processor) PluginClass.PROCESSOR.instantiate(processor.className(),
        processor.config())));
    }
    Pipeline pipeline = new Pipeline(config.id(), processors, sink(config.sink(), path + ".sink"))
      .withDurability(config.durability());
    TriggerSource source = source(config.source(), pipeline, path + ".source").withId(config.id())
      .withOverlap(config.overlap());
    source.on(config.triggers().stream().map(t -> triggers.get(t.id())).distinct().toArray(Trigger[]::new));
  }

  private TriggerSource source(SourceConfig config, Pipeline pipeline, String path) {
    SourceKind<SourceConfig> kind = kindOf(kinds.sources(), config.type(), "source", path);
    return build(path, () -> kind.create(app, pipeline, config));
  }

  private Sink sink(SinkConfig config, String path) {
    SinkKind<SinkConfig> kind = kindOf(kinds.sinks(), config.type(), "sink", path);
    return build(path, () -> kind.create(sinkContext, config));
  }

  /** @return the kind named {@code type}; a configuration bound with other kinds than these cannot be built */
  @SuppressWarnings("unchecked")
  private static <K> K kindOf(Map<String, ?> known, String type, String what, String path) {
    Object kind = known.get(type);
    if (kind == null) {
      throw new InvalidConfigException(List.of(path + ".type: unknown " + what + " type '" + type
        + "' (known types are: " + String.join(", ", known.keySet()) + ")"));
    }
    return (K) kind;
  }

  /** Runs a kind's {@code create}, reporting a {@link ConfigKeyException} under the entry's key path. */
  private static <T> T build(String path, Supplier<T> create) {
    try {
      return create.get();
    } catch (ConfigKeyException e) {
      throw new InvalidConfigException(List.of(path + "." + e.key() + ": " + e.getMessage()));
    }
  }
}
