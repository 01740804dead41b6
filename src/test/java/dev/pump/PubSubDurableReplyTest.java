package dev.pump;

import dev.pump.pipeline.Pipeline;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/** A pub/sub request is answered once its fire is on disk, and a fire the journal refused is a 503, as over HTTP. */
@ExtendWith(VertxExtension.class)
class PubSubDurableReplyTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void aRequestWhoseFireCannotBeJournaledFailsWith503AndNothingRuns(Vertx vertx) throws Exception {
    // segments of one byte: the journal rolls over after every write, and the second segment's
    // name is taken by a directory
    Files.createDirectories(dir.resolve("segment-000000000002.log"));
    PumpApplication app = PumpApplication.builder().vertx(vertx).fireJournal(dir, 1).build();
    RecordingSource source = new RecordingSource(app, new Pipeline("p", new CollectingSink()));
    source.on(new PubSubTrigger(app, "orders.created").withId("orders"));
    app.start().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    try {
      Message<Object> accepted = vertx.eventBus().request("orders.created", new JsonObject().put("n", 1))
        .await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      String firing = ((JsonObject) accepted.body()).getString("firing");
      assertThat(firing).isNotNull();
      await().atMost(DEADLINE).until(() -> source.cycleEvents().stream().map(TriggerEvent::firing).toList().contains(firing));

      ReplyException refused = catchThrowableOfType(() -> vertx.eventBus().request("orders.created", new JsonObject().put("n", 2))
        .await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), ReplyException.class);
      assertThat(refused).as("a fire the journal could not keep is not answered with a firing").isNotNull();
      assertThat(refused.failureCode()).isEqualTo(503);
      assertThat(refused.getMessage()).startsWith("fire not accepted: the fire journal cannot be written")
        .contains(dir.toString());
      assertThat(source.cycleEvents()).as("a refused fire is not published").hasSize(1);
    } finally {
      app.close().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
