package dev.pump.http;

import dev.pump.PumpApplication;
import dev.pump.pipeline.Pipeline;
import dev.pump.source.SourceRuntime;
import dev.pump.source.TriggerSource;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.TriggerEvent;
import dev.pump.trigger.WebhookTrigger;
import dev.pump.testing.SettableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real application with one pipeline ({@code main}), one collecting source ({@code collector}) and three
 * triggers: webhook {@code hook} (name {@code hook}), cron {@code daily} ({@code 0 9 * * *} in Europe/Prague)
 * and pub/sub {@code forced} (topic {@code force.run}); served on 127.0.0.1 at a free port.
 */
final class PumpFixture implements AutoCloseable {

  /** 08:59 in Prague (+02:00 since 29 March): the cron trigger's next slot is 07:00Z. */
  static final Instant START = Instant.parse("2026-03-30T06:59:00Z");
  static final Instant NINE_IN_PRAGUE = Instant.parse("2026-03-30T07:00:00Z");
  static final Duration DEADLINE = Duration.ofSeconds(10);

  final Vertx vertx;
  final SettableClock clock = new SettableClock(START);
  final PumpApplication app;
  final Pipeline pipeline;
  final CollectingSource source;
  final WebhookTrigger webhook;
  final CronTrigger cron;
  final PubSubTrigger pubsub;
  /** Every finished cycle, in order; filled by a cycle listener, so after the pipeline saw the outcome. */
  final BlockingQueue<Boolean> cyclesFinished = new LinkedBlockingQueue<>();
  final List<JsonObject> written = new CopyOnWriteArrayList<>();
  private WebClient client;
  /** The port the application listens on, once started. */
  int port;

  private PumpFixture(Vertx vertx) {
    this.vertx = vertx;
    this.app = PumpApplication.builder().vertx(vertx).clock(clock).nodeId("node-a").build();
    this.pipeline = new Pipeline("main", event -> {
      written.add(event);
      return Future.succeededFuture();
    });
    this.webhook = new WebhookTrigger(app, "hook").withId("hook");
    this.cron = new CronTrigger(app, "0 9 * * *", ZoneId.of("Europe/Prague")).withId("daily");
    this.pubsub = new PubSubTrigger(app, "force.run").withId("forced");
    this.source = new CollectingSource(app, pipeline);
    source.withId("collector").on(webhook, cron, pubsub);
  }

  /**
   * Builds the application, lets {@code mount} add routes (and listeners) to it, starts it and listens.
   */
  static PumpFixture start(Vertx vertx, Consumer<PumpFixture> mount) {
    PumpFixture fixture = new PumpFixture(vertx);
    mount.accept(fixture);
    fixture.app.onCycle((s, event, took, failed) -> fixture.cyclesFinished.add(failed));
    fixture.app.start().await();
    int port = fixture.app.listen(0, "127.0.0.1").await().actualPort();
    fixture.port = port;
    fixture.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    return fixture;
  }

  /** The management API (loopback only) and the health route. */
  static PumpFixture withApiAndHealth(Vertx vertx) {
    return start(vertx, f -> {
      ManagementApi.mount(ApiRouter.mount(f.app.router(), vertx, ApiAuth.create("")), f.app);
      HealthRoutes.mount(f.app.router(), vertx, f.app);
    });
  }

  HttpResponse<Buffer> get(String path) {
    return send(client.request(HttpMethod.GET, path), null);
  }

  HttpResponse<Buffer> post(String path) {
    return send(client.request(HttpMethod.POST, path), null);
  }

  HttpResponse<Buffer> post(String path, String body) {
    return send(client.request(HttpMethod.POST, path), Buffer.buffer(body));
  }

  HttpResponse<Buffer> send(HttpMethod method, String path, String authorization) {
    HttpRequest<Buffer> request = client.request(method, path);
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return send(request, null);
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request, Buffer body) {
    Future<HttpResponse<Buffer>> response = body == null ? request.send() : request.sendBuffer(body);
    try {
      return response.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within " + DEADLINE, e);
    }
  }

  /** Waits for the next finished cycle; {@code true} when it failed. */
  boolean nextCycleFailed() throws InterruptedException {
    Boolean failed = cyclesFinished.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    if (failed == null) {
      throw new AssertionError("no cycle finished within " + DEADLINE);
    }
    return failed;
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    app.close().await();
  }

  /** Remembers every event its cycle gets, hands one event per cycle to the pipeline, and fails on demand. */
  static final class CollectingSource extends TriggerSource {

    final BlockingQueue<TriggerEvent> events = new LinkedBlockingQueue<>();
    volatile RuntimeException failNext;

    CollectingSource(SourceRuntime runtime, Pipeline pipeline) {
      super(runtime, pipeline);
    }

    @Override
    protected void cycle(TriggerEvent event) throws Exception {
      events.add(event);
      RuntimeException failure = failNext;
      if (failure != null) {
        failNext = null;
        throw failure;
      }
      process(new JsonObject().put("firing", event.firing()));
    }

    TriggerEvent nextEvent() throws InterruptedException {
      TriggerEvent event = events.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      if (event == null) {
        throw new AssertionError("no cycle ran within " + DEADLINE);
      }
      return event;
    }
  }
}
