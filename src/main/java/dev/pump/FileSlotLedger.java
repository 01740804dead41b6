package dev.pump;

import dev.pump.journal.FireJournal;
import dev.pump.trigger.SlotLedger;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SlotLedger} for one node that keeps each trigger's last fired slot in
 * {@code <dir>/<triggerId>.slot}, so catch-up works across restarts. Each write goes to a temporary
 * file first, forced to disk, and is then renamed over the old one, and the directory forced: after
 * a crash (even {@code kill -9}, even a power cut) the file holds the old slot or the new one, never
 * half of either. Every claim is won: one node only.
 */
public final class FileSlotLedger implements SlotLedger {

  private static final Logger LOG = LoggerFactory.getLogger(FileSlotLedger.class);

  private final Vertx vertx;
  private final Path dir;
  private final Map<String, Instant> last = new ConcurrentHashMap<>();
  private final Map<String, Future<Void>> writes = new ConcurrentHashMap<>();
  /** Triggers whose last write failed: a failure is logged once, until a write succeeds again. */
  private final Set<String> failing = ConcurrentHashMap.newKeySet();

  public FileSlotLedger(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir;
  }

  @Override
  public Future<Boolean> claim(String triggerId, Instant slot) {
    return Future.succeededFuture(true);
  }

  @Override
  public Future<Optional<Instant>> lastFired(String triggerId) {
    Instant known = last.get(triggerId);
    if (known != null) {
      return Future.succeededFuture(Optional.of(known));
    }
    String file = fileOf(triggerId).toString();
    return vertx.fileSystem().exists(file).compose(exists -> exists
      ? vertx.fileSystem().readFile(file).map(content -> parse(content, file))
      : Future.succeededFuture(Optional.empty()));
  }

  private static Optional<Instant> parse(Buffer content, String file) {
    try {
      return Optional.of(Instant.parse(content.toString().trim()));
    } catch (DateTimeParseException e) {
      throw new IllegalStateException("slot file " + file + " does not hold an ISO-8601 instant: "
        + content.toString().trim(), e);
    }
  }

  @Override
  public Future<Void> recordFired(String triggerId, Instant slot) {
    last.merge(triggerId, slot, (a, b) -> a.isAfter(b) ? a : b);
    // one write at a time per trigger, each writing the newest slot: renames never go backwards
    // transform, not eventually: each call reports its own write, not a failure of an earlier one
    return writes.compute(triggerId, (id, previous) ->
      (previous == null ? Future.<Void>succeededFuture() : previous).transform(ar -> write(id)));
  }

  private Future<Void> write(String triggerId) {
    Path target = fileOf(triggerId);
    return vertx.<Void>executeBlocking(() -> {
      writeDurably(target, last.get(triggerId) + "\n");
      return null;
    }, false).andThen(ar -> reportWrite(triggerId, target.toString(), ar.cause()));
  }

  /**
   * Writes {@code content} to a temporary file, forces it, renames it over {@code target} and
   * forces the directory: once this returns, a power cut leaves the new content, and at any moment
   * before, the old one; never an empty or half-written file (a rename alone may reach the disk
   * before the data it names).
   */
  private void writeDurably(Path target, String content) throws IOException {
    Files.createDirectories(dir);
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
      StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    }
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    FireJournal.forceDirectory(dir);
  }

  /** Logs the first failed write of a trigger's slot, and the first success after failures: one line each. */
  private void reportWrite(String triggerId, String target, Throwable failure) {
    if (failure != null) {
      if (failing.add(triggerId)) {
        LOG.warn("Cannot record the last fired slot of trigger '{}' in {}: {}; catch-up after a restart may "
          + "repeat or miss slots until this is fixed", triggerId, target, failure.toString());
      }
    } else if (failing.remove(triggerId)) {
      LOG.info("The last fired slot of trigger '{}' is recorded in {} again", triggerId, target);
    }
  }

  private Path fileOf(String triggerId) {
    return dir.resolve(triggerId + ".slot");
  }
}
