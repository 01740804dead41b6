package dev.pump.config;

import dev.pump.PumpApplication;
import dev.pump.pipeline.EventBusSink;
import dev.pump.pipeline.FileSink;
import dev.pump.pipeline.HttpSink;
import dev.pump.pipeline.LogSink;
import dev.pump.pipeline.Pipeline;
import dev.pump.pipeline.Processor;
import dev.pump.pipeline.Sink;
import dev.pump.source.ClockSource;
import dev.pump.source.HttpGetSource;
import dev.pump.source.TriggerSource;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.OpportunisticTrigger;
import dev.pump.trigger.PeriodicTrigger;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.RunOnceTrigger;
import dev.pump.trigger.Trigger;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a {@link PumpApplication} from a valid {@link PumpConfig}: the same objects a Java developer
 * would build by hand, nothing more.
 * <pre>{@code
 * // what a pipeline of the configuration becomes
 * Pipeline pipeline = new Pipeline("heartbeat", processors, new FileSink(Path.of("data/heartbeat.jsonl")));
 * Trigger cron = new CronTrigger(app, "* * * * *", zone).withId("every-minute");
 * new ClockSource(app, pipeline).withId("heartbeat").on(cron, ...);
 * }</pre>
 * Triggers are created first, each once, so that {@code ref} entries share them across pipelines.
 * A pipeline's source takes the pipeline's id. File sinks writing the same file share one
 * {@link FileSink}, so their lines never interleave. Time triggers get their policy keys
 * ({@code mode, catchUp, jitter ...}) and sources their {@code overlap} policy.
 */
public final class PumpAssembler {

  private static final Logger LOG = LoggerFactory.getLogger(PumpAssembler.class);

  private final PumpApplication app;
  private final Map<String, Trigger> triggers = new LinkedHashMap<>();
  private final Map<Path, FileSink> fileSinks = new HashMap<>();

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
    for (PipelineConfig pipeline : pipelines) {
      for (TriggerConfig trigger : pipeline.triggers()) {
        if (!(trigger instanceof TriggerConfig.Ref)) {
          assembler.triggers.put(trigger.id(), assembler.trigger(trigger));
        }
      }
    }
    for (int i = 0; i < pipelines.size(); i++) {
      assembler.pipeline(pipelines.get(i), "pipelines[" + i + "]");
    }
  }

  private Trigger trigger(TriggerConfig config) {
    if (config instanceof TriggerConfig.Cron cron) {
      CronTrigger trigger = new CronTrigger(app, cron.schedule()).withId(cron.id());
      cron.policy().applyTo(trigger);
      return trigger;
    }
    if (config instanceof TriggerConfig.Periodic periodic) {
      PeriodicTrigger trigger = new PeriodicTrigger(app, periodic.interval())
        .withFireAtStart(periodic.fireAtStart()).withId(periodic.id());
      periodic.policy().applyTo(trigger);
      return trigger;
    }
    if (config instanceof TriggerConfig.PubSub pubsub) {
      List<String> topics = pubsub.topics();
      PubSubTrigger trigger = new PubSubTrigger(app, topics.get(0), topics.subList(1, topics.size()).toArray(String[]::new))
        .withId(pubsub.id());
      if (pubsub.flow() != null) {
        trigger.withFlowControl(pubsub.flow());
      }
      return trigger;
    }
    if (config instanceof TriggerConfig.Webhook webhook) {
      WebhookTrigger trigger = new WebhookTrigger(app, webhook.name()).withId(webhook.id())
        .withTolerance(webhook.tolerance());
      if (!webhook.secret().isEmpty()) {
        trigger.withSecret(webhook.secret(), webhook.signature());
      }
      if (!webhook.token().isEmpty()) {
        trigger.withToken(webhook.token());
      }
      if (webhook.flow() != null) {
        trigger.withFlowControl(webhook.flow());
      }
      return webhook.rateLimit() == null ? trigger.withoutRateLimit() : trigger.withRateLimit(webhook.rateLimit());
    }
    if (config instanceof TriggerConfig.Opportunistic opportunistic) {
      return new OpportunisticTrigger(app).withChilldown(opportunistic.chilldown()).withId(opportunistic.id());
    }
    if (config instanceof TriggerConfig.RunOnce runOnce) {
      return new RunOnceTrigger(app).withId(runOnce.id());
    }
    throw new IllegalArgumentException("not a trigger definition: " + config);
  }

  private void pipeline(PipelineConfig config, String path) {
    List<Processor> processors = new ArrayList<>();
    for (int i = 0; i < config.processors().size(); i++) {
      ProcessorConfig processor = config.processors().get(i);
      processors.add((Processor) instantiate(PluginClass.PROCESSOR, processor.className(), processor.config(),
        path + ".processors[" + i + "].class"));
    }
    Pipeline pipeline = new Pipeline(config.id(), processors, sink(config.sink(), path + ".sink.class"))
      .withDurability(config.durability());
    TriggerSource source = source(config.source(), pipeline, path + ".source.class").withId(config.id())
      .withOverlap(config.overlap());
    source.on(config.triggers().stream().map(t -> triggers.get(t.id())).distinct().toArray(Trigger[]::new));
  }

  private TriggerSource source(SourceConfig config, Pipeline pipeline, String path) {
    if (config instanceof SourceConfig.Clock) {
      return new ClockSource(app, pipeline);
    }
    if (config instanceof SourceConfig.HttpGet get) {
      return new HttpGetSource(app, pipeline, get.url(), get.timeout());
    }
    SourceConfig.Custom custom = (SourceConfig.Custom) config;
    return (TriggerSource) instantiate(PluginClass.SOURCE, custom.className(), custom.config(), path, app, pipeline);
  }

  private Sink sink(SinkConfig config, String path) {
    if (config instanceof SinkConfig.Log log) {
      return new LogSink(log.name());
    }
    if (config instanceof SinkConfig.File file) {
      return fileSinks.computeIfAbsent(file.path().toAbsolutePath().normalize(), p -> new FileSink(file.path()));
    }
    if (config instanceof SinkConfig.EventBus eventBus) {
      return new EventBusSink(app.vertx(), eventBus.address());
    }
    if (config instanceof SinkConfig.Http http) {
      return new HttpSink(app.vertx(), http.url(),
        new HttpSink.Options(http.maxAttempts(), http.initialBackoff(), http.maxBackoff(), http.timeout()));
    }
    SinkConfig.Custom custom = (SinkConfig.Custom) config;
    return (Sink) instantiate(PluginClass.SINK, custom.className(), custom.config(), path);
  }

  /** Calls the class's constructor with {@code leading} and, if it takes one, a copy of {@code config}. */
  private static Object instantiate(PluginClass kind, String className, JsonObject config, String path,
                                    Object... leading) {
    Constructor<?> constructor;
    try {
      constructor = kind.constructorOf(className);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(List.of(path + ": " + e.getMessage()));
    }
    Object[] arguments = leading;
    if (kind.takesConfig(constructor)) {
      arguments = java.util.Arrays.copyOf(leading, leading.length + 1);
      arguments[leading.length] = config.copy();
    }
    try {
      return constructor.newInstance(arguments);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new InvalidConfigException(List.of(path + ": the constructor of '" + className + "' failed: "
        + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage())));
    } catch (ReflectiveOperationException e) {
      throw new InvalidConfigException(List.of(path + ": cannot construct '" + className + "': " + e));
    }
  }
}
