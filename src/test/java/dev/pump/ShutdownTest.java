package dev.pump;

import dev.pump.pipeline.Pipeline;
import dev.pump.source.Overlap;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.trigger.PubSubTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What shutdown does with fires it accepted but could not run within its grace: counts them. */
@ExtendWith(VertxExtension.class)
class ShutdownTest {

  @Test
  void firesStillPendingWhenTheGraceRunsOutAreCounted(Vertx vertx) throws Exception {
    PumpApplication app = PumpApplication.builder().vertx(vertx).shutdownGrace(Duration.ofMillis(100)).build();
    RecordingSource source = new RecordingSource(app, new Pipeline("slow", new CollectingSink()));
    PubSubTrigger trigger = new PubSubTrigger(app, "go");
    source.withOverlap(Overlap.queue(100)).on(trigger);
    source.holdCycles();
    app.start().await(10, TimeUnit.SECONDS);

    for (int i = 0; i < 5; i++) {
      trigger.fire(new JsonObject().put("n", i));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> source.unfinishedFires().await(5, TimeUnit.SECONDS) == 5);
    assertThat(app.isClosing()).isFalse();

    try {
      app.close().await(10, TimeUnit.SECONDS);
    } finally {
      source.releaseCycles();
    }

    assertThat(app.isClosing()).isTrue();
    assertThat(app.unfinishedAtClose()).as("one cycle cut short, four fires pending").isEqualTo(5);
  }

  @Test
  void aShutdownWithinTheGraceLeavesNothingUnfinished(Vertx vertx) throws Exception {
    PumpApplication app = PumpApplication.builder().vertx(vertx).build();
    RecordingSource source = new RecordingSource(app, new Pipeline("quick", new CollectingSink()));
    source.on(new PubSubTrigger(app, "go"));
    app.start().await(10, TimeUnit.SECONDS);

    app.close().await(10, TimeUnit.SECONDS);

    assertThat(app.unfinishedAtClose()).isZero();
  }
}
