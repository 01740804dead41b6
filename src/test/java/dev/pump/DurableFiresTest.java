package dev.pump;

import dev.pump.journal.FireJournal;
import dev.pump.pipeline.Durability;
import dev.pump.pipeline.Pipeline;
import dev.pump.source.Overlap;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.trigger.FireResult;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.TriggerEvent;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/** A fire answered 202 is on disk first, and runs after a stop that cut it short. */
@ExtendWith(VertxExtension.class)
class DurableFiresTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private static List<String> firings(List<TriggerEvent> events) {
    return events.stream().map(TriggerEvent::firing).toList();
  }

  @Test
  void firesAStopCutShortRunAtTheNextStartWithTheirIdsAndArgs(Vertx vertx) throws Exception {
    PumpApplication first = PumpApplication.builder().vertx(vertx).fireJournal(dir).shutdownGrace(Duration.ofMillis(100)).build();
    RecordingSource slow = new RecordingSource(first, new Pipeline("p", new CollectingSink()));
    PubSubTrigger trigger = new PubSubTrigger(first, "go").withId("go");
    slow.withId("src").withOverlap(Overlap.queue(100)).on(trigger);
    slow.holdCycles();
    first.start().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      FireResult result = trigger.submit(new JsonObject().put("n", i));
      result.published().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      accepted.add(result.event().firing());
    }
    await().atMost(DEADLINE).until(() -> slow.unfinishedFires().await(5, TimeUnit.SECONDS) == 5);
    try {
      first.close().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);  // the grace runs out: nothing more runs
    } finally {
      slow.releaseCycles();
    }

    PumpApplication second = PumpApplication.builder().vertx(vertx).fireJournal(dir).build();
    CollectingSink sink = new CollectingSink();
    RecordingSource again = new RecordingSource(second, new Pipeline("p", sink));
    again.withId("src").withOverlap(Overlap.queue(100)).on(new PubSubTrigger(second, "go").withId("go"));
    second.start().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    try {
      await().atMost(DEADLINE).until(() -> again.cycleEvents().size() == 5);
      assertThat(firings(again.cycleEvents())).containsExactlyElementsOf(accepted);
      assertThat(again.cycleEvents().get(3).args()).isEqualTo(new JsonObject().put("n", 3));
      FireJournal journal = second.fireJournal().orElseThrow();
      await().atMost(DEADLINE).until(() -> journal.backlog() == 0);
    } finally {
      second.close().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }
    try (FireJournal reopened = FireJournal.open(dir)) {
      assertThat(reopened.recovered()).as("every replayed fire is done").isEmpty();
    }
  }

  @Test
  void mergedSkippedAndDroppedFiresAreDoneAndTimeSlotsAndNoneAreNotJournaled(Vertx vertx) throws Exception {
    PumpApplication app = PumpApplication.builder().vertx(vertx).fireJournal(dir).build();
    PubSubTrigger trigger = new PubSubTrigger(app, "go").withId("go");
    RecordingSource merge = source(app, "merge", Overlap.MERGE, trigger);
    RecordingSource skip = source(app, "skip", Overlap.SKIP, trigger);
    RecordingSource queue = source(app, "queue", Overlap.queue(1), trigger);
    RecordingSource fast = source(app, "fast", Overlap.MERGE, trigger);
    fast.pipeline().withDurability(Durability.NONE);
    fast.releaseCycles();
    PubSubTrigger unjournaled = new PubSubTrigger(app, "only-fast").withId("only-fast");
    fast.on(unjournaled);
    app.start().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    FireJournal journal = app.fireJournal().orElseThrow();
    try {
      for (int i = 0; i < 4; i++) {
        trigger.submit(new JsonObject().put("n", i)).published().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      }
      // the first fire runs (held); then merge keeps one pending, skip refuses three, queue(1) drops two
      await().atMost(DEADLINE).until(() -> merge.firesMerged() == 2 && skip.firesDropped() == 3
        && queue.firesDropped() == 2);
      assertThat(journal.acceptedFires()).isEqualTo(4);
      assertThat(journal.backlog()).as("4 fires x 3 journaled sources, less 3 skipped and 2 dropped").isEqualTo(7);

      List.of(merge, skip, queue).forEach(RecordingSource::releaseCycles);
      await().atMost(DEADLINE).until(() -> journal.backlog() == 0);
      assertThat(merge.cycleEvents()).hasSize(2);
      assertThat(queue.cycleEvents()).hasSize(2);

      FireResult direct = unjournaled.submit(new JsonObject());
      assertThat(direct.published().succeeded()).as("nothing to journal: published at once").isTrue();
      await().atMost(DEADLINE).until(() -> firings(fast.cycleEvents()).contains(direct.event().firing()));
      assertThat(journal.acceptedFires()).isEqualTo(4);
    } finally {
      app.close().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }
    try (FireJournal reopened = FireJournal.open(dir)) {
      assertThat(reopened.recovered()).isEmpty();
    }
  }

  private static RecordingSource source(PumpApplication app, String id, Overlap overlap, PubSubTrigger trigger) {
    RecordingSource source = new RecordingSource(app, new Pipeline(id, new CollectingSink()));
    source.withId(id).withOverlap(overlap).on(trigger);
    source.holdCycles();
    return source;
  }

  /** An application whose fire journal takes one write and then cannot be written. */
  private PumpApplication journalWritableOnce(Vertx vertx) throws Exception {
    // segments of one byte: the journal rolls over after every write, and the second segment's
    // name is taken by a directory
    Files.createDirectories(dir.resolve("segment-000000000002.log"));
    return PumpApplication.builder().vertx(vertx).fireJournal(dir, 1).build();
  }

  @Test
  void aJournalThatCannotBeWrittenAnswers503AndMakesReadinessDown(Vertx vertx) throws Exception {
    PumpApplication app = journalWritableOnce(vertx);
    RecordingSource source = new RecordingSource(app, new Pipeline("p", new CollectingSink()));
    source.on(new WebhookTrigger(app, "hook"));
    PumpRoutes.mount(app).await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    app.start().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    HttpServer server = app.listen(0, "127.0.0.1").await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    WebClient client = WebClient.create(vertx);
    try {
      HttpResponse<Buffer> accepted = post(client, server, "/webhooks/hook");
      assertThat(accepted.statusCode()).isEqualTo(202);
      String firing = accepted.bodyAsJsonObject().getString("firing");
      await().atMost(DEADLINE).until(() -> firings(source.cycleEvents()).contains(firing));

      HttpResponse<Buffer> refused = post(client, server, "/webhooks/hook");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.getHeader("Retry-After")).isNotNull();
      assertThat(refused.bodyAsJsonObject().getString("error"))
        .startsWith("fire not accepted: the fire journal cannot be written").contains(dir.toString());
      HttpResponse<Buffer> manual = post(client, server, "/api/triggers/webhook-1/fire");
      assertThat(manual.statusCode()).isEqualTo(503);
      assertThat(source.cycleEvents()).as("a fire refused with 503 is not published").hasSize(1);

      HttpResponse<Buffer> ready = client.get(server.actualPort(), "127.0.0.1", "/health/ready").send()
        .await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(ready.statusCode()).isEqualTo(503);
      JsonObject check = ready.bodyAsJsonObject().getJsonArray("checks").stream()
        .map(JsonObject.class::cast).filter(c -> c.getString("id").equals("journal")).findFirst().orElseThrow();
      assertThat(check.getString("status")).isEqualTo("DOWN");
      assertThat(check.getJsonObject("data").getString("error")).contains("cannot be written");

      Files.delete(dir.resolve("segment-000000000002.log"));
      assertThat(post(client, server, "/webhooks/hook").statusCode()).isEqualTo(202);
      HttpResponse<Buffer> readyAgain = client.get(server.actualPort(), "127.0.0.1", "/health/ready").send()
        .await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(readyAgain.statusCode()).isEqualTo(200);
    } finally {
      client.close();
      app.close().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void aPubSubRequestIsAnsweredOnceItsFireIsOnDiskAnd503WhenTheJournalRefusedIt(Vertx vertx) throws Exception {
    PumpApplication app = journalWritableOnce(vertx);
    RecordingSource source = new RecordingSource(app, new Pipeline("p", new CollectingSink()));
    source.on(new PubSubTrigger(app, "orders.created").withId("orders"));
    app.start().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    try {
      Message<Object> accepted = vertx.eventBus().request("orders.created", new JsonObject().put("n", 1))
        .await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      String firing = ((JsonObject) accepted.body()).getString("firing");
      assertThat(firing).isNotNull();
      await().atMost(DEADLINE).until(() -> firings(source.cycleEvents()).contains(firing));

      ReplyException refused = catchThrowableOfType(() -> vertx.eventBus().request("orders.created",
        new JsonObject().put("n", 2)).await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), ReplyException.class);
      assertThat(refused).as("a fire the journal could not keep is not answered with a firing").isNotNull();
      assertThat(refused.failureCode()).isEqualTo(503);
      assertThat(refused.getMessage()).startsWith("fire not accepted: the fire journal cannot be written")
        .contains(dir.toString());
      assertThat(source.cycleEvents()).as("a refused fire is not published").hasSize(1);
    } finally {
      app.close().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static HttpResponse<Buffer> post(WebClient client, HttpServer server, String path) throws Exception {
    return client.post(server.actualPort(), "127.0.0.1", path).putHeader("Content-Type", "application/json")
      .sendBuffer(Buffer.buffer("{\"x\":1}")).await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }
}
