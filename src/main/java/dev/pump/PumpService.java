package dev.pump;

import dev.pump.config.InvalidConfigException;
import dev.pump.config.PumpAssembler;
import dev.pump.config.PumpConfig;
import dev.pump.http.ApiAuth;
import dev.pump.http.HealthRoutes;
import dev.pump.http.ManagementApi;
import dev.pump.http.PumpMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
   * @return the running service; fails with {@link InvalidConfigException} when the configuration
   *     cannot be used by this build (before anything is created) or a user class's constructor fails
   */
  public static Future<PumpService> start(PumpConfig config) {
    Objects.requireNonNull(config, "config");
    if (config.cluster().enabled()) {
      return Future.failedFuture(new InvalidConfigException(List.of(
        "cluster.enabled: clustering is not available in this version yet; set it to false")));
    }
    // a registry name of its own: several services in one JVM (tests) must not share meters
    String registryName = "vertx-pump-" + REGISTRIES.incrementAndGet();
    Vertx vertx = Vertx.vertx(PumpMetrics.withPrometheus(new VertxOptions(), registryName));
    PumpApplication app;
    try {
      app = PumpAssembler.assemble(config, PumpApplication.builder().vertx(vertx, true)
        .slotLedger(new FileSlotLedger(vertx, config.dataDir().resolve("slots"))));
    } catch (RuntimeException e) {
      // assemble closed what it built; this waits until Vert.x is gone too
      return vertx.close().transform(ar -> Future.failedFuture(e));
    }
    try {
      wireHttpAndMetrics(config, app, registryName);
    } catch (RuntimeException e) {
      return app.close().transform(ar -> Future.failedFuture(e));
    }
    String host = config.http().host();
    AtomicInteger boundPort = new AtomicInteger();
    // listen once the sources consume and before triggers fire: a busy port fails the start early
    return app.start(() -> app.listen(config.http().port(), host)
        .onSuccess(server -> boundPort.set(server.actualPort()))
        .recover(failure -> Future.failedFuture(new IllegalStateException("cannot listen on " + host
          + ":" + config.http().port() + ": " + failure.getMessage(), failure))))
      .map(v -> {
        PumpService service = new PumpService(config, app, boundPort.get());
        LOG.info("vertx-pump listening on http://{}:{}", host, service.port);
        return service;
      })
      .recover(failure -> app.close().transform(ar -> Future.failedFuture(failure)));
  }

  private static void wireHttpAndMetrics(PumpConfig config, PumpApplication app, String registryName) {
    PrometheusMeterRegistry registry = PumpMetrics.prometheusRegistry(registryName)
      .orElseThrow(() -> new IllegalStateException("Vert.x started without its Prometheus registry '"
        + registryName + "': is vertx-micrometer-metrics on the class path?"));
    PumpMetrics metrics = new PumpMetrics(registry, app);
    app.onFire(metrics::onFire);
    app.onCycle((source, took, failed) -> metrics.onCycle(source.id(), source.pipeline().id(), took, failed));
    metrics.bindPipelines();
    ManagementApi.mount(app.router(), app, ApiAuth.create(config.http().apiToken()), config.http().maxBodyBytes());
    HealthRoutes.mount(app.router(), app.vertx(), app);
    PumpMetrics.mountScrape(app.router(), registry);
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
    return app.close().andThen(ar -> closed.countDown());
  }

  /**
   * Closes the service when the JVM is asked to stop (SIGTERM, SIGINT), from the shutdown hook's own
   * thread, never an event loop; then ends the process with status 0 instead of the signal's
   * 128 + n, since the stop was orderly.
   */
  void closeOnShutdown() {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
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
