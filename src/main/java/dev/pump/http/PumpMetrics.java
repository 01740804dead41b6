package dev.pump.http;

import dev.pump.journal.FireJournal;
import dev.pump.pipeline.Pipeline;
import dev.pump.pipeline.PipelineCounters;
import dev.pump.trigger.TimeTrigger;
import dev.pump.trigger.Trigger;
import dev.pump.trigger.TriggerEvent;
import dev.pump.trigger.WebhookTrigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The engine's own meters, on a Micrometer {@link MeterRegistry}, and {@code GET /metrics}.
 *
 * <table>
 *   <caption>Meters (Prometheus names)</caption>
 *   <tr><td>{@code pump_trigger_fires_total{trigger,type}}</td><td>counter, from {@link #onFire}</td></tr>
 *   <tr><td>{@code pump_trigger_fire_lateness_seconds{trigger}}</td><td>histogram of {@code firedAt - scheduledAt}
 *       for fires of a scheduled slot (buckets 1 ms to 60 s)</td></tr>
 *   <tr><td>{@code pump_source_cycle_duration_seconds{source,pipeline}}</td><td>timer (histogram, buckets 10 ms to
 *       5 min), from {@link #onCycle}</td></tr>
 *   <tr><td>{@code pump_source_cycles_total{source,pipeline,outcome}}</td><td>counter, outcome {@code ok} or
 *       {@code failed}</td></tr>
 *   <tr><td>{@code pump_pipeline_events_in_total}, {@code _events_out_total}, {@code _events_dropped_total},
 *       {@code pump_pipeline_cycles_total}, {@code pump_pipeline_fires_merged_total}, {@code _fires_dropped_total},
 *       {@code pump_pipeline_errors_total}, {@code pump_pipeline_warnings_total}, all {@code {pipeline}}</td>
 *       <td>function counters reading {@link PipelineCounters} at scrape time</td></tr>
 *   <tr><td>{@code pump_pipeline_ready{pipeline}}</td><td>gauge, 1 ready, 0 not</td></tr>
 *   <tr><td>{@code pump_webhook_refused_total{webhook,reason}}</td><td>function counter of refused webhook
 *       requests, reason {@code rate_limit}, {@code token}, {@code signature}, {@code timestamp}, {@code replay},
 *       {@code content_type}, {@code too_large}, {@code bad_body} or {@code paused}</td></tr>
 *   <tr><td>{@code pump_journal_size_bytes}, {@code pump_journal_backlog}, {@code pump_journal_held},
 *       {@code pump_journal_writable}, {@code pump_journal_forces_total}</td><td>the fire journal's, from {@link #bindFireJournal}</td></tr>
 *   <tr><td>{@code vertx_pump_build_info{version}}</td><td>gauge, always 1, from {@link #bindBuildInfo}</td></tr>
 *   <tr><td>{@code pump_cluster_members}</td><td>gauge, the members this node sees (clustered only, from
 *       {@link #bindCluster})</td></tr>
 *   <tr><td>{@code pump_cluster_quorum}</td><td>gauge, 1 while this node sees a quorum and may claim
 *       cluster-once slots, 0 in a minority (clustered with a quorum only)</td></tr>
 * </table>
 * Names that {@code promtool check metrics} accepts for the JVM's meters too need the registry of
 * {@link #newPrometheusMetricsFactory()}, made before Vert.x.
 *
 * <h2>A Vert.x 5.0.7 instance whose Prometheus registry is active</h2>
 * vertx-micrometer-metrics registers its {@code MicrometerMetricsFactory} as a {@code VertxServiceProvider}
 * ({@code META-INF/services/io.vertx.core.spi.VertxServiceProvider}), so metrics options are enough:
 * <pre>{@code
 * Vertx vertx = Vertx.vertx(PumpMetrics.withPrometheus(new VertxOptions()));
 * // clustered: Vertx.builder().with(PumpMetrics.withPrometheus(options)).withClusterManager(cm).buildClustered()
 * PrometheusMeterRegistry registry = PumpMetrics.prometheusRegistry().orElseThrow();  // BackendRegistries.getDefaultNow()
 * }</pre>
 * {@code Vertx.builder().withMetrics(new MicrometerMetricsFactory())} is NOT needed, neither on the class path nor
 * in the fat jar as long as maven-shade keeps {@code ServicesResourceTransformer}. {@code withMetrics} is the way to
 * hand Vert.x a registry of one's own: {@code Vertx.builder().withMetrics(new MicrometerMetricsFactory(myRegistry))}
 * turns metrics on by itself, options or not, and files {@code myRegistry} under the registry name. Also checked
 * on 5.0.7: metrics options enabled WITHOUT {@code VertxPrometheusOptions} put the meters on
 * Micrometer's global composite registry, not a Prometheus one; no metrics options at all leave
 * {@code BackendRegistries.getDefaultNow()} {@code null}.
 *
 * <p>Pitfalls: the registry lives in a static map of vertx-micrometer-metrics under its name ({@code "default"})
 * from the creation of the Vert.x instance until its close, which removes it: two metrics-enabled instances in
 * one JVM (tests) share it unless given distinct names ({@link #withPrometheus(VertxOptions, String)}). Label
 * matches set in {@code MicrometerMetricsOptions} become filters of the whole registry, ours included; the one set
 * here (HTTP methods beyond the standard ones become {@code other}) is limited to the HTTP server domain.
 *
 * <h2>Wiring</h2>
 * <pre>{@code
 * PumpMetrics metrics = new PumpMetrics(registry, app);
 * app.onFire(metrics::onFire);
 * app.onCycle((source, event, took, failed) -> metrics.onCycle(source.id(), source.pipeline().id(), took, failed));
 * metrics.bindPipelines();                // once the pipelines are built
 * PumpMetrics.mountScrape(app.router(), registry);
 * }</pre>
 */
public final class PumpMetrics {

  private static final Duration[] LATENESS_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMillis(500),
    Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(60)};
  private static final Duration[] CYCLE_BUCKETS = {
    Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(5)};
  /** Prometheus text exposition format 0.0.4, what {@link PrometheusMeterRegistry#scrape()} writes. */
  static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  private final MeterRegistry registry;
  private final PumpView view;
  private final Map<String, Counter> fires = new ConcurrentHashMap<>();
  private final Map<String, Timer> lateness = new ConcurrentHashMap<>();
  private final Map<String, Timer> cycleDurations = new ConcurrentHashMap<>();
  private final Map<String, Counter> cycleOutcomes = new ConcurrentHashMap<>();
  private final Set<String> boundPipelines = ConcurrentHashMap.newKeySet();
  private final Set<String> boundWebhooks = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean boundJournal = new AtomicBoolean();

  /**
   * @param registry where the meters go: Vert.x's Prometheus registry, or any other
   * @param view the application, whose pipelines {@link #bindPipelines()} reads
   */
  public PumpMetrics(MeterRegistry registry, PumpView view) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.view = Objects.requireNonNull(view, "view");
  }

  MeterRegistry registry() {
    return registry;
  }

  /** Counts a fire and, for a scheduled slot, records how late it fired; a fire listener. */
  public void onFire(Trigger trigger, TriggerEvent event) {
    String id = event.trigger();
    firesOf(id, event.type()).increment();
    if (event.scheduledAt() != null) {
      Duration late = Duration.between(event.scheduledAt(), event.firedAt());
      latenessOf(id).record(late.isNegative() ? Duration.ZERO : late);
    }
  }

  private Counter firesOf(String triggerId, String type) {
    return fires.computeIfAbsent(triggerId + '\n' + type, k -> Counter.builder("pump.trigger.fires")
      .description("Fires of a trigger")
      .tags("trigger", triggerId, "type", type)
      .register(registry));
  }

  private Timer latenessOf(String triggerId) {
    return lateness.computeIfAbsent(triggerId, k -> Timer.builder("pump.trigger.fire.lateness")
      .description("How long after its scheduled slot a time trigger fired")
      .tags("trigger", triggerId)
      .serviceLevelObjectives(LATENESS_BUCKETS)
      .register(registry));
  }

  /**
   * Records one cycle of a source; a cycle listener. Binds the pipeline's meters too, if
   * {@link #bindPipelines()} has not, so a pipeline built later shows up after its first cycle.
   */
  public void onCycle(String sourceId, String pipelineId, Duration took, boolean failed) {
    cycleDurationOf(sourceId, pipelineId).record(took);
    cyclesOf(sourceId, pipelineId, failed ? "failed" : "ok").increment();
    if (!boundPipelines.contains(pipelineId)) {
      view.pipeline(pipelineId).ifPresent(this::bind);
    }
  }

  private Timer cycleDurationOf(String sourceId, String pipelineId) {
    return cycleDurations.computeIfAbsent(sourceId + '\n' + pipelineId, k -> Timer.builder("pump.source.cycle.duration")
      .description("How long a source's cycle ran")
      .tags("source", sourceId, "pipeline", pipelineId)
      .serviceLevelObjectives(CYCLE_BUCKETS)
      .register(registry));
  }

  private Counter cyclesOf(String sourceId, String pipelineId, String outcome) {
    return cycleOutcomes.computeIfAbsent(sourceId + '\n' + pipelineId + '\n' + outcome,
      k -> Counter.builder("pump.source.cycles")
        .description("Cycles of a source, by outcome")
        .tags("source", sourceId, "pipeline", pipelineId, "outcome", outcome)
        .register(registry));
  }

  /**
   * Registers the meters of every pipeline of the application not bound yet; call after the
   * application is built. Safe to call again: pipelines already bound are skipped.
   */
  public void bindPipelines() {
    view.pipelines().forEach(this::bind);
    bindTriggers();
    bindWebhooks();
    bindFireJournal();
  }

  /**
   * Registers the fire journal's meters when the application keeps one (read at scrape time, 0
   * until it is opened): {@code pump_journal_size_bytes}, {@code pump_journal_backlog} (fires
   * accepted and not done, per source, and events held by flow control), {@code pump_journal_held} (those
   * held events alone), {@code pump_journal_writable} (1, or 0 while writes fail) and
   * {@code pump_journal_forces_total}. Called by {@link #bindPipelines()}; safe to call again.
   */
  public void bindFireJournal() {
    if (!view.keepsFireJournal() || !boundJournal.compareAndSet(false, true)) {
      return;
    }
    Gauge.builder("pump.journal.size", view, v -> journalValue(v, FireJournal::sizeBytes))
      .description("Bytes of the fire journal's segment files")
      .baseUnit("bytes")
      .register(registry);
    Gauge.builder("pump.journal.backlog", view, v -> journalValue(v, FireJournal::backlog))
      .description("Fires accepted into the fire journal and not yet done, counted per source, plus events held by flow control")
      .register(registry);
    Gauge.builder("pump.journal.held", view, v -> journalValue(v, FireJournal::heldEvents))
      .description("Events held by flow control (debounce, batch, throttle), journaled and not yet released")
      .register(registry);
    Gauge.builder("pump.journal.writable", view, v -> v.fireJournal().map(j -> j.failure().isEmpty() ? 1 : 0).orElse(1))
      .description("1 while the fire journal can be written, 0 while writes fail (fires are refused with 503)")
      .register(registry);
    FunctionCounter.builder("pump.journal.forces", view, v -> journalValue(v, FireJournal::forces))
      .description("fsyncs of the fire journal; with group commit, fewer than the fires accepted")
      .register(registry);
  }

  private static double journalValue(PumpView view, ToDoubleFunction<FireJournal> value) {
    return view.fireJournal().map(value::applyAsDouble).orElse(0.0);
  }

  /**
   * Registers, at 0, the series every trigger and source of the application will count into:
   * {@code pump_trigger_fires_total} of each trigger, the lateness histogram of each time trigger,
   * and the cycle histogram and {@code ok}/{@code failed} counters of each source. A series that
   * exists before the first fire lets {@code increase()} see that fire and absence alerts tell "no
   * fire yet" from "no such trigger". Called by {@link #bindPipelines()}; safe to call again.
   */
  void bindTriggers() {
    for (Trigger trigger : view.triggers()) {
      firesOf(trigger.id(), trigger.type());
      if (trigger instanceof TimeTrigger) {
        latenessOf(trigger.id());
      }
    }
    for (Pipeline pipeline : view.pipelines()) {
      for (Object source : view.sourcesOf(pipeline.id())) {
        String sourceId = ((JsonObject) source).getString("id");
        cycleDurationOf(sourceId, pipeline.id());
        cyclesOf(sourceId, pipeline.id(), "ok");
        cyclesOf(sourceId, pipeline.id(), "failed");
      }
    }
  }

  /**
   * Registers {@code pump_webhook_refused_total{webhook,reason}} for every webhook trigger of the
   * application not bound yet, one series per {@link WebhookTrigger.Refusal}, zeros included so that
   * alerts see a series before the first refusal. {@code webhook} is the webhook's name (its URL
   * segment); requests to unknown names have no webhook and are not counted. Called by
   * {@link #bindPipelines()}.
   */
  void bindWebhooks() {
    for (Trigger trigger : view.triggers()) {
      if (trigger instanceof WebhookTrigger webhook && boundWebhooks.add(webhook.name())) {
        for (WebhookTrigger.Refusal reason : WebhookTrigger.Refusal.values()) {
          FunctionCounter.builder("pump.webhook.refused", webhook, w -> w.refusals(reason))
            .description("Webhook requests refused, by reason")
            .tags("webhook", webhook.name(), "reason", reason.label())
            .register(registry);
        }
      }
    }
  }

  private void bind(Pipeline pipeline) {
    if (!boundPipelines.add(pipeline.id())) {
      return;
    }
    PipelineCounters counters = pipeline.counters();
    String id = pipeline.id();
    counter("pump.pipeline.events.in", "Events that entered the pipeline", id, counters, PipelineCounters::eventsIn);
    counter("pump.pipeline.events.out", "Events the sink took", id, counters, PipelineCounters::eventsOut);
    counter("pump.pipeline.events.dropped", "Events dropped by a processor or lost by a failure", id, counters,
      PipelineCounters::eventsDropped);
    counter("pump.pipeline.cycles", "Cycles of the pipeline's sources", id, counters, PipelineCounters::cycles);
    counter("pump.pipeline.fires.merged", "Fires merged into a pending cycle", id, counters,
      PipelineCounters::firesMerged);
    counter("pump.pipeline.fires.dropped", "Fires dropped by a source's skip or queue overlap policy", id,
      counters, PipelineCounters::firesDropped);
    counter("pump.pipeline.errors", "Times the pipeline entered the error state", id, counters,
      PipelineCounters::errors);
    counter("pump.pipeline.warnings", "Warnings of the pipeline", id, counters, PipelineCounters::warnings);
    Gauge.builder("pump.pipeline.ready", pipeline, p -> p.isReady() ? 1 : 0)
      .description("1 when the pipeline is ready, 0 when in error or throttled")
      .tag("pipeline", id)
      .register(registry);
  }

  private void counter(String name, String description, String pipelineId, PipelineCounters counters,
                       ToDoubleFunction<PipelineCounters> read) {
    FunctionCounter.builder(name, counters, read)
      .description(description)
      .tag("pipeline", pipelineId)
      .register(registry);
  }

  /**
   * Registers {@code vertx_pump_build_info{version}}, a gauge always 1 whose label says which build is
   * running (the Prometheus "info" idiom: join on it to label other series by version). Safe to call again.
   *
   * @param version the build's version, e.g. {@code 0.1.0}
   */
  public void bindBuildInfo(String version) {
    Objects.requireNonNull(version, "version");
    Gauge.builder("vertx.pump.build.info", () -> 1)
      .description("The running build; always 1")
      .tag("version", version)
      .register(registry);
  }

  /**
   * Registers {@code pump_cluster_members} and, when the state has a {@code quorum}, {@code pump_cluster_quorum}
   * (1 present, 0 not), both read from {@code clusterState} at scrape time.
   *
   * @param clusterState the state of {@code GET /api/cluster}, read at every scrape; never blocking
   */
  public void bindCluster(Supplier<JsonObject> clusterState) {
    Objects.requireNonNull(clusterState, "clusterState");
    Gauge.builder("pump.cluster.members", clusterState, state -> state.get().getInteger("size", 0))
      .description("The cluster members this node sees, itself included")
      .register(registry);
    if (clusterState.get().getJsonObject("quorum") != null) {
      Gauge.builder("pump.cluster.quorum", clusterState,
          state -> state.get().getJsonObject("quorum").getBoolean("present", false) ? 1 : 0)
        .description("1 while this node sees a quorum and claims cluster-once slots, 0 in a minority")
        .register(registry);
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Prometheus names

  /**
   * Vert.x's metrics on a new Prometheus registry whose meter names {@code promtool check metrics} accepts, for
   * {@code Vertx.builder().with(withPrometheus(options)).withMetrics(newPrometheusMetricsFactory())}: the registry
   * must exist before Vert.x does, because vertx-micrometer-metrics binds the JVM meters when Vert.x is created,
   * and a filter added later does not reach them. Micrometer's own names break three of promtool's rules:
   * <ul>
   *   <li>{@code jvm_compilation_time_ms_total} and {@code process_cpu_time_ns_total}: abbreviated units, and
   *       not the base unit. These two are denied and re-registered in seconds, as
   *       {@code jvm_compilation_time_seconds_total{compiler}} and {@code process_cpu_seconds_total} (the name
   *       Prometheus' own clients give the process's CPU time);</li>
   *   <li>{@code system_cpu_count}, a gauge whose name ends in {@code _count}, which Prometheus reserves for
   *       histograms and summaries: renamed {@code system_cpu_processors}.</li>
   * </ul>
   * The two meters in seconds are registered once Vert.x has set its metrics up: vertx-micrometer-metrics turns
   * the label matches of the options into filters of the registry then, and Micrometer warns ("A MeterFilter is
   * being configured after a Meter has been registered") about every filter added to a registry that already
   * holds a meter.
   */
  public static VertxMetricsFactory newPrometheusMetricsFactory() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(PROMETHEUS_NAMES);
    MicrometerMetricsFactory micrometer = new MicrometerMetricsFactory(registry);
    return new VertxMetricsFactory() {
      @Override
      public VertxMetrics metrics(VertxOptions options) {
        VertxMetrics metrics = micrometer.metrics(options);
        registerTimesInSeconds(registry);
        return metrics;
      }

      @Override
      public MetricsOptions newOptions() {
        return micrometer.newOptions();
      }

      @Override
      public MetricsOptions newOptions(MetricsOptions options) {
        return micrometer.newOptions(options);
      }

      @Override
      public MetricsOptions newOptions(JsonObject json) {
        return micrometer.newOptions(json);
      }
    };
  }

  /** The two meters {@link #PROMETHEUS_NAMES} denies, in seconds: see {@link #newPrometheusMetricsFactory()}. */
  private static void registerTimesInSeconds(MeterRegistry registry) {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        && os.getProcessCpuTime() >= 0) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
        .description("The CPU time used by the Java virtual machine process")
        .baseUnit("seconds")
        .register(registry);
    }
    CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    if (compiler != null && compiler.isCompilationTimeMonitoringSupported()) {
      FunctionCounter.builder("jvm.compilation.time", compiler, c -> c.getTotalCompilationTime() / 1e3)
        .description("The approximate accumulated elapsed time spent in compilation")
        .baseUnit("seconds")
        .tag("compiler", compiler.getName())
        .register(registry);
    }
  }

  /** See {@link #newPrometheusMetricsFactory()}. */
  static final MeterFilter PROMETHEUS_NAMES = new MeterFilter() {
    @Override
    public MeterFilterReply accept(Meter.Id id) {
      boolean abbreviated = "ms".equals(id.getBaseUnit()) || "ns".equals(id.getBaseUnit());
      return abbreviated && (id.getName().equals("jvm.compilation.time") || id.getName().equals("process.cpu.time"))
        ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
      return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.processors") : id;
    }
  };

  // -------------------------------------------------------------------------------------------------
  // Vert.x metrics and scraping

  /** Like {@link #withPrometheus(VertxOptions, String)} with vertx-micrometer-metrics' default registry name. */
  public static VertxOptions withPrometheus(VertxOptions options) {
    return withPrometheus(options, MicrometerMetricsOptions.DEFAULT_REGISTRY_NAME);
  }

  /**
   * A copy of {@code options} with vertx-micrometer-metrics enabled on a Prometheus registry (Vert.x and JVM
   * meters, no embedded server: {@link #mountScrape} serves it); create Vert.x with it.
   *
   * @param registryName the name the registry is kept under while the Vert.x instance lives
   */
  public static VertxOptions withPrometheus(VertxOptions options, String registryName) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(registryName, "registryName");
    return new VertxOptions(options).setMetricsOptions(new MicrometerMetricsOptions()
      .setEnabled(true)
      .setJvmMetricsEnabled(true)
      .setRegistryName(registryName)
      // named rather than left to the default, so that no label with unbounded values (HTTP_PATH,
      // REMOTE, LOCAL) can slip in: each of these has a bounded set of values (HTTP_ROUTE holds the
      // patterns of the routes a request went through, "/webhooks/:name>/webhooks/:name", or "")
      .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME, Label.EB_SIDE))
      .addLabelMatch(OTHER_HTTP_METHODS)
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
  }

  /**
   * Anyone can send a request with a method of their own: every method but the standard ones is
   * counted as {@code other}, so that the HTTP server series stay bounded. The raw path
   * ({@code Label.HTTP_PATH}) is never a label; the {@code route} label is the route's pattern.
   */
  private static final Match OTHER_HTTP_METHODS = new Match()
    .setDomain(MetricsDomain.HTTP_SERVER)
    .setLabel(Label.HTTP_METHOD.toString())
    .setType(MatchType.REGEX)
    .setValue("(?!(GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH)$).*")
    .setAlias("other");

  /** @return the Prometheus registry of a Vert.x instance made with {@link #withPrometheus(VertxOptions)} */
  public static Optional<PrometheusMeterRegistry> prometheusRegistry() {
    return prometheusRegistry(MicrometerMetricsOptions.DEFAULT_REGISTRY_NAME);
  }

  /** @return the Prometheus registry kept under {@code registryName}, while its Vert.x instance lives */
  public static Optional<PrometheusMeterRegistry> prometheusRegistry(String registryName) {
    return BackendRegistries.getNow(registryName) instanceof PrometheusMeterRegistry prometheus
      ? Optional.of(prometheus) : Optional.empty();
  }

  /** Serves {@code GET /metrics} from {@code registry} in Prometheus text format. */
  public static void mountScrape(Router router, PrometheusMeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    mountScrape(router, () -> Optional.of(registry));
  }

  /**
   * Serves {@code GET /metrics} from the registry of a Vert.x instance made with
   * {@link #withPrometheus(VertxOptions)}, looked up at each request; 503 when there is none.
   */
  public static void mountScrape(Router router) {
    mountScrape(router, PumpMetrics::prometheusRegistry);
  }

  static void mountScrape(Router router, Supplier<Optional<PrometheusMeterRegistry>> registry) {
    Objects.requireNonNull(router, "router");
    router.get("/metrics").handler(ctx -> scrape(ctx, registry.get()));
  }

  private static void scrape(RoutingContext ctx, Optional<PrometheusMeterRegistry> registry) {
    if (registry.isEmpty()) {
      HttpErrors.send(ctx, 503,
        "metrics are not enabled: create Vert.x with PumpMetrics.withPrometheus(options)");
      return;
    }
    PrometheusMeterRegistry prometheus = registry.get();
    // a scrape walks every meter: off the event loop
    ctx.vertx().executeBlocking(prometheus::scrape, false).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ctx.response().setStatusCode(200).putHeader("Content-Type", TEXT_FORMAT).end(ar.result());
    });
  }
}
