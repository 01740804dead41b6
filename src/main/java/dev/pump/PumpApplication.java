package dev.pump;

import dev.pump.config.Kinds;
import dev.pump.http.PumpView;
import dev.pump.http.SlowClients;
import dev.pump.journal.FireJournal;
import dev.pump.pipeline.Durability;
import dev.pump.pipeline.Pipeline;
import dev.pump.source.SourceRuntime;
import dev.pump.source.TriggerSource;
import dev.pump.trigger.FlowForwarding;
import dev.pump.trigger.FlowOwners;
import dev.pump.trigger.SlotLedger;
import dev.pump.trigger.TimeSchedulers;
import dev.pump.trigger.Trigger;
import dev.pump.trigger.TriggerEvent;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Owns the {@link Vertx} instance and deploys pipelines' sources and triggers, the Java face of
 * BSPump's application object:
 * <pre>{@code
 * PumpApplication app = PumpApplication.create();
 * Pipeline pipeline = new Pipeline("heartbeat", new FileSink(Path.of("data/heartbeat.jsonl")));
 * new MySource(app, pipeline).on(new CronTrigger(app, "*&#47;5 * * * *"));
 * app.start().await();
 * }</pre>
 * Triggers and sources register themselves when constructed; {@link #start()} deploys everything
 * registered and not yet deployed: sources first (so no fire is lost), then triggers.
 * {@link #close()} stops triggers first, lets running cycles finish within the shutdown grace,
 * then closes sinks and, if it created it, Vert.x.
 */
public final class PumpApplication implements SourceRuntime, PumpView {

  private static final Logger LOG = LoggerFactory.getLogger(PumpApplication.class);
  /** The worker pool every source's fires and cycles run on. */
  public static final String SOURCE_POOL = "pump-sources";
  /**
   * Verticles deployed together, as the instances of one deployment: each keeps its own context, and
   * a million triggers make four thousand deployments instead of a million.
   */
  static final int DEPLOYMENT_CHUNK = 256;

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final InstantSource clock;
  private final String nodeId;
  private final Duration shutdownGrace;
  private final SlotLedger slotLedger;
  private final FlowOwners flowOwners;
  private final int sourceThreads;
  private final PubSub pubSub;
  private final Router router;
  private final TimeSchedulers timeSchedulers;
  /** Where the trigger kinds that describe triggers are looked up: the context class loader at build time. */
  private final ClassLoader kindsLoader;
  private volatile Kinds kinds;
  private final List<BiConsumer<Trigger, TriggerEvent>> fireListeners = new CopyOnWriteArrayList<>();
  private final List<CycleListener> cycleListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> cycleEndedListeners = new CopyOnWriteArrayList<>();
  private final Map<String, List<BiConsumer<TriggerEvent, Boolean>>> cycleOutcomeListeners = new ConcurrentHashMap<>();
  private final Path journalDir;
  private final long journalSegmentBytes;
  /** Opened by the first {@link #start()}; null without a journal directory, or before. */
  private volatile FireJournal journal;
  /** Whether the held events recovered by the journal were offered to their triggers (at the first start). */
  private volatile boolean heldReplayed;
  /** The ids of a trigger's sources whose fires are journaled; cleared whenever sources or triggers change. */
  private final Map<Trigger, List<String>> journaledSources = new ConcurrentHashMap<>();

  // guarded by this
  private final Map<String, Trigger> triggers = new LinkedHashMap<>();
  private final Map<String, TriggerSource> sources = new LinkedHashMap<>();
  private final Map<String, Pipeline> pipelines = new LinkedHashMap<>();
  private final Map<String, Integer> lastDefaultId = new HashMap<>();
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<Deployment> triggerDeployments = new ArrayList<>();
  private final List<Deployment> sourceDeployments = new ArrayList<>();
  private Future<Void> closing;
  /** Decides the events other nodes forward for keys this node owns; null on a single node. */
  private MessageConsumer<JsonObject> flowForwarded;
  /** Webhook triggers by name, read by every webhook request; null when a trigger was added or renamed since. */
  private volatile Map<String, WebhookTrigger> webhooksByName;
  /** Set when shutdown begins, before anything is stopped: fires are refused from then on. */
  private volatile boolean refusingFires;
  private volatile long unfinishedAtClose;

  /** Verticles deployed as the instances of one Vert.x deployment. */
  private record Deployment(List<? extends VerticleBase> verticles, String id) {
  }

  private PumpApplication(Builder builder) {
    this.ownsVertx = builder.vertx == null || builder.closeVertx;
    this.vertx = builder.vertx == null ? Vertx.vertx() : builder.vertx;
    this.clock = builder.clock;
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    this.kindsLoader = context != null ? context : PumpApplication.class.getClassLoader();
    this.nodeId = builder.nodeId != null ? builder.nodeId : defaultNodeId();
    this.shutdownGrace = builder.shutdownGrace;
    this.slotLedger = builder.slotLedger;
    this.flowOwners = builder.flowOwners;
    this.sourceThreads = builder.sourceThreads;
    this.journalDir = builder.journalDir;
    this.journalSegmentBytes = builder.journalSegmentBytes;
    this.pubSub = new PubSub(vertx);
    this.timeSchedulers = new TimeSchedulers(vertx, clock);
    this.router = PumpRoutes.applicationRouter(this, builder.maxBodyBytes, builder.clusterQuorum);
  }

  /** An application on a Vert.x instance of its own, closed with the application. */
  public static PumpApplication create() {
    return builder().build();
  }

  /** An application inside an existing Vert.x application; {@link #close()} leaves {@code vertx} open. */
  public static PumpApplication create(Vertx vertx) {
    return builder().vertx(vertx).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public InstantSource clock() {
    return clock;
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public SlotLedger slotLedger() {
    return slotLedger;
  }

  @Override
  public FlowOwners flowOwners() {
    return flowOwners;
  }

  @Override
  public TimeSchedulers timeSchedulers() {
    return timeSchedulers;
  }

  /**
   * Fires now, on every event loop, the slots of time triggers that are due by the application's clock, as
   * the timers would: what db-scheduler's {@code ManualScheduler.runAnyDueExecutions()} does. For tests that
   * move a {@link dev.pump.testing.SettableClock} given to {@link Builder#clock} and do not want to wait for
   * the clock watch, which notices a moved clock within a second. A slot is never fired early, nor twice.
   *
   * @return completes once every event loop has fired its due slots (and the triggers' fire listeners,
   *     {@link #onFire}, have run); the cycles they cause run afterwards, on the sources' workers
   */
  public Future<Void> runDue() {
    return timeSchedulers.runDue();
  }

  /** @return the face of the event bus that fires pub/sub triggers */
  public PubSub pubSub() {
    return pubSub;
  }

  /**
   * @return the application's HTTP router, with {@code POST /webhooks/{name}} mounted; custom
   *     triggers may add routes of their own
   */
  public Router router() {
    return router;
  }

  /** Serves {@link #router()} on {@code host:port}; port 0 picks a free port. */
  public Future<HttpServer> listen(int port, String host) {
    return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(server -> {
      synchronized (this) {
        servers.add(server);
      }
    });
  }

  /**
   * Serves {@link #router()} with these server options: host, port and limits such as
   * {@code maxHeaderSize} (431 beyond it). With an idle timeout set, a client must also send each
   * whole request within that time, or it is cut off: see {@link SlowClients}.
   */
  public Future<HttpServer> listen(HttpServerOptions options) {
    HttpServer server = vertx.createHttpServer(options).requestHandler(router);
    long idleMillis = options.getIdleTimeoutUnit().toMillis(options.getIdleTimeout());
    SlowClients.guard(vertx, server, Duration.ofMillis(idleMillis));
    return server.listen().onSuccess(s -> {
      synchronized (this) {
        servers.add(s);
      }
    });
  }

  /** Calls {@code listener} after every fire of every trigger, on the firing thread. */
  public void onFire(BiConsumer<Trigger, TriggerEvent> listener) {
    fireListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Calls {@code listener} after every cycle of every source, on the worker thread that ran the cycle. */
  public void onCycle(CycleListener listener) {
    cycleListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Hears about finished cycles; see {@link #onCycle(CycleListener)}. */
  @FunctionalInterface
  public interface CycleListener {
    void cycleFinished(TriggerSource source, TriggerEvent event, Duration took, boolean failed);
  }

  @Override
  public synchronized List<Trigger> triggers() {
    return List.copyOf(triggers.values());
  }

  @Override
  public synchronized Optional<Trigger> trigger(String id) {
    return Optional.ofNullable(triggers.get(id));
  }

  /** In the words of the trigger's kind ({@link Kinds}), as seen by the class loader the application was built in. */
  @Override
  public String describe(Trigger trigger) {
    Kinds known = kinds;
    if (known == null) {
      known = Kinds.of(kindsLoader);   // only once the dashboard asks: an application without it never loads them
      kinds = known;
    }
    return known.describe(trigger);
  }

  public synchronized List<TriggerSource> sources() {
    return List.copyOf(sources.values());
  }

  @Override
  public synchronized List<Pipeline> pipelines() {
    return List.copyOf(pipelines.values());
  }

  @Override
  public synchronized Optional<Pipeline> pipeline(String id) {
    return Optional.ofNullable(pipelines.get(id));
  }

  @Override
  public synchronized JsonArray sourcesOf(String pipelineId) {
    return new JsonArray(sources.values().stream()
      .filter(s -> s.pipeline().id().equals(pipelineId))
      .map(TriggerSource::snapshot)
      .toList());
  }

  /** @return the webhook trigger answering {@code POST /webhooks/{name}} */
  public Optional<WebhookTrigger> webhook(String name) {
    Map<String, WebhookTrigger> byName = webhooksByName;
    if (byName == null) {
      synchronized (this) {
        byName = webhooksByName == null ? webhooksByName(false) : webhooksByName;
        webhooksByName = byName;
      }
    }
    return Optional.ofNullable(byName.get(name));
  }

  @Override
  public synchronized String register(Trigger trigger) {
    String id = nextDefaultId(trigger.type(), triggers);
    triggers.put(id, trigger);
    webhooksByName = null;
    journaledSources.clear();
    return id;
  }

  @Override
  public synchronized void rename(Trigger trigger, String newId) {
    renameIn(triggers, "trigger", trigger, trigger.id(), newId, trigger.isDeployed());
    webhooksByName = null;
  }

  @Override
  public synchronized String register(TriggerSource source) {
    Pipeline pipeline = source.pipeline();
    Pipeline known = pipelines.get(pipeline.id());
    if (known != null && known != pipeline) {
      throw new IllegalArgumentException("pipeline id '" + pipeline.id() + "' is already used by another pipeline");
    }
    if (known == null) {
      pipelines.put(pipeline.id(), pipeline.withClock(clock));
    }
    String id = nextDefaultId("source", sources);
    sources.put(id, source);
    journaledSources.clear();
    return id;
  }

  @Override
  public synchronized void rename(TriggerSource source, String newId) {
    renameIn(sources, "source", source, source.id(), newId, source.isDeployed());
    journaledSources.clear();
  }

  private <T> void renameIn(Map<String, T> registry, String what, T item, String oldId, String newId,
                            boolean deployed) {
    if (deployed) {
      throw new IllegalStateException(what + " '" + oldId + "' is already deployed: set its id before start");
    }
    if (newId.equals(oldId)) {
      return;
    }
    if (registry.containsKey(newId)) {
      throw new IllegalArgumentException("duplicate " + what + " id '" + newId + "'");
    }
    registry.remove(oldId);
    registry.put(newId, item);
  }

  private String nextDefaultId(String prefix, Map<String, ?> taken) {
    int n = lastDefaultId.getOrDefault(prefix, 0);
    String id;
    do {
      id = prefix + "-" + ++n;
    } while (taken.containsKey(id));
    lastDefaultId.put(prefix, n);
    return id;
  }

  @Override
  public boolean isIdle() {
    List<TriggerSource> allSources;
    List<Pipeline> allPipelines;
    synchronized (this) {
      allSources = List.copyOf(sources.values());
      allPipelines = List.copyOf(pipelines.values());
    }
    return allSources.stream().noneMatch(TriggerSource::isCycling)
      && allPipelines.stream().noneMatch(Pipeline::isThrottled);
  }

  @Override
  public void cycleFinished(TriggerSource source, TriggerEvent event, Duration took, boolean failed) {
    for (CycleListener listener : cycleListeners) {
      listener.cycleFinished(source, event, took, failed);
    }
    List<BiConsumer<TriggerEvent, Boolean>> outcomes = cycleOutcomeListeners.get(event.trigger());
    if (outcomes != null) {
      for (BiConsumer<TriggerEvent, Boolean> listener : outcomes) {
        listener.accept(event, failed);
      }
    }
    for (Runnable listener : cycleEndedListeners) {
      listener.run();
    }
  }

  @Override
  public Runnable onCycleEnded(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    cycleEndedListeners.add(listener);
    return () -> cycleEndedListeners.remove(listener);
  }

  @Override
  public Runnable onCycleOutcome(String triggerId, BiConsumer<TriggerEvent, Boolean> listener) {
    Objects.requireNonNull(triggerId, "triggerId");
    Objects.requireNonNull(listener, "listener");
    cycleOutcomeListeners.computeIfAbsent(triggerId, id -> new CopyOnWriteArrayList<>()).add(listener);
    return () -> cycleOutcomeListeners.computeIfPresent(triggerId, (id, list) -> {
      list.remove(listener);
      return list.isEmpty() ? null : list;
    });
  }

  @Override
  public boolean journals(TriggerSource source) {
    return journalDir != null && source.pipeline().durability() == Durability.JOURNAL;
  }

  @Override
  public Future<Void> journal(Trigger trigger, TriggerEvent event) {
    FireJournal fires = journal;
    if (fires == null) {
      return null;
    }
    List<String> owed = journaledSources(trigger);
    return owed.isEmpty() ? null : onCallersContext(fires.append(event, owed));
  }

  @Override
  public Future<Void> journalHeld(Trigger trigger, TriggerEvent held) {
    FireJournal fires = journal;
    if (fires == null || journaledSources(trigger).isEmpty()) {
      return null;
    }
    return onCallersContext(fires.hold(held));
  }

  @Override
  public void heldDone(Trigger trigger, List<String> heldIds, boolean released) {
    FireJournal fires = journal;
    if (fires != null) {
      FireJournal.Outcome outcome = released ? FireJournal.Outcome.RELEASED : FireJournal.Outcome.DROPPED;
      heldIds.forEach(heldId -> fires.released(trigger.id(), heldId, outcome));
    }
  }

  /** @return the ids of the sources of {@code trigger} whose fires are journaled */
  private List<String> journaledSources(Trigger trigger) {
    List<String> owed = journaledSources.get(trigger);
    if (owed == null) {
      // not computeIfAbsent: the lookup takes this application's lock, which register() holds while it clears the map
      owed = journaledSourcesOf(trigger);
      journaledSources.put(trigger, owed);
    }
    return owed;
  }

  /** @return completes on the calling thread's context (if any) once {@code forced} has */
  private static Future<Void> onCallersContext(CompletableFuture<Void> forced) {
    Context caller = Vertx.currentContext();
    Promise<Void> written = Promise.promise();
    forced.whenComplete((v, failure) -> {
      if (caller == null) {
        written.handle(failure == null ? Future.succeededFuture() : Future.failedFuture(failure));
      } else {
        // answer (and publish) on the caller's own context, not on the journal's writer thread
        caller.runOnContext(x -> written.handle(failure == null ? Future.succeededFuture() : Future.failedFuture(failure)));
      }
    });
    return written.future();
  }

  private synchronized List<String> journaledSourcesOf(Trigger trigger) {
    return trigger.sources().stream().sorted()
      .map(sources::get)
      .filter(source -> source != null && journals(source))
      .map(TriggerSource::id)
      .toList();
  }

  @Override
  public void fireDone(TriggerSource source, String firing, FireJournal.Outcome outcome) {
    FireJournal fires = journal;
    if (fires != null) {
      fires.complete(source.id(), firing, outcome);
    }
  }

  @Override
  public boolean keepsFireJournal() {
    return journalDir != null;
  }

  /** @return the fire journal, once the application has started with a journal directory */
  @Override
  public Optional<FireJournal> fireJournal() {
    return Optional.ofNullable(journal);
  }

  @Override
  public void fired(Trigger trigger, TriggerEvent event) {
    for (BiConsumer<Trigger, TriggerEvent> listener : fireListeners) {
      listener.accept(trigger, event);
    }
  }

  /**
   * Deploys every registered source and trigger that is not deployed yet: sources first, then
   * triggers. If anything fails, what this call deployed is undeployed again and the future fails.
   */
  public Future<Void> start() {
    return start(Future::succeededFuture);
  }

  /**
   * Like {@link #start()}, running {@code beforeTriggers} once the sources are deployed and before
   * any trigger is: the service binds its HTTP port there, so a port in use fails the start before
   * anything has fired.
   */
  public Future<Void> start(Supplier<Future<?>> beforeTriggers) {
    List<TriggerSource> newSources;
    List<Trigger> newTriggers;
    synchronized (this) {
      if (closing != null) {
        return Future.failedFuture(new IllegalStateException("application is closed"));
      }
      try {
        webhooksByName(true); // refuses two webhooks with one name
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(e);
      }
      newSources = sources.values().stream().filter(s -> !s.isDeployed()).toList();
      newTriggers = triggers.values().stream().filter(t -> !t.isDeployed()).toList();
    }
    List<Deployment> deployed = new ArrayList<>();
    journaledSources.clear();
    return openJournal()
      .compose(recovered -> deployAll(newSources, deployed, sourceDeployments).map(v -> recovered))
      .compose(recovered -> serveForwardedFlow().map(v -> recovered))
      .compose(recovered -> {
        replay(recovered);
        replayHeld();
        return beforeTriggers.get();
      })
      .compose(v -> deployAll(newTriggers, deployed, triggerDeployments))
      .onSuccess(v -> {
        timeSchedulers.start();
        LOG.info("Started {} source(s) and {} trigger(s) on node '{}'", newSources.size(), newTriggers.size(), nodeId);
      })
      // undo what this call started, then fail with the cause of the failure (not undeploy's outcome)
      .recover(failure -> undeploy(deployed).transform(undone -> Future.<Void>failedFuture(failure)));
  }

  /**
   * In a cluster, starts deciding the flow-controlled events other nodes forward for keys this node owns,
   * before this node's triggers fire (and forward theirs); once per application, and only once a trigger
   * has flow control.
   */
  private Future<Void> serveForwardedFlow() {
    MessageConsumer<JsonObject> consumer;
    synchronized (this) {
      if (flowOwners == null || flowForwarded != null
        || triggers.values().stream().allMatch(t -> t.flowControl().isEmpty())) {
        return Future.succeededFuture();
      }
      consumer = FlowForwarding.serve(vertx, flowOwners, this::trigger, this::isClosing);
      flowForwarded = consumer;
    }
    return consumer.completion();
  }

  /**
   * Opens the fire journal at the first start, off the event loop.
   *
   * @return the fires it holds that were accepted and not run before the last stop; empty at later starts
   */
  private Future<List<FireJournal.Recovered>> openJournal() {
    if (journalDir == null || journal != null) {
      return Future.succeededFuture(List.of());
    }
    return vertx.executeBlocking(() -> {
      try {
        FireJournal opened = FireJournal.open(journalDir, journalSegmentBytes);
        journal = opened;
        return opened.recovered();
      } catch (IOException e) {
        throw new IllegalStateException("fire journal " + journalDir.toAbsolutePath() + " cannot be opened: " + e, e);
      }
    });
  }

  /** Hands each recovered fire to its source, with its original firing id, before any trigger fires. */
  private void replay(List<FireJournal.Recovered> recovered) {
    Map<String, TriggerSource> byId;
    synchronized (this) {
      byId = Map.copyOf(sources);
    }
    int gone = 0;
    for (FireJournal.Recovered fire : recovered) {
      TriggerSource source = byId.get(fire.source());
      if (source == null || !source.isDeployed() || !journals(source)) {
        gone++;
        journal.complete(fire.source(), fire.event().firing(), FireJournal.Outcome.DROPPED);
      } else {
        source.replay(fire.event());
      }
    }
    if (gone > 0) {
      LOG.warn("{} fire(s) recovered from the fire journal were for sources no longer configured (or no longer "
        + "journaled) and are dropped", gone);
    }
    if (recovered.size() > gone) {
      LOG.info("Replaying {} accepted fire(s) from the fire journal with their original firing ids", recovered.size() - gone);
    }
  }

  /**
   * Offers each event flow control held before the last stop back to its trigger, in arrival order, after the
   * recovered fires and before any trigger starts; at the first start only (the journal then forgets them).
   */
  private void replayHeld() {
    FireJournal fires = journal;
    List<TriggerEvent> held = fires == null || heldReplayed ? List.of() : fires.recoveredHeld();
    heldReplayed = true;
    int gone = 0;
    for (TriggerEvent event : held) {
      Trigger trigger = trigger(event.trigger()).orElse(null);
      if (trigger == null || journaledSources(trigger).isEmpty()) {
        gone++;
        fires.released(event.trigger(), event.firing(), FireJournal.Outcome.DROPPED);
      } else {
        trigger.replayHeld(event);
      }
    }
    if (gone > 0) {
      LOG.warn("{} event(s) held by flow control, recovered from the fire journal, were for triggers no longer "
        + "configured (or whose sources are no longer journaled) and are dropped", gone);
    }
    if (held.size() > gone) {
      LOG.info("Offering {} event(s) held by flow control before the last stop to their triggers again",
        held.size() - gone);
    }
  }

  /** @throws IllegalArgumentException when two webhook triggers share a name, if {@code strict} */
  private Map<String, WebhookTrigger> webhooksByName(boolean strict) {
    Map<String, WebhookTrigger> byName = new HashMap<>();
    for (Trigger trigger : triggers.values()) {
      if (trigger instanceof WebhookTrigger webhook) {
        WebhookTrigger other = byName.putIfAbsent(webhook.name(), webhook);
        if (other != null && strict) {
          throw new IllegalArgumentException(WebhookTrigger.nameAlreadyUsed(webhook.name(), "trigger '" + other.id() + "'")
            + ", so trigger '" + webhook.id() + "' cannot have it");
        }
      }
    }
    return Map.copyOf(byName);
  }

  /**
   * Deploys {@code verticles} in chunks of {@link #DEPLOYMENT_CHUNK} instances; each chunk that
   * deploys is added to {@code deployed} (this start's, for undoing it) and to {@code registry}.
   */
  private Future<Void> deployAll(List<? extends VerticleBase> verticles, List<Deployment> deployed,
                                 List<Deployment> registry) {
    if (verticles.isEmpty()) {
      return Future.succeededFuture();
    }
    // a million deployVerticle calls take seconds: issue them on a worker thread, so that a start
    // continuing on an event loop (after the sources, or called from a verticle) never blocks that loop
    return vertx.executeBlocking(() -> {
      List<Future<String>> all = new ArrayList<>();
      for (int from = 0; from < verticles.size(); from += DEPLOYMENT_CHUNK) {
        List<? extends VerticleBase> chunk = verticles.subList(from, Math.min(verticles.size(), from + DEPLOYMENT_CHUNK));
        Iterator<? extends VerticleBase> next = chunk.iterator();
        DeploymentOptions options = optionsFor(chunk.get(0)).setInstances(chunk.size());
        all.add(vertx.deployVerticle(next::next, options).onSuccess(id -> {
          Deployment deployment = new Deployment(chunk, id);
          synchronized (this) {
            deployed.add(deployment);
            registry.add(deployment);
          }
        }));
      }
      return all;
    }).compose(all -> Future.join(all).mapEmpty()); // join: every chunk has settled before a failure is undone
  }

  private DeploymentOptions optionsFor(VerticleBase verticle) {
    if (verticle instanceof TriggerSource) {
      // one pool for every source, sized once: a thread per source would cost thousands of threads
      // for thousands of sources. Cycles run unordered on it, so a source's own context stays free
      // to take (and merge) fires while its cycle runs.
      return new DeploymentOptions()
        .setThreadingModel(ThreadingModel.WORKER)
        .setWorkerPoolName(SOURCE_POOL)
        .setWorkerPoolSize(sourceThreads)
        .setMaxWorkerExecuteTime(1)
        .setMaxWorkerExecuteTimeUnit(TimeUnit.HOURS);
    }
    return new DeploymentOptions();
  }

  private Future<Void> undeploy(List<Deployment> deployments) {
    List<Future<Void>> undeployed = new ArrayList<>();
    synchronized (this) {
      for (Deployment deployment : List.copyOf(deployments)) {
        if (triggerDeployments.remove(deployment) | sourceDeployments.remove(deployment)) {
          undeployed.add(vertx.undeploy(deployment.id()));
        }
      }
    }
    return Future.all(undeployed).mapEmpty();
  }

  /**
   * Stops triggers, waits up to the shutdown grace for running cycles, closes sinks and HTTP
   * servers, then closes Vert.x if this application created it. Safe to call more than once.
   */
  public synchronized Future<Void> close() {
    if (closing != null) {
      return closing;
    }
    beginClosing();
    List<Deployment> allTriggers = List.copyOf(triggerDeployments);
    List<Deployment> allSourceDeployments = List.copyOf(sourceDeployments);
    List<TriggerSource> allSources = List.copyOf(sources.values());
    List<Pipeline> allPipelines = List.copyOf(pipelines.values());
    List<HttpServer> allServers = List.copyOf(servers);
    // other nodes decide the keys this node owned from now on (they start them afresh). No context: the
    // chain below ends after Vert.x is closed, when no event loop of it is left to run a listener
    Promise<Void> forwardedStopped = Promise.promise();
    if (flowForwarded == null) {
      forwardedStopped.complete();
    } else {
      flowForwarded.unregister().onComplete(ar -> forwardedStopped.complete());
    }
    closing = forwardedStopped.future().eventually(() -> Future.all(allServers.stream().map(HttpServer::close).toList()))
      .eventually(() -> undeploy(allTriggers))
      .eventually(timeSchedulers::stop)
      .eventually(() -> withinGrace(undeploy(allSourceDeployments), allSources))
      // before the pipelines: a cycle the grace cut short then fails on a closed pipeline without being
      // recorded as done, and runs again at the next start
      .eventually(this::closeJournal)
      .eventually(() -> Future.all(allPipelines.stream().map(Pipeline::close).toList()))
      .eventually(() -> ownsVertx ? vertx.close() : Future.succeededFuture())
      .mapEmpty();
    return closing;
  }

  /** Writes the last completions; fires still owed stay in the journal and run at the next start. */
  private Future<Void> closeJournal() {
    FireJournal fires = journal;
    return fires == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      fires.close();
      return null;
    });
  }

  private Future<Void> withinGrace(Future<Void> sourcesStopped, List<TriggerSource> allSources) {
    return Future.any(sourcesStopped, vertx.timer(shutdownGrace.toMillis()))
      .compose(v -> sourcesStopped.isComplete() ? countLate(allSources) : countUnfinished(allSources))
      .mapEmpty();
  }

  /** All stopped within the grace: only fires that reached a source after its stop began are lost. */
  private Future<Void> countLate(List<TriggerSource> allSources) {
    long late = allSources.stream().mapToLong(TriggerSource::firesAfterStop).sum();
    if (late > 0) {
      unfinishedAtClose = late;
      LOG.warn("{} accepted fires reached their source after it began to stop and were not run", late);
    }
    return Future.succeededFuture();
  }

  /** The grace ran out: counts, and logs in one line, the accepted fires that will not run. */
  private Future<Void> countUnfinished(List<TriggerSource> allSources) {
    Future<Integer> total = Future.all(allSources.stream().map(TriggerSource::unfinishedFires).toList())
      .map(all -> all.<Integer>list().stream().mapToInt(Integer::intValue).sum());
    return Future.any(total, vertx.timer(1000)).map(v -> {
      long unfinished = total.isComplete() && total.succeeded() ? total.result() : -1;
      unfinishedAtClose = Math.max(unfinished, 0);
      LOG.warn("Shutdown grace of {} ran out: {} accepted fires not run (pending, or cycles cut short); closing anyway",
        shutdownGrace, unfinished < 0 ? "an unknown number of" : unfinished);
      return null;
    });
  }

  /**
   * Marks the beginning of shutdown, before {@link #close()} stops anything (a cluster leaving first
   * calls it early): webhooks and manual fires are refused with 503 from now on.
   */
  public void beginClosing() {
    refusingFires = true;
  }

  /** @return whether shutdown has begun ({@link #beginClosing()} or {@link #close()}) */
  @Override
  public boolean isClosing() {
    return refusingFires;
  }

  /** @return the accepted fires that had not run when the shutdown grace ran out; 0 if it did not */
  public long unfinishedAtClose() {
    return unfinishedAtClose;
  }

  private static String defaultNodeId() {
    String host = System.getenv("HOSTNAME");
    return host == null || host.isBlank() ? "node-" + ProcessHandle.current().pid() : host;
  }

  /** Options of a {@link PumpApplication}. */
  public static final class Builder {
    private Vertx vertx;
    private boolean closeVertx;
    private InstantSource clock = InstantSource.system();
    private String nodeId;
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private long maxBodyBytes = 1024 * 1024;
    private SlotLedger slotLedger = SlotLedger.inMemory();
    private FlowOwners flowOwners;
    private BooleanSupplier clusterQuorum = () -> true;
    private int sourceThreads = 20;
    private Path journalDir;
    private long journalSegmentBytes = FireJournal.DEFAULT_SEGMENT_BYTES;

    private Builder() {
    }

    /** Run inside this Vert.x instance instead of creating one; it is not closed with the application. */
    public Builder vertx(Vertx vertx) {
      return vertx(vertx, false);
    }

    /**
     * Run inside this Vert.x instance.
     *
     * @param closeWithApplication whether {@link PumpApplication#close()} closes it too (the service
     *     creates a clustered or metrics-enabled Vert.x and hands it over)
     */
    public Builder vertx(Vertx vertx, boolean closeWithApplication) {
      this.vertx = Objects.requireNonNull(vertx, "vertx");
      this.closeVertx = closeWithApplication;
      return this;
    }

    /** The clock every time decision is taken from; tests inject a settable one. */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The node name written into trigger events; defaults to $HOSTNAME. */
    public Builder nodeId(String nodeId) {
      this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
      return this;
    }

    /** How long {@link PumpApplication#close()} waits for running cycles; 10 s by default. */
    public Builder shutdownGrace(Duration shutdownGrace) {
      if (shutdownGrace.isNegative()) {
        throw new IllegalArgumentException("shutdownGrace must not be negative, got " + shutdownGrace);
      }
      this.shutdownGrace = shutdownGrace;
      return this;
    }

    /** Webhook bodies larger than this are refused with 413; 1 MiB by default. */
    public Builder maxBodyBytes(long maxBodyBytes) {
      if (maxBodyBytes < 0) {
        throw new IllegalArgumentException("maxBodyBytes must be >= 0, got " + maxBodyBytes);
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * Where time triggers claim slots and keep their last fired slot: in memory by default, a
     * {@code FileSlotLedger} to catch up across restarts, a cluster ledger for cluster-once firing.
     */
    public Builder slotLedger(SlotLedger slotLedger) {
      this.slotLedger = Objects.requireNonNull(slotLedger, "slotLedger");
      return this;
    }

    /**
     * In a cluster, which node decides the flow control of a key ({@code HazelcastFlowOwners}): events for a
     * key another node owns are forwarded to it. None by default: every node decides alone.
     */
    public Builder flowOwners(FlowOwners flowOwners) {
      this.flowOwners = Objects.requireNonNull(flowOwners, "flowOwners");
      return this;
    }

    /**
     * In a cluster, whether this node sees the cluster's quorum now ({@code ClusterQuorum::present}): a signed
     * webhook delivery is accepted only if the quorum is still there after it was written to the cluster's
     * replay window, like a slot claim. None by default: only the replay window map's own protection
     * (Hazelcast's split-brain protection, set up by {@code ClusterSetup}) refuses a node without a quorum.
     */
    public Builder clusterQuorum(BooleanSupplier present) {
      this.clusterQuorum = Objects.requireNonNull(present, "present");
      return this;
    }

    /**
     * Threads of the worker pool shared by all sources ({@code pump-sources}): how many
     * cycles can run at once across the application, plus the short tasks that take fires. 20 by
     * default, like Vert.x's own worker pool.
     */
    public Builder sourceThreads(int sourceThreads) {
      if (sourceThreads < 2) {
        throw new IllegalArgumentException("sourceThreads must be at least 2, got " + sourceThreads);
      }
      this.sourceThreads = sourceThreads;
      return this;
    }

    /**
     * Keeps a fire journal in {@code dir} (the service: {@code <dataDir>/journal}): fires accepted
     * for pipelines with {@link Durability#JOURNAL} (the default) are on disk before they are
     * answered, and those not run at a crash run at the next start. Without it, no fire is journaled.
     */
    public Builder fireJournal(Path dir) {
      return fireJournal(dir, FireJournal.DEFAULT_SEGMENT_BYTES);
    }

    /** Like {@link #fireJournal(Path)}, with segment files closed (and deleted once done) past {@code segmentBytes}. */
    public Builder fireJournal(Path dir, long segmentBytes) {
      if (segmentBytes < 1) {
        throw new IllegalArgumentException("segmentBytes must be at least 1, got " + segmentBytes);
      }
      this.journalDir = Objects.requireNonNull(dir, "dir");
      this.journalSegmentBytes = segmentBytes;
      return this;
    }

    public PumpApplication build() {
      return new PumpApplication(this);
    }
  }
}
