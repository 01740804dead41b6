package dev.pump.testing;

import dev.pump.pipeline.Processor;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A slow step for process tests, configured by file from the test: it passes events on while the
 * events it has passed are fewer than the number written in the file {@code config.gate}, and
 * otherwise waits (in the service's process) until the test raises that number. Loaded with
 * {@code -cp vertx-pump.jar:test-classes}.
 */
public final class GatedProcessor implements Processor {

  private final Path gate;
  private final AtomicLong passed = new AtomicLong();

  public GatedProcessor(JsonObject config) {
    this.gate = Path.of(config.getString("gate"));
  }

  @Override
  public JsonObject process(JsonObject event) throws Exception {
    while (passed.get() >= allowed()) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // a sink that is slow until the test says so
    }
    passed.incrementAndGet();
    return event;
  }

  private long allowed() throws IOException {
    try {
      return Long.parseLong(Files.readString(gate).trim());
    } catch (NoSuchFileException | NumberFormatException e) {
      return 0; // being rewritten by the test, or not there yet: hold
    }
  }
}
