package dev.pump;

import dev.pump.journal.FireJournal;
import dev.pump.pipeline.Durability;
import dev.pump.pipeline.Pipeline;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.testing.SettableClock;
import dev.pump.trigger.FireResult;
import dev.pump.trigger.FlowControl;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.TriggerEvent;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An event that flow control holds is on disk before its 202, and after a crash it goes back into its trigger's
 * flow. The crash: the journal directory is copied as it is on disk right after the answers (what {@code kill -9}
 * leaves), and a second application starts on the copy while the first, which never released anything, is
 * closed only at the end.
 */
@ExtendWith(VertxExtension.class)
class DurableHeldEventsTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final long WAIT_MS = DEADLINE.toMillis();

  @TempDir
  Path dir;

  private final SettableClock clock = SettableClock.at("2026-12-03T09:00:00Z");
  private final List<PumpApplication> apps = new ArrayList<>();
  private int crashes;

  @AfterEach
  void closeApps() throws Exception {
    for (PumpApplication app : apps) {
      app.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
    }
  }

  /** One application: a pub/sub trigger {@code go} with {@code flow} (or none), feeding source {@code src}. */
  private Node start(Vertx vertx, Path journal, FlowControl flow, Consumer<Pipeline> pipeline) throws Exception {
    PumpApplication app = PumpApplication.builder().vertx(vertx).clock(clock).fireJournal(journal).build();
    apps.add(app);
    Pipeline p = new Pipeline("p", new CollectingSink());
    pipeline.accept(p);
    RecordingSource source = new RecordingSource(app, p);
    PubSubTrigger trigger = new PubSubTrigger(app, "go").withId("go");
    if (flow != null) {
      trigger.withFlowControl(flow);
    }
    source.withId("src").on(trigger);
    app.start().await(WAIT_MS, TimeUnit.MILLISECONDS);
    return new Node(app, trigger, source, app.fireJournal().orElseThrow());
  }

  private Node start(Vertx vertx, Path journal, FlowControl flow) throws Exception {
    return start(vertx, journal, flow, p -> { });
  }

  private record Node(PumpApplication app, PubSubTrigger trigger, RecordingSource source, FireJournal journal) {

    /** Submits like a webhook or manual fire does, and waits for the answer. */
    FireResult submit(int n) throws Exception {
      FireResult result = trigger.submit(new JsonObject().put("n", n));
      result.published().await(WAIT_MS, TimeUnit.MILLISECONDS);
      return result;
    }
  }

  /** What {@code kill -9} leaves: the journal's files as they are on disk now. */
  private Path crashCopy(Path journal) throws IOException {
    Path copy = Files.createDirectories(dir.resolve("after-crash-" + ++crashes));
    try (Stream<Path> files = Files.list(journal)) {
      files.forEach(file -> {
        try {
          Files.copy(file, copy.resolve(file.getFileName()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return copy;
  }

  private static List<String> firings(List<TriggerEvent> events) {
    return events.stream().map(TriggerEvent::firing).toList();
  }

  private static List<Integer> batchedNs(TriggerEvent event) {
    return event.args().getJsonArray("events").stream().map(e -> ((JsonObject) e).getInteger("n")).toList();
  }

  private static void awaitDone(FireJournal journal) throws Exception {
    await().atMost(DEADLINE).until(() -> journal.backlog() == 0);
    journal.flushed().get(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  @Test
  void debouncedEventsHeldAtACrashCollapseAgainAfterTheRestartIntoOneFire(Vertx vertx) throws Exception {
    FlowControl debounce = new FlowControl(null, null, new FlowControl.Debounce(Duration.ofSeconds(10), Duration.ofMinutes(5)),
      null, null, 100);
    Node first = start(vertx, dir.resolve("journal"), debounce);
    for (int n = 1; n <= 3; n++) {
      assertThat(first.submit(n).status()).isEqualTo(FireResult.Status.HELD);
    }
    assertThat(first.journal().heldEvents()).isEqualTo(3);

    Node second = start(vertx, crashCopy(dir.resolve("journal")), debounce);
    assertThat(second.journal().recoveredHeld()).hasSize(3);
    List<String> heldIds = firings(second.journal().recoveredHeld());
    clock.tick(Duration.ofSeconds(10));
    assertThat(second.trigger().releaseDueFlow()).isEqualTo(1);
    await().atMost(DEADLINE).until(() -> second.source().cycleEvents().size() == 1);
    TriggerEvent fired = second.source().cycleEvents().get(0);
    assertThat(fired.args()).as("the last event's args and the count of all three")
      .isEqualTo(new JsonObject().put("n", 3).put("debounce", new JsonObject().put("count", 3)));
    assertThat(fired.firing()).as("the id of the oldest event it holds").isEqualTo(heldIds.get(0));
    awaitDone(second.journal());
    assertThat(second.journal().heldEvents()).isZero();
  }

  @Test
  void batchedEventsHeldAtACrashRegroupWithTheNextEventsInArrivalOrder(Vertx vertx) throws Exception {
    FlowControl batch = new FlowControl(null, null, null, new FlowControl.Batch(4, Duration.ofMinutes(1)), null, 100);
    Node first = start(vertx, dir.resolve("journal"), batch);
    for (int n = 1; n <= 3; n++) {
      assertThat(first.submit(n).status()).isEqualTo(FireResult.Status.HELD);
    }

    Node second = start(vertx, crashCopy(dir.resolve("journal")), batch);
    String oldest = second.journal().recoveredHeld().get(0).firing();
    FireResult fourth = second.submit(4);
    assertThat(fourth.status()).as("the fourth event fills the batch").isEqualTo(FireResult.Status.FIRED);
    assertThat(fourth.event().firing()).isEqualTo(oldest);
    await().atMost(DEADLINE).until(() -> second.source().cycleEvents().size() == 1);
    assertThat(batchedNs(second.source().cycleEvents().get(0))).containsExactly(1, 2, 3, 4);
    awaitDone(second.journal());
  }

  @Test
  void throttledEventsWaitingAtACrashFireAtTheThrottlesPaceWithTheirOwnIds(Vertx vertx) throws Exception {
    FlowControl throttle = new FlowControl(null, null, null, null, new FlowControl.Throttle(1, Duration.ofMinutes(1), 10), 100);
    Node first = start(vertx, dir.resolve("journal"), throttle);
    assertThat(first.submit(1).status()).isEqualTo(FireResult.Status.FIRED);
    assertThat(first.submit(2).status()).isEqualTo(FireResult.Status.HELD);
    assertThat(first.submit(3).status()).isEqualTo(FireResult.Status.HELD);
    await().atMost(DEADLINE).until(() -> first.journal().backlog() == 2); // the first fire ran: two held
    first.journal().flushed().get(WAIT_MS, TimeUnit.MILLISECONDS);

    Node second = start(vertx, crashCopy(dir.resolve("journal")), throttle);
    List<String> heldIds = firings(second.journal().recoveredHeld());
    assertThat(heldIds).hasSize(2);
    await().atMost(DEADLINE).until(() -> second.source().cycleEvents().size() == 1);
    assertThat(second.source().cycleEvents().get(0).args()).isEqualTo(new JsonObject().put("n", 2));
    assertThat(second.trigger().releaseDueFlow()).as("the throttle's next token is a minute away").isZero();
    clock.tick(Duration.ofMinutes(1));
    assertThat(second.trigger().releaseDueFlow()).isEqualTo(1);
    await().atMost(DEADLINE).until(() -> second.source().cycleEvents().size() == 2);
    assertThat(firings(second.source().cycleEvents())).containsExactlyElementsOf(heldIds);
    assertThat(second.source().cycleEvents().get(1).args()).isEqualTo(new JsonObject().put("n", 3));
    awaitDone(second.journal());
  }

  @Test
  void heldEventsOfATriggerWithoutFlowControlNowFireAtOnceEachWithItsOwnId(Vertx vertx) throws Exception {
    FlowControl debounce = new FlowControl(null, null, new FlowControl.Debounce(Duration.ofSeconds(10), Duration.ofMinutes(5)),
      null, null, 100);
    Node first = start(vertx, dir.resolve("journal"), debounce);
    first.submit(1);
    first.submit(2);

    Node second = start(vertx, crashCopy(dir.resolve("journal")), null);
    List<String> heldIds = firings(second.journal().recoveredHeld());
    await().atMost(DEADLINE).until(() -> second.source().cycleEvents().size() == 2);
    assertThat(firings(second.source().cycleEvents())).containsExactlyElementsOf(heldIds);
    assertThat(second.source().cycleEvents()).extracting(e -> e.args().getInteger("n")).containsExactly(1, 2);
    awaitDone(second.journal());
  }

  @Test
  void heldEventsAreDoneWhenReleasedAndWhenTheFlowRulesDropThem(Vertx vertx) throws Exception {
    // per key, batches of 2 and one fire a minute waiting at most 1; one key at a time
    FlowControl flow = new FlowControl("/k", null, null, new FlowControl.Batch(2, Duration.ofMinutes(1)),
      new FlowControl.Throttle(1, Duration.ofMinutes(1), 1), 1);
    Node node = start(vertx, dir.resolve("journal"), flow);
    for (int n = 1; n <= 4; n++) {
      node.trigger().submit(new JsonObject().put("k", "a").put("n", n)).published().await(WAIT_MS, TimeUnit.MILLISECONDS);
    }
    // [1, 2] fired; [3, 4] waits for the throttle
    await().atMost(DEADLINE).until(() -> node.journal().heldEvents() == 2);
    node.trigger().submit(new JsonObject().put("k", "b").put("n", 5)).published().await(WAIT_MS, TimeUnit.MILLISECONDS);
    // key b evicted key a: its waiting fire [3, 4] is dropped; 5 is held
    await().atMost(DEADLINE).until(() -> node.journal().heldEvents() == 1);
    clock.tick(Duration.ofMinutes(1));
    assertThat(node.trigger().releaseDueFlow()).isEqualTo(1);
    awaitDone(node.journal());
    assertThat(node.source().cycleEvents()).extracting(DurableHeldEventsTest::batchedNs)
      .containsExactly(List.of(1, 2), List.of(5));
    try (FireJournal reopened = FireJournal.open(crashCopy(dir.resolve("journal")))) {
      assertThat(reopened.recoveredHeld()).isEmpty();
      assertThat(reopened.recovered()).isEmpty();
    }
  }

  @Test
  void heldEventsOfATriggerGoneOrNoLongerJournaledAreDroppedAndWithoutAJournalNothingIsHeldOnDisk(Vertx vertx)
    throws Exception {
    FlowControl debounce = new FlowControl(null, null, new FlowControl.Debounce(Duration.ofSeconds(10), Duration.ofMinutes(5)),
      null, null, 100);
    Node first = start(vertx, dir.resolve("journal"), debounce);
    first.submit(1);
    first.submit(2);
    Path afterCrash = crashCopy(dir.resolve("journal"));
    Path again = crashCopy(dir.resolve("journal"));

    PumpApplication noTrigger = PumpApplication.builder().vertx(vertx).clock(clock).fireJournal(afterCrash).build();
    apps.add(noTrigger);
    new RecordingSource(noTrigger, new Pipeline("p", new CollectingSink())).withId("src")
      .on(new PubSubTrigger(noTrigger, "other").withId("other"));
    noTrigger.start().await(WAIT_MS, TimeUnit.MILLISECONDS);
    awaitDone(noTrigger.fireJournal().orElseThrow());

    Node none = start(vertx, again, debounce, p -> p.withDurability(Durability.NONE));
    awaitDone(none.journal());
    assertThat(none.submit(3).status()).isEqualTo(FireResult.Status.HELD);
    assertThat(none.journal().heldEvents()).as("durability none: held in memory only").isZero();
    clock.tick(Duration.ofSeconds(10));
    assertThat(none.trigger().releaseDueFlow()).isEqualTo(1);
    await().atMost(DEADLINE).until(() -> none.source().cycleEvents().size() == 1);
    assertThat(none.source().cycleEvents().get(0).args().getJsonObject("debounce").getLong("count"))
      .as("the two recovered events were dropped, not offered").isEqualTo(1);
  }

  @Test
  void aHeldEventTheJournalCannotWriteIsAnswered503AndTakenBack(Vertx vertx) throws Exception {
    // segments of one byte: the journal rolls over after every write, and the second segment's name is a directory
    Path journal = dir.resolve("journal");
    Files.createDirectories(journal.resolve("segment-000000000002.log"));
    PumpApplication app = PumpApplication.builder().vertx(vertx).clock(clock).fireJournal(journal, 1).build();
    apps.add(app);
    RecordingSource source = new RecordingSource(app, new Pipeline("p", new CollectingSink()));
    WebhookTrigger hook = new WebhookTrigger(app, "hook");
    hook.withFlowControl(new FlowControl(null, null, null, new FlowControl.Batch(10, Duration.ofMinutes(1)), null, 100));
    source.on(hook);
    PumpRoutes.mount(app).await(WAIT_MS, TimeUnit.MILLISECONDS);
    app.start().await(WAIT_MS, TimeUnit.MILLISECONDS);
    HttpServer server = app.listen(0, "127.0.0.1").await(WAIT_MS, TimeUnit.MILLISECONDS);
    WebClient client = WebClient.create(vertx);
    try {
      HttpResponse<Buffer> held = post(client, server, "/webhooks/hook", 1);
      assertThat(held.statusCode()).isEqualTo(202);
      assertThat(held.bodyAsJsonObject().getString("held")).isEqualTo("batched (1 of 10)");

      for (String path : List.of("/webhooks/hook", "/api/triggers/webhook-1/fire")) {
        HttpResponse<Buffer> refused = post(client, server, path, 2);
        assertThat(refused.statusCode()).as(path).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isNotNull();
        assertThat(refused.bodyAsJsonObject().getString("error"))
          .startsWith("fire not accepted: the fire journal cannot be written").contains(journal.toString());
      }
      assertThat(hook.snapshot().getJsonObject("flow").getJsonArray("streams").getJsonObject(0)
        .getJsonObject("batch").getInteger("size")).as("the refused events were taken back").isEqualTo(1);

      Files.delete(journal.resolve("segment-000000000002.log"));
      assertThat(post(client, server, "/webhooks/hook", 3).statusCode()).isEqualTo(202);
      clock.tick(Duration.ofMinutes(1));
      assertThat(hook.releaseDueFlow()).isEqualTo(1);
      await().atMost(DEADLINE).until(() -> source.cycleEvents().size() == 1);
      assertThat(batchedNs(source.cycleEvents().get(0))).containsExactly(1, 3);
      awaitDone(app.fireJournal().orElseThrow());
    } finally {
      client.close();
    }
  }

  private static HttpResponse<Buffer> post(WebClient client, HttpServer server, String path, int n) throws Exception {
    return client.post(server.actualPort(), "127.0.0.1", path).putHeader("Content-Type", "application/json")
      .sendBuffer(new JsonObject().put("n", n).toBuffer()).await(WAIT_MS, TimeUnit.MILLISECONDS);
  }
}
