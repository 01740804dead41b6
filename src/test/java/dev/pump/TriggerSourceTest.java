package dev.pump;

import dev.pump.pipeline.Pipeline;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.Trigger;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The source rules: one cycle at a time, merged fires, waiting for the pipeline, errors. */
@ExtendWith(VertxExtension.class)
class TriggerSourceTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private PumpApplication app;
  private CollectingSink sink;
  private Pipeline pipeline;
  private RecordingSource source;
  private PubSubTrigger trigger;

  @BeforeEach
  void setUp(Vertx vertx) {
    app = PumpApplication.builder().vertx(vertx).nodeId("test-node").build();
    sink = new CollectingSink();
    pipeline = new Pipeline("main", sink);
    trigger = new PubSubTrigger(app, "go").withId("go");
    source = new RecordingSource(app, pipeline);
    source.on(trigger);
  }

  @AfterEach
  void tearDown() throws Exception {
    source.releaseCycles();
    app.close().await(20, TimeUnit.SECONDS);
  }

  private void start() throws Exception {
    app.start().await(20, TimeUnit.SECONDS);
  }

  private void fire(int n) {
    app.pubSub().publish("go", new JsonObject().put("n", n));
  }

  @Test
  void aFireRunsOneCycleWithTheFiresEventAndArgs() throws Exception {
    start();
    fire(1);

    await().atMost(DEADLINE).until(() -> sink.events().size() == 1);
    JsonObject event = sink.events().get(0);
    assertThat(event.getString("trigger")).isEqualTo("go");
    assertThat(event.getString("type")).isEqualTo("pubsub");
    assertThat(event.getJsonObject("args")).isEqualTo(new JsonObject().put("n", 1));
    assertThat(event.getString("node")).isEqualTo("test-node");
    assertThat(event.getString("firing")).isNotBlank();
    assertThat(event.getValue("scheduledAt")).isNull();
    assertThat(pipeline.counters().cycles()).isEqualTo(1);
  }

  @Test
  void tenThousandFiresDuringOneSlowCycleGiveExactlyOneMoreCycleWithTheLatestFire() throws Exception {
    start();
    source.holdCycles();
    fire(0);
    await().atMost(DEADLINE).until(source::isCycling);

    for (int n = 1; n <= 10_000; n++) {
      fire(n);
    }
    // every fire is taken and merged while the first cycle still runs: none waits in a queue
    await().atMost(DEADLINE).until(() -> source.firesMerged() == 9_999);
    assertThat(source.isCycling()).isTrue();
    assertThat(source.cycleEvents()).hasSize(1);

    source.releaseCycles();
    await().atMost(DEADLINE).until(() -> source.cycles() == 2);
    assertThat(source.cycleEvents()).hasSize(2);
    assertThat(source.cycleEvents().get(1).args().getInteger("n")).isEqualTo(10_000);
    assertThat(pipeline.counters().firesMerged()).isEqualTo(9_999);
    await().during(Duration.ofMillis(300)).atMost(DEADLINE).until(() -> source.cycles() == 2);
  }

  @Test
  void aStormOfFiresDuringASlowCycleDoesNotGrowTheHeap() throws Exception {
    start();
    source.holdCycles();
    fire(0);
    await().atMost(DEADLINE).until(source::isCycling);
    long before = usedHeapAfterGc();

    int storm = 100_000;
    for (int n = 1; n <= storm; n++) {
      fire(n);
    }
    await().atMost(DEADLINE).until(() -> source.firesMerged() == storm - 1);
    long after = usedHeapAfterGc();

    // queued, 100 000 events would hold tens of MiB; merged, they hold one
    assertThat(after - before).isLessThan(16L * 1024 * 1024);
    source.releaseCycles();
    await().atMost(DEADLINE).until(() -> source.cycles() == 2);
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void aCycleThatThrowsPutsThePipelineInErrorUntilTheErrorIsCleared() throws Exception {
    start();
    source.failNextCycle(new IllegalStateException("database gone"));
    fire(1);

    await().atMost(DEADLINE).until(() -> pipeline.error().isPresent());
    assertThat(pipeline.isReady()).isFalse();
    assertThat(pipeline.error().get().message()).isEqualTo("IllegalStateException: database gone");
    assertThat(pipeline.error().get().where()).isEqualTo("source 'source-1'");
    assertThat(pipeline.counters().errors()).isEqualTo(1);
    assertThat(pipeline.snapshot().getJsonObject("error").getString("message")).contains("database gone");

    fire(2);
    fire(3);
    await().during(Duration.ofMillis(300)).atMost(DEADLINE).until(() -> source.cycles() == 1);
    assertThat(source.isCycling()).isFalse();

    pipeline.clearError();
    await().atMost(DEADLINE).until(() -> source.cycles() == 2);
    assertThat(source.cycleEvents().get(1).args().getInteger("n")).isEqualTo(3);
    assertThat(source.firesMerged()).isEqualTo(1);
    assertThat(sink.events()).hasSize(1);
    assertThat(pipeline.isReady()).isTrue();
  }

  @Test
  void aRecoverableFailureIsAWarningAndWorkGoesOn() throws Exception {
    pipeline.withRecoverable(e -> e instanceof IllegalArgumentException);
    start();
    source.failNextCycle(new IllegalArgumentException("one bad row"));
    fire(1);
    await().atMost(DEADLINE).until(() -> pipeline.counters().warnings() == 1);
    assertThat(pipeline.isReady()).isTrue();
    assertThat(pipeline.snapshot().getString("lastWarning")).contains("one bad row");

    fire(2);
    await().atMost(DEADLINE).until(() -> sink.events().size() == 1);
    assertThat(pipeline.counters().errors()).isZero();
  }

  @Test
  void firesWhileThePipelineIsThrottledWaitMergedUntilItIsReady() throws Exception {
    start();
    pipeline.throttle("backpressure");
    fire(1);
    fire(2);
    fire(3);
    await().atMost(DEADLINE).until(() -> source.firesMerged() == 2);
    assertThat(source.cycles()).isZero();

    pipeline.unthrottle("backpressure");
    await().atMost(DEADLINE).until(() -> sink.events().size() == 1);
    assertThat(sink.events().get(0).getJsonObject("args").getInteger("n")).isEqualTo(3);
    await().during(Duration.ofMillis(300)).atMost(DEADLINE).until(() -> source.cycles() == 1);
  }

  @Test
  void throttleHoldsProcessInsideARunningCycleUntilUnthrottled() throws Exception {
    start();
    source.holdCycles();
    fire(1);
    await().atMost(DEADLINE).until(source::isCycling);
    pipeline.throttle("slow sink");
    source.releaseCycles();

    await().during(Duration.ofMillis(300)).atMost(DEADLINE).until(() -> sink.events().isEmpty());
    assertThat(source.isCycling()).isTrue();

    pipeline.unthrottle("slow sink");
    await().atMost(DEADLINE).until(() -> sink.events().size() == 1);
    await().atMost(DEADLINE).until(() -> !source.isCycling());
  }

  @Test
  void aSourceWithSeveralTriggersRunsForEachAndATriggerDrivesSeveralSources() throws Exception {
    Trigger other = new PubSubTrigger(app, "other").withId("other");
    source.on(other);
    CollectingSink secondSink = new CollectingSink();
    RecordingSource second = new RecordingSource(app, new Pipeline("second", secondSink));
    second.on(trigger);
    start();

    fire(1);
    await().atMost(DEADLINE).until(() -> sink.events().size() == 1 && secondSink.events().size() == 1);
    app.pubSub().publish("other", new JsonObject().put("from", "other"));
    await().atMost(DEADLINE).until(() -> sink.events().size() == 2);

    assertThat(sink.events()).extracting(e -> e.getString("trigger")).containsExactly("go", "other");
    assertThat(secondSink.events()).extracting(e -> e.getString("trigger")).containsExactly("go");
    assertThat(trigger.sources()).containsExactlyInAnyOrder("source-1", "source-2");
  }

  @Test
  void aMalformedMessageOnATriggerAddressIsIgnored(Vertx vertx) throws Exception {
    start();
    vertx.eventBus().publish(Trigger.address("go"), new JsonObject().put("nonsense", true));
    fire(1);
    await().atMost(DEADLINE).until(() -> sink.events().size() == 1);
    assertThat(source.cycles()).isEqualTo(1);
  }
}
