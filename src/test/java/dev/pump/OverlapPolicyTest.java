package dev.pump;

import dev.pump.pipeline.Pipeline;
import dev.pump.source.Overlap;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What a source does with fires that arrive while a cycle runs: merge, skip, queue, concurrent. */
@ExtendWith(VertxExtension.class)
class OverlapPolicyTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private PumpApplication app;
  private RecordingSource source;

  @BeforeEach
  void setUp(Vertx vertx) {
    app = PumpApplication.builder().vertx(vertx).build();
    source = new RecordingSource(app, new Pipeline("p", new CollectingSink()));
    source.on(new PubSubTrigger(app, "go"));
  }

  @AfterEach
  void tearDown() throws Exception {
    source.releaseCycles();
    app.close().await(20, TimeUnit.SECONDS);
  }

  private void startWith(Overlap overlap) throws Exception {
    source.withOverlap(overlap);
    app.start().await(20, TimeUnit.SECONDS);
  }

  private void fire(int n) {
    app.pubSub().publish("go", new JsonObject().put("n", n));
  }

  private List<Integer> cycleArgs() {
    return source.cycleEvents().stream().map(TriggerEvent::args).map(a -> a.getInteger("n")).toList();
  }

  @Test
  void illegalLimitsAreRefused() {
    assertThatThrownBy(() -> Overlap.queue(0)).hasMessage("queue limit must be at least 1, got 0");
    assertThatThrownBy(() -> Overlap.concurrent(-1)).hasMessage("concurrent limit must be at least 1, got -1");
  }

  @Test
  void skipDropsFiresDuringACycleAndCountsThem() throws Exception {
    startWith(Overlap.SKIP);
    source.holdCycles();
    fire(0);
    await().atMost(DEADLINE).until(source::isCycling);
    for (int n = 1; n <= 5; n++) {
      fire(n);
    }
    await().atMost(DEADLINE).until(() -> source.firesDropped() == 5);
    source.releaseCycles();
    await().during(Duration.ofMillis(300)).atMost(DEADLINE).until(() -> source.cycles() == 1);
    assertThat(source.pipeline().counters().firesDropped()).isEqualTo(5);
  }

  @Test
  void queueRunsWaitingFiresInOrderUpToItsLimitAndDropsTheRest() throws Exception {
    startWith(Overlap.queue(2));
    source.holdCycles();
    fire(0);
    await().atMost(DEADLINE).until(source::isCycling);
    for (int n = 1; n <= 5; n++) {
      fire(n);
    }
    await().atMost(DEADLINE).until(() -> source.firesDropped() == 3);
    source.releaseCycles();
    await().atMost(DEADLINE).until(() -> source.cycles() == 3);
    assertThat(cycleArgs()).containsExactly(0, 1, 2);
    assertThat(source.firesMerged()).isZero();
  }

  @Test
  void concurrentRunsUpToItsLimitOfCyclesAtOnceAndMergesBeyond() throws Exception {
    AtomicInteger atOnce = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    source.beforeEachCycle(() -> most.accumulateAndGet(atOnce.incrementAndGet(), Math::max));
    source.afterEachCycle(atOnce::decrementAndGet);
    startWith(Overlap.concurrent(2));
    source.holdCycles();
    fire(0);
    fire(1);
    await().atMost(DEADLINE).until(() -> atOnce.get() == 2);
    fire(2);
    fire(3);
    await().atMost(DEADLINE).until(() -> source.firesMerged() == 1);

    source.releaseCycles();
    await().atMost(DEADLINE).until(() -> source.cycles() == 3);
    assertThat(most.get()).isEqualTo(2);
    assertThat(cycleArgs()).containsExactlyInAnyOrder(0, 1, 3);
  }
}
