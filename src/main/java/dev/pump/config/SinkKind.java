package dev.pump.config;

import dev.pump.PumpApplication;
import dev.pump.pipeline.Sink;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * A kind of sink the configuration knows by its {@code type} ({@code log}, {@code file},
 * {@code eventbus}, {@code http}, {@code class}, or your own), found with
 * {@link java.util.ServiceLoader} through {@code META-INF/services/dev.pump.config.SinkKind}, like
 * {@link TriggerKind}. The configuration checks {@code type} and unknown keys; the kind checks the
 * values of its own keys.
 *
 * @param <C> the validated entry
 */
public interface SinkKind<C extends SinkConfig> {

  /** @return the {@code type} of the kind's entries, e.g. {@code file} */
  String name();

  /** @return the keys an entry of this kind may have besides {@code type} */
  List<String> keys();

  /**
   * Reads an entry and validates its values, reporting each problem through {@code node}.
   *
   * @param pipelineId the id of the pipeline the sink ends, for defaults named after it
   * @param dataDir the service's {@code dataDir}, for defaults that are files
   * @return the validated entry, or {@code null} when a problem was reported
   */
  C bind(String pipelineId, Path dataDir, ConfigNode node);

  /**
   * Builds the sink of a validated entry.
   *
   * @throws ConfigKeyException when the entry cannot be built after all (a user class failing in its constructor)
   */
  Sink create(Context context, C config);

  /** What a sink is built with. */
  interface Context {

    /** @return the application the sink's pipeline belongs to */
    PumpApplication app();

    /**
     * @return the sink already built for {@code key} by another pipeline of the same configuration, or
     *     the one {@code create} builds now: pipelines writing one file share one sink, so that their
     *     lines never interleave
     */
    <S extends Sink> S shared(Object key, Supplier<S> create);
  }
}
