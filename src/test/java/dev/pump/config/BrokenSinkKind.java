package dev.pump.config;

import dev.pump.pipeline.Sink;

import java.nio.file.Path;
import java.util.List;

/**
 * A sink kind with the bug a kind of one's own may have: its {@code bind} throws instead of reporting
 * a problem. Listed in
 * {@code kinds/META-INF/services} next to {@link MemorySinkKind}.
 */
public class BrokenSinkKind implements SinkKind<SinkConfig> {

  @Override
  public String name() {
    return "broken";
  }

  @Override
  public List<String> keys() {
    return List.of("settings");
  }

  @Override
  public SinkConfig bind(String pipelineId, Path dataDir, ConfigNode node) {
    throw new IllegalStateException("a bug: 'settings' was never read");
  }

  @Override
  public Sink create(Context context, SinkConfig config) {
    throw new UnsupportedOperationException("never bound");
  }
}
