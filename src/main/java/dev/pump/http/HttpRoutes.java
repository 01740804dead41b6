package dev.pump.http;

import dev.pump.trigger.WebhookTrigger;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one place where routes are mounted. Every application's router starts with JSON errors and the webhooks
 * ({@link #applicationRouter}); the service adds the rest ({@link #mountService}), which an embedding application
 * gets with {@code dev.pump.PumpRoutes}. Everything under {@code /api} is one sub-router ({@link ApiRouter}) with
 * its auth first and its failure handler.
 * <pre>
 * POST /webhooks/{name}                       WebhookRoutes
 * /api/*  (ApiAuth, then)                     ApiRouter
 *   /triggers..., /pipelines...               ManagementApi, BackfillRoutes
 *   /cron/next, /cron/describe                CronRoutes
 *   /cluster                                  ClusterRoutes
 *   /stream                                   DashboardRoutes
 * /, /ui/*                                    DashboardRoutes
 * /health, /health/live, /health/ready        HealthRoutes
 * /metrics                                    PumpMetrics
 * /openapi.json                               OpenApiRoutes
 * </pre>
 */
public final class HttpRoutes {

  /** The body limit of {@code /api} POSTs when none is given: 1 MiB, as {@code http.maxBodyBytes}. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  private HttpRoutes() {
  }

  /**
   * The router of every application: JSON errors and {@code POST /webhooks/{name}}.
   *
   * @param webhooks finds the webhook trigger of a name
   * @param maxBodyBytes webhook bodies larger than this are refused with 413
   * @param closing while it says so, webhooks are refused with 503 and {@code Retry-After}
   * @param sharedReplays clustered: the one replay window of every node; {@code null} for this node's own
   */
  public static Router applicationRouter(Vertx vertx, Function<String, Optional<WebhookTrigger>> webhooks,
                                         long maxBodyBytes, BooleanSupplier closing,
                                         SharedReplayWindow sharedReplays) {
    Router router = Router.router(Objects.requireNonNull(vertx, "vertx"));
    HttpErrors.install(router);
    WebhookRoutes.mount(router, webhooks, maxBodyBytes, closing, sharedReplays);
    return router;
  }

  /**
   * Mounts the service's routes on {@code root}, an {@link #applicationRouter}.
   *
   * @param auth who {@code /api/*} answers
   * @param maxBodyBytes bodies of {@code /api} POSTs larger than this are refused with 413
   * @param firings what the API and the dashboard show of the last firings; the caller starts it
   * @param registry where {@code /metrics} reads; {@code null}: the registry of a Vert.x made with
   *     {@link PumpMetrics#withPrometheus}, looked up at each request (503 without one)
   * @param clusterState the state of {@code GET /api/cluster} and the {@code cluster} health check, asked on
   *     the event loop; {@code null} when not clustered
   */
  public static void mountService(Router root, Vertx vertx, PumpView view, ApiAuth auth, long maxBodyBytes,
                                  FiringLog firings, PrometheusMeterRegistry registry,
                                  Supplier<JsonObject> clusterState) {
    if (registry != null) {
      PumpMetrics.mountScrape(root, registry);
    } else {
      PumpMetrics.mountScrape(root);
    }
    Router api = ApiRouter.mount(root, vertx, auth);
    ManagementApi.mount(api, view, maxBodyBytes, firings);
    ClusterRoutes.mount(api, clusterState != null ? clusterState : () -> ClusterRoutes.notClustered(view.nodeId()));
    DashboardRoutes.mount(root, api, vertx, view, auth, firings,
      clusterState == null ? null : () -> clusterState.get().getJsonArray("members"));
    HealthRoutes.mount(root, vertx, view, clusterState);
    OpenApiRoutes.mount(root);
  }
}
