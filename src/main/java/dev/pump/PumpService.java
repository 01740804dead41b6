package dev.pump;

import dev.pump.cluster.ClusterMembers;
import dev.pump.cluster.ClusterQuorum;
import dev.pump.cluster.ClusterSetup;
import dev.pump.cluster.ClusterSlotLedger;
import dev.pump.cluster.HazelcastFlowOwners;
import dev.pump.config.ClusterConfig;
import dev.pump.config.InvalidConfigException;
import dev.pump.config.PumpAssembler;
import dev.pump.config.PumpConfig;
import dev.pump.http.ApiAuth;
import dev.pump.http.FiringLog;
import dev.pump.http.PumpMetrics;
import dev.pump.trigger.FlowOwners;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.cluster.ClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The service an operator runs: a {@link PumpApplication} built from a {@link PumpConfig}, on a
 * Vert.x instance with Prometheus metrics, serving webhooks, {@code /api/*}, {@code /health} and
 * {@code /metrics} on {@code http.host:http.port}.
 * <pre>{@code
 * PumpService service = PumpService.start(config).await();   // what `run` does, minus the signals
 * ... service.port() ...                                     // http.port 0 picks a free port
 * service.close().await();
 * }</pre>
 */
public final class PumpService {

  private static final Logger LOG = LoggerFactory.getLogger(PumpService.class);
  private static final AtomicInteger REGISTRIES = new AtomicInteger();
  /** On top of shutdownGrace: time for sinks to flush and Vert.x to close before the process gives up. */
  private static final Duration CLOSE_MARGIN = Duration.ofSeconds(15);

  private final PumpConfig config;
  private final PumpApplication app;
  private final int port;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Clustering clustering;

  private PumpService(PumpConfig config, PumpApplication app, int port) {
    this.config = config;
    this.app = app;
    this.port = port;
  }

  /**
   * Creates Vert.x with metrics, builds the application, mounts the HTTP routes, starts every source
   * and trigger and listens. If anything fails after Vert.x exists, everything started is closed
   * again, Vert.x included, and the future fails.
   *
   * <p>With {@code cluster.enabled}, Vert.x is clustered with the Hazelcast manager of
   * {@link ClusterSetup#hazelcast}: node id {@code cluster.nodeName} (default {@code host:port}), slots
   * claimed in a {@link ClusterSlotLedger}, {@code GET /api/cluster} and a {@code cluster} health check.
   *
   * @return the running service; fails with {@link InvalidConfigException} when the configuration
   *     cannot be used by this build (before anything is created) or a user class's constructor fails
   */
  public static Future<PumpService> start(PumpConfig config) {
    return start(config, null);
  }

  /**
   * Like {@link #start(PumpConfig)}, clustered with {@code clusterManager} (an embedding application's
   * own) instead of the Hazelcast manager built from {@code cluster.*}; {@code cluster.host} still
   * places the event bus, {@code cluster.nodeName} and {@code cluster.takeoverWindow} still apply.
   *
   * @param clusterManager {@code null}: clustered only when {@code cluster.enabled}, with Hazelcast
   */
  public static Future<PumpService> start(PumpConfig config, ClusterManager clusterManager) {
    Objects.requireNonNull(config, "config");
    Parts parts = new Parts();
    // no context: this promise is completed after Vert.x is closed, when no event loop is left to run a listener
    Promise<PumpService> started = Promise.promise();
    Future<PumpService> attempt;
    try {
      attempt = startParts(config, clusterManager, parts);
    } catch (RuntimeException e) {
      attempt = Future.failedFuture(e);
    }
    attempt.onComplete(ar -> {
      if (ar.succeeded()) {
        started.complete(ar.result());
      } else {
        parts.undo(ar.cause(), started, config.shutdownGrace().plus(CLOSE_MARGIN));
      }
    });
    return started.future();
  }

  /**
   * What a start has created so far, for {@link #undo}: a failed start closes it, the last thing it
   * does, from a thread of its own (closing Vert.x from its own event loop would leave no thread to
   * say the close is done).
   */
  private static final class Parts {
    volatile Vertx vertx;
    volatile PumpApplication app;
    volatile Clustering clustering;

    void undo(Throwable failure, Promise<PumpService> started, Duration patience) {
      Thread undo = new Thread(() -> {
        try {
          Future<Void> left = clustering == null ? Future.succeededFuture() : clustering.leave();
          Future<Void> closed = left.eventually(() -> app != null ? app.close()
            : vertx != null ? vertx.close() : Future.succeededFuture());
          closed.toCompletionStage().toCompletableFuture().get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          LOG.warn("A failed start did not close cleanly: {}", e.toString());
        } finally {
          started.fail(failure);
        }
      }, "vertx-pump-start-undo");
      undo.start();
    }
  }

  private static Future<PumpService> startParts(PumpConfig config, ClusterManager clusterManager, Parts parts) {
    // a registry name of its own: several services in one JVM (tests) must not share meters
    String registryName = "vertx-pump-" + REGISTRIES.incrementAndGet();
    VertxOptions options = PumpMetrics.withPrometheus(new VertxOptions(), registryName);
    // a registry made before Vert.x, so that the JVM meters Vert.x binds get names promtool accepts
    VertxMetricsFactory metrics = PumpMetrics.newPrometheusMetricsFactory();
    ClusterConfig cluster = config.cluster();
    if (!cluster.enabled() && clusterManager == null) {
      parts.vertx = Vertx.builder().with(options).withMetrics(metrics).build();
      return startOn(config, parts, registryName);
    }
    ClusterManager manager;
    int quorum;
    try {
      quorum = cluster.quorum() != null ? cluster.quorum()
        : ClusterSetup.defaultQuorum(cluster.host(), cluster.port(), cluster.members());
      manager = clusterManager != null ? clusterManager
        : ClusterSetup.hazelcast(cluster.name(), cluster.host(), cluster.port(), cluster.members(), quorum);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new InvalidConfigException(List.of("cluster.host: " + e.getMessage())));
    }
    String where = "'" + cluster.name() + "' as " + cluster.host() + ":" + cluster.port();
    LOG.info("Joining cluster {} (members {})", where, cluster.members());
    return Vertx.builder().with(ClusterSetup.eventBusOn(options, cluster.host())).withMetrics(metrics)
      .withClusterManager(manager)
      .buildClustered()
      .recover(failure -> Future.failedFuture(new IllegalStateException("cannot join cluster " + where + ": "
        + failure.getMessage(), failure)))
      .compose(vertx -> {
        parts.vertx = vertx;
        ClusterQuorum clusterQuorum = new ClusterQuorum(manager, quorum);
        Clustering clustering = new Clustering(cluster.nodeId(),
          new ClusterSlotLedger(vertx, manager, cluster.nodeId(), cluster.takeoverWindow(), clusterQuorum),
          new ClusterMembers(vertx, manager, cluster.name(), cluster.nodeId(), cluster.host() + ":" + cluster.port(),
            clusterQuorum), clusterQuorum, HazelcastFlowOwners.of(manager));
        parts.clustering = clustering;
        LOG.info("Joined cluster {} as node '{}' with {} member(s); quorum {}", where, cluster.nodeId(),
          clustering.members().members().size(), quorum);
        clusterQuorum.watch(vertx);
        return clustering.members().start().recover(e -> Future.succeededFuture())
          .compose(v -> startOn(config, parts, registryName))
          .map(service -> {
            service.clustering = clustering;
            return service;
          });
      });
  }

  /** The parts of a clustered service; {@link #leave()} before the application closes. */
  /** @param flowOwners who decides a flow-control key; empty with another cluster manager than Hazelcast */
  private record Clustering(String nodeId, ClusterSlotLedger ledger, ClusterMembers members, ClusterQuorum quorum,
                            Optional<FlowOwners> flowOwners) {
    /** From here on this node takes no slot over: it is going away. */
    Future<Void> leave() {
      quorum.stop();
      return ledger.close().eventually(members::stop);
    }
  }

  private static Future<PumpService> startOn(PumpConfig config, Parts parts, String registryName) {
    // slots and default file sinks are written there at the first fire: find out now, not then
    return requireWritable(parts.vertx, config.dataDir())
      .compose(v -> assembleAndStart(config, parts, registryName));
  }

  /** Creates {@code dataDir} if needed and writes (then deletes) a file in it. */
  static Future<Void> requireWritable(Vertx vertx, Path dataDir) {
    FileSystem fs = vertx.fileSystem();
    String dir = dataDir.toString();
    return fs.mkdirs(dir)
      .compose(v -> fs.createTempFile(dir, ".pump-write-check-", ".tmp", (String) null))
      .compose(fs::delete)
      .recover(failure -> Future.failedFuture(new IllegalStateException("dataDir " + dataDir.toAbsolutePath()
        + " is not writable: " + fileProblem(failure, dir), failure)));
  }

  private static String fileProblem(Throwable failure, String dataDir) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (cause instanceof FileAlreadyExistsException e) {
      return e.getFile() + " exists and is not a folder";
    }
    if (cause instanceof AccessDeniedException e) {
      return "permission denied on " + e.getFile();
    }
    if (cause instanceof java.nio.file.FileSystemException e && e.getReason() != null) {
      return dataDir.equals(e.getFile()) ? e.getReason() : e.getFile() + ": " + e.getReason();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  private static Future<PumpService> assembleAndStart(PumpConfig config, Parts parts, String registryName) {
    Vertx vertx = parts.vertx;
    Clustering clustering = parts.clustering;
    PumpApplication.Builder builder = PumpApplication.builder().vertx(vertx, true)
      .fireJournal(config.dataDir().resolve("journal"));
    if (clustering == null) {
      builder.slotLedger(new FileSlotLedger(vertx, config.dataDir().resolve("slots")));
    } else {
      builder.nodeId(clustering.nodeId()).slotLedger(clustering.ledger()).clusterQuorum(clustering.quorum()::present);
      // the key's owner decides its flow control; another cluster manager than Hazelcast: each node alone
      clustering.flowOwners().ifPresentOrElse(builder::flowOwners, () -> LOG.warn(
        "The cluster manager is not Hazelcast: flow control (flow:) of event triggers is decided per node"));
    }
    PumpApplication app = PumpAssembler.assemble(config, builder);
    parts.app = app;
    FiringLog firings = wireHttpAndMetrics(config, app, registryName,
      clustering == null ? null : clustering.members()::snapshot);
    String host = config.http().host();
    AtomicInteger boundPort = new AtomicInteger();
    // listen once the sources consume and before triggers fire: a busy port fails the start early
    // the firing log listens before any trigger can fire, so run-once and catch-up fires are in it
    return firings.start().compose(v -> app.start(() -> app.listen(config.http().serverOptions())
        .onSuccess(server -> boundPort.set(server.actualPort()))
        .recover(failure -> Future.failedFuture(listenFailure(host, config.http().port(), failure)))))
      .map(v -> {
        PumpService service = new PumpService(config, app, boundPort.get());
        LOG.info("vertx-pump listening on http://{}:{}", host, service.port);
        return service;
      });
  }

  private static IllegalStateException listenFailure(String host, int port, Throwable failure) {
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    // java.net.BindException with NIO; Netty's native transports say the same in an IOException of their own
    if (message.contains("Address already in use")) {
      return new IllegalStateException("port " + port + " on " + host + " is in use", failure);
    }
    return new IllegalStateException("cannot listen on " + host + ":" + port + ": " + message, failure);
  }

  /**
   * Mounts every route ({@link PumpRoutes}): webhooks (already on the router), {@code /api/*}, the dashboard, health,
   * cluster state and metrics.
   *
   * @param clusterState {@code null} when not clustered
   * @return the firing log the API and the dashboard read, not started yet
   */
  private static FiringLog wireHttpAndMetrics(PumpConfig config, PumpApplication app, String registryName,
                                              Supplier<JsonObject> clusterState) {
    PrometheusMeterRegistry registry = PumpMetrics.prometheusRegistry(registryName)
      .orElseThrow(() -> new IllegalStateException("Vert.x started without its Prometheus registry '"
        + registryName + "': is vertx-micrometer-metrics on the class path?"));
    return PumpRoutes.mount(app, ApiAuth.create(config.http().apiToken()), config.http().maxBodyBytes(), registry,
      clusterState);
  }

  /** @return the port the HTTP server listens on; the one picked when {@code http.port} is 0 */
  public int port() {
    return port;
  }

  public PumpApplication app() {
    return app;
  }

  public PumpConfig config() {
    return config;
  }

  /**
   * Stops triggers first, lets running cycles finish within {@code shutdownGrace}, flushes and
   * closes sinks, stops the HTTP server and closes Vert.x. Safe to call more than once.
   */
  public Future<Void> close() {
    app.beginClosing();  // refuse fires at once: leaving the cluster takes a while
    Clustering leaving = clustering;
    Future<Void> first = leaving == null ? Future.succeededFuture() : leaving.leave();
    return first.eventually(app::close).andThen(ar -> closed.countDown());
  }

  /**
   * Closes the service when the JVM is asked to stop (SIGTERM, SIGINT), from the shutdown hook's own
   * thread, never an event loop; then ends the process with status 0 instead of the signal's
   * 128 + n, since the stop was orderly.
   */
  void closeOnShutdown() {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.beginClosing();  // before the line below: whoever reads it knows fires are refused
      LOG.info("Stopping: triggers first, then up to {} ms for running cycles", config.shutdownGrace().toMillis());
      int status = 0;
      try {
        close().toCompletionStage().toCompletableFuture()
          .get(config.shutdownGrace().plus(CLOSE_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("vertx-pump stopped");
      } catch (Exception e) {
        LOG.error("vertx-pump did not stop cleanly", e);
        status = 1;
      }
      Runtime.getRuntime().halt(status);
    }, "vertx-pump-shutdown"));
  }

  /** Blocks the calling thread until {@link #close()} has finished. */
  void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /** @return the HTTP server's address, e.g. {@code http://127.0.0.1:8080} */
  public String baseUrl() {
    return "http://" + config.http().host() + ":" + port;
  }

  @Override
  public String toString() {
    return "vertx-pump on " + baseUrl();
  }
}
