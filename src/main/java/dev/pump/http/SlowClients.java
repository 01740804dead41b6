package dev.pump.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cuts off HTTP/1.x clients that are too slow to send a request. Vert.x's idle timeout closes a
 * connection on which nothing moves; a client that sends one byte a second moves, and would hold
 * its connection (and Netty's buffers) forever. With the guard, a connection must:
 * <ul>
 *   <li>send a complete request head (line and headers) within {@code timeout} of connecting, or of
 *       the end of its previous response (checked every {@code timeout}, so a keep-alive connection
 *       gets up to twice that), or it is closed;</li>
 *   <li>send a complete request body within {@code timeout} of its head (less a margin of a tenth,
 *       at most 1 s, so that the answer goes out before the idle timeout would close a client that
 *       stopped sending altogether), or it is answered {@code 408} with a JSON error and closed.</li>
 * </ul>
 * The time the application takes to answer does not count. Requests the HTTP decoder cannot read
 * (headers over the maximum size, an overlong request line, garbage) are answered with a JSON error
 * (431, 414, 400), and so are requests of an HTTP version other than 1.0 and 1.1 (501, an HTTP/2
 * preface included); the connection is then closed. WebSocket handshakes are refused with 404
 * (no body: Vert.x answers them); without that handler Vert.x would answer unknown versions itself.
 * <pre>{@code
 * HttpServer server = vertx.createHttpServer(options).requestHandler(router);
 * SlowClients.guard(vertx, server, Duration.ofSeconds(30)).listen();
 * }</pre>
 */
public final class SlowClients {

  private SlowClients() {
  }

  /**
   * Installs the guard on {@code server}, whose request handler must already be set; before it listens.
   *
   * @param timeout at least 1 ms; {@link Duration#ZERO} installs only the JSON answer to unreadable requests
   * @return {@code server}
   */
  public static HttpServer guard(Vertx vertx, HttpServer server, Duration timeout) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
    server.invalidRequestHandler(HttpErrors::invalidRequest);
    Handler<HttpServerRequest> application = Objects.requireNonNull(server.requestHandler(),
      "set the server's request handler before guarding it");
    // Vert.x answers a request of a version it does not know (an HTTP/2 preface on this HTTP/1
    // server, HTTP/3.0, HTTP/1.2) itself, with an empty 501, before any handler runs, unless a
    // WebSocket handshake handler is set: then such a request reaches the request handler and gets
    // a JSON 501 like every other error. The service has no WebSocket endpoint: handshakes get 404.
    server.webSocketHandshakeHandler(handshake -> handshake.reject(404));
    Handler<HttpServerRequest> handler = request -> {
      if (request.version() == null) {
        HttpErrors.unsupportedVersion(request);
        return;
      }
      application.handle(request);
    };
    server.requestHandler(handler);
    if (timeout.isZero()) {
      return server;
    }
    long millis = Math.max(1, timeout.toMillis());
    Map<HttpConnection, Watch> watches = new ConcurrentHashMap<>();
    server.connectionHandler(connection -> {
      Watch watch = new Watch(vertx, connection, millis);
      watches.put(connection, watch);
      connection.closeHandler(v -> {
        watches.remove(connection);
        watch.stop();
      });
      watch.start();
    });
    server.requestHandler(request -> {
      Watch watch = watches.get(request.connection());
      if (watch != null) {
        watch.requestArrived(request);
      }
      handler.handle(request);
    });
    return server;
  }

  /** The state of one connection, looked at by a timer every {@code millis}; touched on its event loop. */
  private static final class Watch {

    private final Vertx vertx;
    private final HttpConnection connection;
    private final long millis;
    /**
     * The body's limit, a little under {@link #millis}: a client that stops sending altogether would
     * otherwise meet Vert.x's idle timeout (counted from its last byte, so never before head +
     * millis) at the same moment, and be closed without the 408.
     */
    private final long bodyMillis;
    private volatile HttpServerRequest current;
    private volatile long phaseStartedNanos = System.nanoTime();
    private volatile boolean stopped;
    private volatile long timer = -1;

    Watch(Vertx vertx, HttpConnection connection, long millis) {
      this.vertx = vertx;
      this.connection = connection;
      this.millis = millis;
      this.bodyMillis = Math.max(1, millis - Math.min(millis / 10, 1000));
    }

    void start() {
      schedule(millis);
    }

    void stop() {
      stopped = true;
      vertx.cancelTimer(timer);
    }

    void requestArrived(HttpServerRequest request) {
      if (request.version() == HttpVersion.HTTP_2) {
        // streams, not one request after another: not this guard's business
        stop();
        return;
      }
      current = request;
      phaseStartedNanos = System.nanoTime();
      // a timer still set for the head's deadline could fire with the idle timeout: set the body's
      vertx.cancelTimer(timer);
      schedule(bodyMillis);
    }

    private void schedule(long delayMillis) {
      if (!stopped) {
        timer = vertx.setTimer(Math.max(1, delayMillis), id -> check());
      }
    }

    private void check() {
      if (stopped) {
        return;
      }
      HttpServerRequest request = current;
      if (request != null && request.response().ended()) {
        // the exchange is over (a body not read to the end included): the next head is due
        current = null;
        phaseStartedNanos = System.nanoTime();
        schedule(millis);
        return;
      }
      long elapsed = (System.nanoTime() - phaseStartedNanos) / 1_000_000;
      if (request == null || !request.isEnded()) {
        long limit = request == null ? millis : bodyMillis;
        if (elapsed < limit) {
          schedule(limit - elapsed);
          return;
        }
        stopped = true;
        if (request == null) {
          connection.close();
        } else {
          HttpErrors.requestTimeout(request, Duration.ofMillis(millis)).onComplete(ar -> connection.close());
        }
        return;
      }
      // the request is in and the application is answering: its time does not count
      schedule(millis);
    }
  }
}
