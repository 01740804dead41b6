package dev.pump;

import dev.pump.pipeline.Pipeline;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Ids, registration, start and close of the application. */
@ExtendWith(VertxExtension.class)
class PumpApplicationTest {

  private PumpApplication app;

  @BeforeEach
  void setUp(Vertx vertx) {
    app = PumpApplication.builder().vertx(vertx).shutdownGrace(Duration.ofSeconds(15)).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    app.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void illegalArgumentsAreRefusedWithMessagesNamingThem() {
    assertThatThrownBy(() -> new PubSubTrigger(app, "t").withId("has space"))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("trigger id 'has space' must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
    assertThatThrownBy(() -> new WebhookTrigger(app, "../etc"))
      .hasMessageStartingWith("webhook name '../etc' must be");
    assertThatThrownBy(() -> new Pipeline("", new CollectingSink()))
      .hasMessageStartingWith("pipeline id '' must be");
    assertThatThrownBy(() -> new PubSubTrigger(app, " "))
      .hasMessage("pubsub topic must not be blank");
    assertThatThrownBy(() -> PumpApplication.builder().shutdownGrace(Duration.ofSeconds(-1)))
      .hasMessage("shutdownGrace must not be negative, got PT-1S");
    assertThatThrownBy(() -> new CronTrigger(app, "61 * * * *"))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageStartingWith("\"61 * * * *\"");
  }

  @Test
  void triggersAndSourcesGetReadableDefaultIds() {
    assertThat(new PubSubTrigger(app, "a").id()).isEqualTo("pubsub-1");
    assertThat(new PubSubTrigger(app, "b").id()).isEqualTo("pubsub-2");
    assertThat(new WebhookTrigger(app, "hook").id()).isEqualTo("webhook-1");
    assertThat(new RecordingSource(app, new Pipeline("p", new CollectingSink())).id()).isEqualTo("source-1");
  }

  @Test
  void aDuplicateIdIsRefused() {
    new PubSubTrigger(app, "a").withId("same");
    assertThatThrownBy(() -> new PubSubTrigger(app, "b").withId("same"))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("duplicate trigger id 'same'");
    new RecordingSource(app, new Pipeline("p", new CollectingSink())).withId("s");
    assertThatThrownBy(() -> new RecordingSource(app, new Pipeline("q", new CollectingSink())).withId("s"))
      .hasMessage("duplicate source id 's'");
    assertThatThrownBy(() -> new RecordingSource(app, new Pipeline("p", new CollectingSink())))
      .hasMessage("pipeline id 'p' is already used by another pipeline");
  }

  @Test
  void aWebhookNameUsedTwiceFailsTheStartAndNothingStarts() throws Exception {
    RecordingSource source = new RecordingSource(app, new Pipeline("p", new CollectingSink()));
    source.on(new WebhookTrigger(app, "deploy"), new WebhookTrigger(app, "deploy"));

    assertThatThrownBy(() -> app.start().await(20, TimeUnit.SECONDS))
      .hasMessage("webhook name 'deploy' is already used by trigger 'webhook-1', so trigger 'webhook-2' cannot have it");
    assertThat(source.isDeployed()).isFalse();
  }

  @Test
  void anIdCannotChangeAfterStart() throws Exception {
    PubSubTrigger trigger = new PubSubTrigger(app, "a");
    app.start().await(20, TimeUnit.SECONDS);
    assertThatThrownBy(() -> trigger.withId("late"))
      .isInstanceOf(IllegalStateException.class)
      .hasMessage("trigger 'pubsub-1' is already deployed: set its id before start");
  }

  @Test
  void closeStopsTriggersFirstAndLetsTheRunningCycleFinish() throws Exception {
    CollectingSink sink = new CollectingSink();
    RecordingSource source = new RecordingSource(app, new Pipeline("p", sink));
    PubSubTrigger trigger = new PubSubTrigger(app, "go");
    source.on(trigger);
    app.start().await(20, TimeUnit.SECONDS);
    source.holdCycles();
    app.pubSub().publish("go", new JsonObject().put("n", 1));
    await().atMost(Duration.ofSeconds(20)).until(source::isCycling);

    var closed = app.close();
    await().atMost(Duration.ofSeconds(20)).until(() -> !app.vertx().deploymentIDs().contains(trigger.deploymentID()));
    assertThat(closed.isComplete()).isFalse();

    source.releaseCycles();
    closed.await(20, TimeUnit.SECONDS);
    assertThat(sink.events()).hasSize(1);
  }

  @Test
  void anAppStartedTwiceOnlyDeploysWhatIsNew() throws Exception {
    CollectingSink sink = new CollectingSink();
    RecordingSource first = new RecordingSource(app, new Pipeline("p", sink));
    first.on(new PubSubTrigger(app, "one"));
    app.start().await(20, TimeUnit.SECONDS);

    RecordingSource second = new RecordingSource(app, new Pipeline("q", new CollectingSink()));
    second.on(new PubSubTrigger(app, "two"));
    app.start().await(20, TimeUnit.SECONDS);

    app.pubSub().publish("one", new JsonObject());
    app.pubSub().publish("two", new JsonObject());
    await().atMost(Duration.ofSeconds(20)).until(() -> first.cycles() == 1 && second.cycles() == 1);
  }
}
