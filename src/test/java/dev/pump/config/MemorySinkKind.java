package dev.pump.config;

import dev.pump.pipeline.Sink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sink kind of a test's own, {@code { type: memory, name, capacity }}: keeps the last {@code capacity}
 * events in memory under {@code name}. Listed in {@code kinds/META-INF/services}, not on the test
 * classpath itself, so that the other tests see the built-in kinds only.
 */
public class MemorySinkKind implements SinkKind<MemorySinkKind.Config> {

  /** The sinks built, by name, for the test to read. */
  static final Map<String, MemorySink> BUILT = new ConcurrentHashMap<>();

  /** A validated entry. */
  public record Config(String name, int capacity) implements SinkConfig {
    @Override
    public String type() {
      return "memory";
    }
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public List<String> keys() {
    return List.of("name", "capacity");
  }

  @Override
  public Config bind(String pipelineId, Path dataDir, ConfigNode node) {
    String name = node.nonBlank("name", pipelineId);
    Integer capacity = node.integer("capacity", 100, Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (capacity != null) {
      try {
        MemorySink.requireCapacity(capacity);
      } catch (IllegalArgumentException e) {
        node.problem("capacity", e.getMessage());
        capacity = null;
      }
    }
    return name == null || capacity == null ? null : new Config(name, capacity);
  }

  @Override
  public Sink create(Context context, Config config) {
    MemorySink sink = context.shared(config.name(), () -> new MemorySink(config.capacity()));
    BUILT.put(config.name(), sink);
    return sink;
  }

  /** Keeps the last events written to it. */
  static final class MemorySink implements Sink {

    private final int capacity;
    private final Deque<JsonObject> events = new ArrayDeque<>();

    MemorySink(int capacity) {
      this.capacity = requireCapacity(capacity);
    }

    static int requireCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("must keep at least 1 event, got " + capacity);
      }
      return capacity;
    }

    @Override
    public synchronized Future<Void> write(JsonObject event) {
      if (events.size() == capacity) {
        events.removeFirst();
      }
      events.addLast(event);
      return Future.succeededFuture();
    }

    synchronized List<JsonObject> events() {
      return List.copyOf(events);
    }
  }
}
