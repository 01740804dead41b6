package dev.pump;

import dev.pump.cluster.ClusterSetup;
import dev.pump.http.ApiAuth;
import dev.pump.http.FiringLog;
import dev.pump.http.HttpRoutes;
import dev.pump.http.PumpMetrics;
import dev.pump.http.SharedReplayWindow;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the service serves besides webhooks -- {@code /api/*}, the dashboard ({@code /}, {@code /ui/},
 * {@code /api/stream}), {@code /health*}, {@code /metrics} and {@code /openapi.json} -- for an application that
 * embeds vertx-pump and wants them too. A {@link PumpApplication} serves only {@code POST /webhooks/{name}} (and what custom
 * triggers add); the service ({@link PumpService}) mounts these routes with this class.
 * <pre>{@code
 * PumpApplication app = PumpApplication.create(vertx);
 * ... sources, triggers ...
 * PumpRoutes.mount(app).await();                     // before app.start(): the dashboard sees every firing
 * app.start().await();
 * myRouter.route("/*").subRouter(app.router());      // after your own routes; or app.listen(port, host)
 * }</pre>
 * Routes are added to {@link PumpApplication#router()}, whose errors are JSON. Call once per application.
 *
 * <p>The routes themselves are mounted in one place, {@link HttpRoutes}: the application's own (JSON errors,
 * webhooks) when it is built, the service's from here.
 */
public final class PumpRoutes {

  private PumpRoutes() {
  }

  /**
   * Mounts the routes with {@code /api/*} answering loopback callers only, and {@code /metrics} from the
   * Prometheus registry of a Vert.x created with {@link PumpMetrics#withPrometheus(VertxOptions)} (503
   * without one).
   *
   * @return completes when the firing log the API and the dashboard read is listening
   */
  public static Future<Void> mount(PumpApplication app) {
    return mount(app, "", PumpMetrics.prometheusRegistry().orElse(null));
  }

  /**
   * Mounts the routes.
   *
   * @param apiToken empty: {@code /api/*} answers loopback callers only; otherwise every caller must send
   *     {@code Authorization: Bearer <apiToken>}
   * @param registry where {@code /metrics} reads and the pump's meters go; {@code null}: {@code /metrics}
   *     answers 503 unless Vert.x was created with {@link PumpMetrics#withPrometheus(VertxOptions)}
   * @return completes when the firing log the API and the dashboard read is listening
   */
  public static Future<Void> mount(PumpApplication app, String apiToken, PrometheusMeterRegistry registry) {
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(apiToken, "apiToken");
    return mount(app, ApiAuth.create(apiToken), HttpRoutes.DEFAULT_MAX_BODY_BYTES, registry, null).start();
  }

  /**
   * The router of every {@link PumpApplication}, made when it is built: see {@link HttpRoutes#applicationRouter}.
   *
   * @param clusterQuorum clustered: whether this node sees the quorum, asked after each write to the replay window
   */
  static Router applicationRouter(PumpApplication app, long maxBodyBytes, BooleanSupplier clusterQuorum) {
    // clustered: one replay window for every node, so a delivery accepted here is a replay everywhere
    return HttpRoutes.applicationRouter(app.vertx(), app::webhook, maxBodyBytes, app::isClosing,
      app.vertx().isClustered()
        ? new SharedReplayWindow(app.vertx(), app.nodeId(), ClusterSetup.DELIVERIES_MAP, clusterQuorum) : null);
  }

  /**
   * The service's wiring: as above with a body limit and, when clustered, the cluster's state.
   *
   * @param clusterState {@code null} when not clustered
   * @return the firing log, not started yet
   */
  static FiringLog mount(PumpApplication app, ApiAuth auth, long maxBodyBytes, PrometheusMeterRegistry registry,
                         Supplier<JsonObject> clusterState) {
    if (registry != null) {
      PumpMetrics metrics = new PumpMetrics(registry, app);
      app.onFire(metrics::onFire);
      app.onCycle((source, event, took, failed) -> metrics.onCycle(source.id(), source.pipeline().id(), took, failed));
      metrics.bindPipelines();
      metrics.bindBuildInfo(BuildInfo.version());
      if (clusterState != null) {
        metrics.bindCluster(clusterState);
      }
    }
    FiringLog firings = new FiringLog(app.vertx(), app, FiringLog.DEFAULT_CAPACITY);
    app.onCycle((source, event, took, failed) -> firings.recordOutcome(event.firing(), failed ? "failed" : "ran"));
    HttpRoutes.mountService(app.router(), app.vertx(), app, auth, maxBodyBytes, firings, registry, clusterState);
    return firings;
  }
}
