package dev.pump.config;

import dev.pump.PumpApplication;
import dev.pump.pipeline.Pipeline;
import dev.pump.source.TriggerSource;

import java.util.List;

/**
 * A kind of source the configuration knows by its {@code type} ({@code clock}, {@code http-get},
 * {@code class}, or your own), found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.pump.config.SourceKind}, like {@link TriggerKind}. The configuration
 * checks {@code type}, unknown keys and the overlap keys every source has
 * ({@code overlap, queueLimit, maxConcurrent}); the kind checks the values of its own keys.
 *
 * @param <C> the validated entry
 */
public interface SourceKind<C extends SourceConfig> {

  /** @return the {@code type} of the kind's entries, e.g. {@code http-get} */
  String name();

  /** @return the keys an entry of this kind may have besides {@code type} and the overlap keys */
  List<String> keys();

  /**
   * Reads an entry and validates its values, reporting each problem through {@code node}.
   *
   * @return the validated entry, or {@code null} when a problem was reported
   */
  C bind(ConfigNode node);

  /**
   * Builds the source of a validated entry, feeding {@code pipeline}; nothing is started.
   *
   * @throws ConfigKeyException when the entry cannot be built after all (a user class failing in its constructor)
   */
  TriggerSource create(PumpApplication app, Pipeline pipeline, C config);
}
