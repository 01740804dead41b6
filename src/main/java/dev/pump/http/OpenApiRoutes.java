package dev.pump.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 document of every route the service serves (webhooks, the
 * management API, cron preview, probes, metrics, the dashboard). It is a resource of the jar,
 * {@code dev/pump/http/openapi.json}, written by hand once; the build fills in the version, and
 * {@code OpenApiContractTest} checks real responses of every route against it, so it stays true.
 * Not behind {@link ApiAuth}: it describes the API, it gives access to nothing.
 */
final class OpenApiRoutes {

  static final String RESOURCE = "/dev/pump/http/openapi.json";
  public static final String PATH = "/openapi.json";

  private OpenApiRoutes() {
  }

  /** Mounts {@code GET /openapi.json}; the document is read once, here. */
  public static void mount(Router router) {
    Objects.requireNonNull(router, "router");
    Buffer document = document();
    router.get(PATH).handler(ctx -> HttpErrors.json(ctx.response(), 200, document));
  }

  /** @return the document, as served */
  static Buffer document() {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path: a broken build");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
