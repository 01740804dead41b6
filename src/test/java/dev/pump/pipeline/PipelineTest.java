package dev.pump.pipeline;

import dev.pump.testing.CollectingSink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** One bad event never stops a pipeline by itself, unless the pipeline says so. */
class PipelineTest {

  /** An event nested {@code depth} deep, one level more than Jackson may write when depth is 1001. */
  private static JsonObject nested(int depth) {
    JsonObject event = new JsonObject();
    for (int i = 1; i < depth; i++) {
      event = new JsonObject().put("a", event);
    }
    return event;
  }

  @Test
  void anEventTheFileSinkCannotEncodeIsRejectedAndTheNextOneIsWritten(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("out.jsonl");
    Pipeline pipeline = new Pipeline("deep", new FileSink(file));

    pipeline.process(nested(1001)).await(5, TimeUnit.SECONDS);
    pipeline.process(new JsonObject().put("n", 2)).await(5, TimeUnit.SECONDS);

    assertThat(pipeline.isReady()).isTrue();
    assertThat(pipeline.error()).isEmpty();
    assertThat(pipeline.counters().eventsRejected()).isEqualTo(1);
    assertThat(pipeline.counters().eventsOut()).isEqualTo(1);
    assertThat(pipeline.snapshot().getJsonObject("counters").getLong("eventsRejected")).isEqualTo(1);
    assertThat(Files.readAllLines(file)).containsExactly("{\"n\":2}");
    pipeline.close();
  }

  @Test
  void aProcessorThatThrowsOnOneEventRejectsOnlyThatEvent() throws Exception {
    CollectingSink sink = new CollectingSink();
    Processor picky = event -> {
      if (event.containsKey("poison")) {
        throw new IllegalArgumentException("poison");
      }
      return event;
    };
    Pipeline pipeline = new Pipeline("picky", List.of(picky), sink);

    pipeline.process(new JsonObject().put("poison", true)).await(5, TimeUnit.SECONDS);
    pipeline.process(new JsonObject().put("n", 2)).await(5, TimeUnit.SECONDS);

    assertThat(pipeline.isReady()).isTrue();
    assertThat(pipeline.counters().eventsRejected()).isEqualTo(1);
    assertThat(pipeline.counters().errors()).isZero();
    assertThat(sink.events()).containsExactly(new JsonObject().put("n", 2));
  }

  @Test
  void aSinkSayingBadEventRejectsOnlyThatEvent() throws Exception {
    Sink sink = event -> event.containsKey("bad")
      ? Future.failedFuture(new BadEventException("cannot take it"))
      : Future.succeededFuture();
    Pipeline pipeline = new Pipeline("sink-says", sink);

    pipeline.process(new JsonObject().put("bad", 1)).await(5, TimeUnit.SECONDS);

    assertThat(pipeline.isReady()).isTrue();
    assertThat(pipeline.counters().eventsRejected()).isEqualTo(1);
  }

  @Test
  void withBadEventsStopABadEventPutsThePipelineInError() {
    Sink encoding = event -> {
      new JacksonCodec().toString(event); // the streaming codec, as the service's sinks write (see FileSink)
      return Future.succeededFuture();
    };
    Pipeline pipeline = new Pipeline("strict", encoding).withBadEvents(Pipeline.BadEvents.STOP);

    assertThat(pipeline.process(nested(1001)).failed()).isTrue();

    assertThat(pipeline.isReady()).isFalse();
    assertThat(pipeline.error()).hasValueSatisfying(error -> assertThat(error.message()).contains("nesting depth"));
    assertThat(pipeline.counters().eventsRejected()).isZero();
  }

  @Test
  void aRetriedWriteSendsWhatTheProcessorsMadeWithoutRunningThemAgain() throws Exception {
    AtomicInteger processorRuns = new AtomicInteger();
    AtomicInteger writes = new AtomicInteger();
    List<JsonObject> written = new CopyOnWriteArrayList<>();
    Sink failingOnce = event -> {
      if (writes.getAndIncrement() == 0) {
        return Future.failedFuture(new IOException("endpoint down"));
      }
      written.add(event);
      return Future.succeededFuture();
    };
    Processor stamp = event -> {
      processorRuns.incrementAndGet();
      return event.copy().put("stamped", true);
    };
    Pipeline pipeline = new Pipeline("stamped", List.of(stamp), failingOnce)
      .withSinkRetry(Duration.ofMillis(1), Duration.ofMillis(5));

    pipeline.process(new JsonObject().put("n", 1)).await(10, TimeUnit.SECONDS);

    assertThat(written).containsExactly(new JsonObject().put("n", 1).put("stamped", true));
    assertThat(processorRuns).hasValue(1);
    assertThat(pipeline.isReady()).isTrue();
    assertThat(pipeline.counters().sinkFailures()).isEqualTo(1);
  }
}
