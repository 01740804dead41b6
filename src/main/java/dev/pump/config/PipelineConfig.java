package dev.pump.config;

import dev.pump.pipeline.Durability;
import dev.pump.source.Overlap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code pipelines}: a source run by triggers, feeding processors and a sink.
 *
 * @param id unique among pipelines; also the id of the pipeline's source
 * @param overlap the source's {@code overlap} policy ({@code queueLimit}, {@code maxConcurrent})
 * @param triggers what runs the source: definitions and {@link TriggerConfig.Ref}s; at least one
 * @param durability whether accepted fires are journaled before they are answered ({@code durability})
 */
public record PipelineConfig(String id, SourceConfig source, Overlap overlap, List<TriggerConfig> triggers,
                             List<ProcessorConfig> processors, SinkConfig sink, Durability durability) {

  public PipelineConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(overlap, "overlap");
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(durability, "durability");
    triggers = List.copyOf(triggers);
    processors = List.copyOf(processors);
  }

  JsonObject toRedactedJson() {
    return new JsonObject()
      .put("id", id)
      .put("source", source.toJson().put("overlap", overlap.toString()))
      .put("triggers", new JsonArray(triggers.stream().map(TriggerConfig::toRedactedJson).toList()))
      .put("processors", new JsonArray(processors.stream().map(ProcessorConfig::toJson).toList()))
      .put("sink", sink.toJson())
      .put("durability", durability.configName());
  }
}
