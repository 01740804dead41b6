package dev.pump;

import dev.pump.pipeline.Pipeline;
import dev.pump.source.SourceRuntime;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.Trigger;
import dev.pump.trigger.TriggerRuntime;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A start that fails anywhere fails {@link PumpApplication#start()} with that failure, and what had
 * started is undeployed again (issue 11: the failure used to be swallowed and the start "succeeded").
 */
@ExtendWith(VertxExtension.class)
class StartFailureTest {

  private Vertx vertx;
  private PumpApplication app;
  private Pipeline pipeline;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    app = PumpApplication.builder().vertx(vertx).build();
    pipeline = new Pipeline("p", new CollectingSink());
  }

  @AfterEach
  void tearDown() throws Exception {
    app.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void aCustomTriggerWhoseStartFailsFailsTheStartAndTheSourcesAreUndeployed() {
    new RecordingSource(app, pipeline).on(new PubSubTrigger(app, "ok.topic"), new FailingTrigger(app, "door bell offline"));

    assertThatThrownBy(() -> app.start().await())
      .isInstanceOf(IllegalStateException.class)
      .hasMessage("door bell offline");
    assertThat(vertx.deploymentIDs()).as("nothing the failed start deployed is left").isEmpty();
  }

  @Test
  void aCustomTriggerWhoseStartThrowsFailsTheStart() {
    new RecordingSource(app, pipeline).on(new ThrowingTrigger(app));

    assertThatThrownBy(() -> app.start().await()).hasMessage("thrown by start()");
    assertThat(vertx.deploymentIDs()).isEmpty();
  }

  @Test
  void aSourceWhoseStartFailsFailsTheStartBeforeAnyTriggerIsDeployed() {
    PubSubTrigger trigger = new PubSubTrigger(app, "t");
    new FailingSource(app, pipeline).on(trigger);
    new RecordingSource(app, new Pipeline("q", new CollectingSink())).on(trigger);

    assertThatThrownBy(() -> app.start().await()).hasMessage("warehouse unreachable");
    assertThat(trigger.isDeployed()).isFalse();
    assertThat(vertx.deploymentIDs()).isEmpty();
  }

  @Test
  void aFailureBeforeTheTriggersFailsTheStartAndUndeploysTheSources() {
    PubSubTrigger trigger = new PubSubTrigger(app, "t");
    new RecordingSource(app, pipeline).on(trigger);

    assertThatThrownBy(() -> app.start(() -> Future.failedFuture(new IllegalStateException("port 8080 is in use")))
      .await()).hasMessage("port 8080 is in use");
    assertThat(trigger.isDeployed()).isFalse();
    assertThat(vertx.deploymentIDs()).isEmpty();
  }

  @Test
  void aStartThatSucceedsStillSucceeds() {
    new RecordingSource(app, pipeline).on(new PubSubTrigger(app, "t"));

    app.start().await();

    assertThat(vertx.deploymentIDs()).hasSize(2);
  }

  /** A trigger whose start fails, as one that cannot reach what it listens to would. */
  static final class FailingTrigger extends Trigger {
    private final String reason;

    FailingTrigger(TriggerRuntime runtime, String reason) {
      super(runtime, "failing");
      this.reason = reason;
    }

    @Override
    public Future<?> start() {
      return Future.failedFuture(new IllegalStateException(reason));
    }
  }

  static final class ThrowingTrigger extends Trigger {
    ThrowingTrigger(TriggerRuntime runtime) {
      super(runtime, "throwing");
    }

    @Override
    public Future<?> start() {
      throw new IllegalArgumentException("thrown by start()");
    }
  }

  static final class FailingSource extends RecordingSource {
    FailingSource(SourceRuntime runtime, Pipeline pipeline) {
      super(runtime, pipeline);
    }

    @Override
    public Future<?> start() {
      return super.start().compose(v -> Future.failedFuture(new IllegalStateException("warehouse unreachable")));
    }
  }
}
