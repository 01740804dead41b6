package dev.pump.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;

/**
 * Appends each event to a file as one line of JSON (JSON lines). The built-in {@code file} sink of
 * the configuration.
 *
 * <ul>
 *   <li>The file is opened, and its missing parent folders created, on the first write; what it
 *       already holds is kept.</li>
 *   <li>Every write reaches the operating system before its future completes (no buffer in this
 *       process; no {@code fsync} either, so a power cut may still lose the last lines).</li>
 *   <li>Writes are serialised: several sources may share one sink and every line stays whole.</li>
 *   <li>Each line is written whole or not at all: a write that fails part way (a full disk) cuts
 *       the file back to its length before the line, so no fragment is left for the next line to be
 *       appended to (if even that fails, the next write cuts it first).</li>
 *   <li>A write that fails (a full disk, a folder that cannot be created) fails its future with an
 *       {@link IOException} naming the path; the next write opens the file again. The pipeline
 *       retries the event with backoff, so the sink recovers by itself once there is space.</li>
 * </ul>
 *
 * <p>Writes block the calling thread for the duration of one small write, which suits the source
 * worker threads that call sinks; do not call {@link #write(JsonObject)} in a loop from an event
 * loop.
 */
public final class FileSink implements Sink {

  /**
   * Jackson's streaming codec, whatever else is on the classpath: with jackson-databind present,
   * {@code JsonObject.encode()} switches to a codec that recurses without Jackson's nesting limit and
   * overflows the stack on an event nested 1000 deep, instead of refusing it as one bad event.
   */
  private static final JacksonCodec JSON = new JacksonCodec();

  /** Opens the file for appending; a seam for tests that need a channel failing part way. */
  interface Opener {
    FileChannel open(Path path) throws IOException;
  }

  private final Path path;
  private final Opener opener;

  // guarded by this
  private FileChannel channel;
  private boolean closed;
  /** Length to cut the file back to before the next line, when a failed line could not be removed; or -1. */
  private long fragmentAt = -1;

  /** @param path the file to append to; created, with its parents, on the first write */
  public FileSink(Path path) {
    this(path, file -> FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
      StandardOpenOption.APPEND));
  }

  FileSink(Path path, Opener opener) {
    this.path = Objects.requireNonNull(path, "file sink path");
    this.opener = Objects.requireNonNull(opener, "opener");
  }

  public Path path() {
    return path;
  }

  /**
   * Says why {@code path} cannot be appended to, so that configuration validation can report it
   * before anything starts. Permissions alone do not tell (root passes them; a read-only file
   * system or {@code /proc} refuses anyway), so the check opens an existing file for appending
   * without writing, or creates and at once deletes a probe file in the directory that would hold
   * the new one.
   *
   * @return empty when the file can be written or created; otherwise the reason, starting with one
   *     of {@code "path is a directory"}, {@code "file not writable"}, {@code "parent is a file"},
   *     {@code "directory not writable"}, and naming the offending parent where there is one
   */
  public static Optional<String> checkWritable(Path path) {
    Objects.requireNonNull(path, "path");
    if (Files.isDirectory(path)) {
      return Optional.of("path is a directory");
    }
    if (Files.exists(path)) {
      if (!Files.isWritable(path)) {
        return Optional.of("file not writable");
      }
      try (FileChannel probe = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        return Optional.empty();
      } catch (IOException | RuntimeException e) {
        return Optional.of("file not writable: " + describe(e));
      }
    }
    // the nearest existing ancestor decides: it must be a directory we may create entries in
    Path ancestor = path.toAbsolutePath().getParent();
    for (Path given = path.getParent(); given != null; given = given.getParent()) {
      if (Files.isDirectory(given)) {
        return writableDirectory(given);
      }
      if (Files.exists(given)) {
        return Optional.of("parent is a file: " + given);
      }
      ancestor = given.toAbsolutePath().getParent();
    }
    // a relative path whose given parents do not exist: continue with the absolute ones
    for (; ancestor != null; ancestor = ancestor.getParent()) {
      if (Files.isDirectory(ancestor)) {
        return writableDirectory(ancestor);
      }
      if (Files.exists(ancestor)) {
        return Optional.of("parent is a file: " + ancestor);
      }
    }
    return Optional.of("no parent directory exists");
  }

  private static Optional<String> writableDirectory(Path directory) {
    if (!Files.isWritable(directory)) {
      return Optional.of("directory not writable: " + directory);
    }
    try {
      Files.delete(Files.createTempFile(directory, ".pump-write-check-", ".tmp"));
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of("directory not writable: " + directory + " (" + describe(e) + ")");
    }
  }

  /**
   * Appends {@code event} and a line feed.
   *
   * @return completed when the line is written; failed with an {@link IOException} naming the path,
   *     or an {@link IllegalStateException} after {@link #close()}
   */
  @Override
  public synchronized Future<Void> write(JsonObject event) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("file sink " + path + " is closed"));
    }
    ByteBuffer line = ByteBuffer.wrap((JSON.toString(event) + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      FileChannel out = open();
      if (fragmentAt >= 0) {
        out.truncate(fragmentAt);
        fragmentAt = -1;
      }
      long before = out.size();
      try {
        while (line.hasRemaining()) {
          out.write(line);
        }
      } catch (IOException | RuntimeException e) {
        fragmentAt = before;
        try {
          out.truncate(before);
          fragmentAt = -1;
        } catch (IOException stillFailing) {
          // fragmentAt stays set: the next write cuts the fragment first
          e.addSuppressed(stillFailing);
        }
        throw e;
      }
      return Future.succeededFuture();
    } catch (IOException | RuntimeException e) {
      closeQuietly();
      return Future.failedFuture(new IOException("cannot append to " + path + ": " + describe(e), e));
    }
  }

  private FileChannel open() throws IOException {
    if (channel == null) {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      channel = opener.open(path);
    }
    return channel;
  }

  /** Closes the file; later writes fail. */
  @Override
  public synchronized Future<Void> close() {
    closed = true;
    if (channel == null) {
      return Future.succeededFuture();
    }
    try {
      channel.close();
      return Future.succeededFuture();
    } catch (IOException e) {
      return Future.failedFuture(new IOException("cannot close " + path + ": " + describe(e), e));
    } finally {
      channel = null;
    }
  }

  private void closeQuietly() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // already failing: the write's exception is the one worth reporting
      }
      channel = null;
    }
  }

  private static String describe(Exception e) {
    // NoSuchFileException and friends carry only a path as message: keep their kind visible
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
  }

  @Override
  public String toString() {
    return "file sink " + path;
  }
}
