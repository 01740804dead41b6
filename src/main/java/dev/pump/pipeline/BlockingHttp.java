package dev.pump.pipeline;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What an HTTP client of ours needs when a source's worker thread blocks on its futures (the http
 * sink, the http-get source): a checked URL, and an event-loop context of its own to run on.
 */
public final class BlockingHttp {

  private BlockingHttp() {
  }

  /**
   * A fresh event-loop context: never the caller's, which may be a source's worker context that
   * blocks on the request, so a callback scheduled there would never run. It is the context of a
   * verticle deployed for it alone; {@link OwnEventLoop#close()} undeploys it.
   *
   * @param what the client, for the message when Vert.x cannot deploy it
   */
  public static OwnEventLoop ownEventLoop(Vertx vertx, String what) {
    return new OwnEventLoop(Objects.requireNonNull(vertx, "vertx"), Objects.requireNonNull(what, "what"));
  }

  /** An event-loop context of a client's own: see {@link #ownEventLoop}. */
  public static final class OwnEventLoop {
    private final Vertx vertx;
    /** Completed on the new loop itself, or failed: no Vert.x context is involved in reading it. */
    private final CompletableFuture<Context> loop = new CompletableFuture<>();
    private final Future<String> deployment;
    private Future<Void> closed; // guarded by this

    private OwnEventLoop(Vertx vertx, String what) {
      this.vertx = vertx;
      this.deployment = vertx.deployVerticle(new VerticleBase() {
        @Override
        public Future<?> start() {
          loop.complete(context);
          return Future.succeededFuture();
        }
      }).onFailure(e -> loop.completeExceptionally(
        new IllegalStateException(what + ": cannot have an event-loop context of its own: " + e.getMessage(), e)));
    }

    /**
     * Runs {@code task} on the loop, as soon as it is deployed.
     *
     * @param noLoop called instead, on any thread, with the reason when the loop could not be deployed
     */
    public void execute(Runnable task, Consumer<Throwable> noLoop) {
      loop.whenComplete((context, failure) -> {
        if (failure != null) {
          noLoop.accept(failure);
        } else {
          context.runOnContext(v -> task.run());
        }
      });
    }

    /** Undeploys the loop's verticle; tasks handed over afterwards never run. Safe to call more than once. */
    public synchronized Future<Void> close() {
      if (closed == null) {
        closed = deployment.compose(vertx::undeploy, failure -> Future.succeededFuture());
      }
      return closed;
    }
  }

  /**
   * @param what how the URL is named in messages, e.g. {@code "http sink url"}
   * @return {@code url}, when it is an http:// or https:// URL with a host
   * @throws IllegalArgumentException quoting the URL ({@link RedactedUrl redacted}) and saying what is
   *     wrong with it
   */
  public static String requireUrl(String what, String url) {
    Objects.requireNonNull(url, what);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(what + " '" + RedactedUrl.of(url) + "' is malformed: "
        + RedactedUrl.in(e.getMessage(), url));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(what + " '" + RedactedUrl.of(url) + "' must start with http:// or https://");
    }
    String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
    String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
    if (hostAndPort.isEmpty() || hostAndPort.charAt(0) == ':') {
      throw new IllegalArgumentException(what + " '" + RedactedUrl.of(url) + "' has no host");
    }
    return url;
  }
}
