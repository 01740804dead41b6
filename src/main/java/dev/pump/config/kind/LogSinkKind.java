package dev.pump.config.kind;

import dev.pump.config.ConfigNode;
import dev.pump.config.SinkConfig;
import dev.pump.config.SinkKind;
import dev.pump.pipeline.LogSink;
import dev.pump.pipeline.Sink;

import java.nio.file.Path;
import java.util.List;

/** {@code { type: log, name }}: one INFO line per event on logger {@code dev.pump.sink.<name>}; the name defaults to the pipeline's id. */
public final class LogSinkKind implements SinkKind<SinkConfig.Log> {

  @Override
  public String name() {
    return SinkConfig.Log.TYPE;
  }

  @Override
  public List<String> keys() {
    return List.of("name");
  }

  @Override
  public SinkConfig.Log bind(String pipelineId, Path dataDir, ConfigNode node) {
    String name = node.nonBlank("name", pipelineId);
    return name == null ? null : new SinkConfig.Log(name);
  }

  @Override
  public Sink create(Context context, SinkConfig.Log config) {
    return new LogSink(config.name());
  }
}
