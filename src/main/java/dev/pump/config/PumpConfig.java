package dev.pump.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole configuration of the service, typed and validated: what {@code conf/config.yaml}
 * describes (see docs/interface.md, "Configuration"). Build one with {@link ConfigLoader} from a YAML
 * file, with {@link #fromJson(JsonObject)}, or by hand; {@link PumpAssembler} turns it into a
 * running {@code PumpApplication}.
 *
 * @param dataDir where the service keeps its files; a {@code file} sink without {@code path}
 *     writes {@code <dataDir>/<pipeline id>.jsonl}
 * @param shutdownGrace how long running cycles may take to finish when the service stops
 * @param pipelines at least one
 */
public record PumpConfig(HttpConfig http, Path dataDir, Duration shutdownGrace, ClusterConfig cluster,
                         List<PipelineConfig> pipelines) {

  public static final Path DEFAULT_DATA_DIR = Path.of("data");
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  public PumpConfig {
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    Objects.requireNonNull(cluster, "cluster");
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("shutdownGrace must not be negative, got " + shutdownGrace);
    }
    pipelines = List.copyOf(pipelines);
  }

  /**
   * Binds and validates the JSON form of the YAML file (no environment overrides).
   *
   * @throws InvalidConfigException listing every problem, each as {@code <key path>: <message>}
   */
  public static PumpConfig fromJson(JsonObject json) {
    return new ConfigBinder(Map.of()).bind(json);
  }

  /** @return the configuration in its YAML shape with defaults filled in and secrets redacted; for the log */
  public JsonObject toRedactedJson() {
    return new JsonObject()
      .put("http", http.toRedactedJson())
      .put("dataDir", dataDir.toString())
      .put("shutdownGrace", Durations.format(shutdownGrace))
      .put("cluster", cluster.toJson())
      .put("pipelines", new JsonArray(pipelines.stream().map(PipelineConfig::toRedactedJson).toList()));
  }

  @Override
  public String toString() {
    return "PumpConfig" + toRedactedJson().encode();
  }
}
