package dev.pump.bench;

import dev.pump.pipeline.Pipeline;
import dev.pump.source.SourceRuntime;
import dev.pump.source.TriggerSource;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Future;

import java.time.Instant;

/** The sources and the pipeline the benchmarks attach to triggers. */
public final class BenchSources {

  private BenchSources() {
  }

  /** A pipeline whose sink drops everything; the benchmark sources never call process() anyway. */
  public static Pipeline noopPipeline(String id) {
    return new Pipeline(id, event -> Future.succeededFuture());
  }

  /** A source whose cycle does nothing. */
  public static final class NoopSource extends TriggerSource {
    public NoopSource(SourceRuntime app, Pipeline pipeline) {
      super(app, pipeline);
    }

    @Override
    protected void cycle(TriggerEvent event) {
    }
  }

  /** Hears {@code (scheduledAt, clock now)} from a cycle. */
  @FunctionalInterface
  public interface LatenessListener {
    void cycled(Instant scheduledAt, Instant now);
  }

  /** A source whose cycle reports {@code clock now} and the event's {@code scheduledAt}. */
  public static final class LatenessSource extends TriggerSource {
    private final LatenessListener listener;

    public LatenessSource(SourceRuntime app, Pipeline pipeline, LatenessListener listener) {
      super(app, pipeline);
      this.listener = listener;
    }

    @Override
    protected void cycle(TriggerEvent event) {
      Instant now = Instant.now();
      if (event.scheduledAt() != null) {
        listener.cycled(event.scheduledAt(), now);
      }
    }
  }
}
