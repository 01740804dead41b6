package dev.pump;

import dev.pump.config.PumpConfig;
import dev.pump.pipeline.Pipeline;
import dev.pump.source.SourceRuntime;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.Trigger;
import dev.pump.trigger.TriggerRuntime;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
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
    new RecordingSource(app, pipeline).on(new PubSubTrigger(app, "ok.topic"),
      new FailingTrigger(app, "door bell offline"));

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

  @Test
  void theServiceOnABusyPortFailsItsStartAndTheFutureCompletes(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      PumpConfig config = PumpConfig.fromJson(new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("dataDir", dir.toString())
        .put("pipelines", new JsonArray().add(new JsonObject().put("id", "p")
          .put("source", new JsonObject().put("type", "clock"))
          .put("triggers", new JsonArray().add(new JsonObject().put("type", "runonce").put("id", "once")))
          .put("sink", new JsonObject().put("type", "file")))));

      // the failure is reported after Vert.x is closed: the future must still complete
      assertThatThrownBy(() -> PumpService.start(config).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .hasMessage("port " + port + " on 127.0.0.1 is in use");
      assertThat(dir.resolve("p.jsonl")).as("the run-once trigger never fired").doesNotExist();
    }
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
