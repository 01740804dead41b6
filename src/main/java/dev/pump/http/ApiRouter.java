package dev.pump.http;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

import java.util.Objects;

/**
 * The {@code /api} sub-router: {@link ApiAuth} first, for every route under it (the dashboard's event stream
 * included, which alone may also take the token as {@code ?access_token=}, see
 * {@link ApiAuth#acceptingQueryTokenOn}), then the routes, and one failure handler that answers every failure in
 * JSON ({@link HttpErrors#failure}). An unauthorised caller learns nothing, not even whether a route exists; a
 * path no route matches falls through to the root router's JSON 404.
 * <pre>{@code
 * Router api = ApiRouter.mount(root, vertx, auth);
 * ManagementApi.mount(api, view);                    // paths relative to /api: "/triggers", ...
 * }</pre>
 */
final class ApiRouter {

  /** Where the sub-router is mounted. */
  static final String PREFIX = "/api";

  private ApiRouter() {
  }

  /**
   * Creates the sub-router and mounts it on {@code root} under {@code /api/*}.
   *
   * @param auth decides who is answered, before any route
   * @return the sub-router, to add routes to with paths relative to {@code /api}
   */
  static Router mount(Router root, Vertx vertx, ApiAuth auth) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(auth, "auth");
    Router api = Router.router(Objects.requireNonNull(vertx, "vertx"));
    api.route().handler(auth.acceptingQueryTokenOn(DashboardRoutes.STREAM_PATH));
    api.route().failureHandler(HttpErrors::failure);
    root.route(PREFIX + "/*").subRouter(api);
    return api;
  }
}
