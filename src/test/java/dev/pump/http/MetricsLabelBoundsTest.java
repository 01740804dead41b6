package dev.pump.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever methods and paths anyone sends, {@code /metrics} keeps the same number of series. */
class MetricsLabelBoundsTest {

  private final String registryName = "metrics-label-bounds-test-" + UUID.randomUUID();
  private Vertx vertx;
  /** Without metrics: the client's own series must not be counted. */
  private Vertx clientVertx;
  private PrometheusMeterRegistry registry;
  private PumpFixture pump;
  private HttpClient client;
  private int port;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx(PumpMetrics.withPrometheus(new VertxOptions(), registryName));
    registry = PumpMetrics.prometheusRegistry(registryName).orElseThrow();
    pump = PumpFixture.start(vertx, f -> PumpMetrics.mountScrape(f.app.router(), registry));
    port = pump.port;
    clientVertx = Vertx.vertx();
    // a connection per request: an odd method must not leave a pooled connection in doubt
    client = clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(false), new PoolOptions().setHttp1MaxSize(8));
  }

  @AfterEach
  void stop() {
    try {
      clientVertx.close().await();
      pump.close();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void inventedMethodsAndPathsLeaveTheSeriesCountFlat() throws Exception {
    sendRound(0, 10);  // every kind of request once, so that "other" and 404 series exist
    assertThat(series(pump.get("/metrics").bodyAsString()))
      .anyMatch(line -> line.contains("method=\"other\""));
    int before = series(pump.get("/metrics").bodyAsString()).size();

    for (int round = 1; round <= 10; round++) {
      sendRound(round * 100, 100);
    }

    List<String> after = series(pump.get("/metrics").bodyAsString());
    assertThat(after).hasSize(before);
    assertThat(after).noneMatch(line -> line.contains("INVENTED") || line.contains("/random-"));
  }

  @Test
  void aKnownMethodKeepsItsNameAndARouteIsLabelledWithItsPattern() throws Exception {
    sendRound(0, 1);
    assertThat(pump.post("/webhooks/hook", "{}").statusCode()).isEqualTo(202);

    assertThat(series(pump.get("/metrics").bodyAsString()))
      .anyMatch(line -> line.startsWith("vertx_http_server_requests_total") && line.contains("method=\"GET\""))
      .anyMatch(line -> line.startsWith("vertx_http_server_requests_total") && line.contains("method=\"POST\"")
        // the patterns of the routes the request went through, joined by '>'
        && line.contains("route=\"/webhooks/:name>/webhooks/:name\""));
  }

  /** {@code count} requests with an invented method and {@code count} GETs of invented paths. */
  private void sendRound(int first, int count) throws Exception {
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      answers.add(send(HttpMethod.valueOf("INVENTED" + i), "/webhooks/hook"));
      answers.add(send(HttpMethod.GET, "/random-" + i + "/" + UUID.randomUUID()));
    }
    Future.all(answers).await(30, TimeUnit.SECONDS);
  }

  private Future<Integer> send(HttpMethod method, String path) {
    return client.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path)
        .setIdleTimeout(10_000))
      .compose(request -> request.send())
      .compose(response -> response.body().map(body -> response.statusCode()));
  }

  private static List<String> series(String scrape) {
    return scrape.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
      // JVM meters come and go with the JVM (threads, buffer pools), not with requests
      .filter(line -> line.startsWith("vertx_") || line.startsWith("pump_"))
      .toList();
  }
}
