package dev.pump.pipeline;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * What an HTTP client of ours needs when a source's worker thread blocks on its futures (the http
 * sink, the http-get source): a checked URL, and an event-loop context of its own to run on.
 */
public final class BlockingHttp {

  private BlockingHttp() {
  }

  /**
   * A fresh event-loop context: never the caller's, which may be a source's worker context that
   * blocks on the request, so a callback scheduled there would never run.
   *
   * @param what the client, for the message when Vert.x cannot make one
   */
  public static Context ownEventLoop(Vertx vertx, String what) {
    if (vertx instanceof VertxInternal internal) {
      return internal.createEventLoopContext();
    }
    throw new IllegalStateException(what + ": cannot create an event-loop context on " + vertx.getClass().getName());
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
