package dev.pump.config.kind;

import dev.pump.config.ConfigNode;
import dev.pump.config.SinkConfig;
import dev.pump.config.SinkKind;
import dev.pump.pipeline.FileSink;
import dev.pump.pipeline.Sink;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code { type: file, path }}: appends JSON lines; {@code path} defaults to {@code <dataDir>/<pipeline id>.jsonl}.
 * Pipelines writing the same file share one sink, so that their lines never interleave.
 */
public final class FileSinkKind implements SinkKind<SinkConfig.File> {

  @Override
  public String name() {
    return SinkConfig.File.TYPE;
  }

  @Override
  public List<String> keys() {
    return List.of("path");
  }

  @Override
  public SinkConfig.File bind(String pipelineId, Path dataDir, ConfigNode node) {
    Path file;
    if (node.has("path")) {
      String text = node.requiredString("path", "a file, e.g. data/events.jsonl");
      file = text == null ? null : node.path("path", text);
    } else {
      file = dataDir.resolve(pipelineId + ".jsonl");
    }
    if (file == null) {
      return null;
    }
    Optional<String> unwritable = FileSink.checkWritable(file);
    if (unwritable.isPresent()) {
      if (node.has("path")) {
        node.problem("path", "cannot write to " + file + ": " + unwritable.get());
      } else {
        node.problemWithEntry("cannot write to " + file + " (no path given: <dataDir>/<pipeline id>.jsonl): "
          + unwritable.get());
      }
      return null;
    }
    return new SinkConfig.File(file);
  }

  @Override
  public Sink create(Context context, SinkConfig.File config) {
    return context.shared(config.path().toAbsolutePath().normalize(), () -> new FileSink(config.path()));
  }
}
