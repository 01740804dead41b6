package dev.pump.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A full disk: each line is whole or absent, and the pipeline recovers by itself once there is
 * space. The disk is simulated by a channel that writes part of a line, then fails as ENOSPC does;
 * {@code FileSinkTmpfsTest} does the same on a real, tiny file system where it can mount one.
 */
class FileSinkFullDiskTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void aLineThatFailsPartWayIsCutBackAndTheNextLineStartsClean() throws Exception {
    Path file = dir.resolve("out.jsonl");
    AtomicBoolean full = new AtomicBoolean(false);
    FileSink sink = new FileSink(file, path -> new FullDiskChannel(open(path), full));

    assertThat(sink.write(event(1)).succeeded()).isTrue();
    full.set(true);
    Future<Void> failed = sink.write(event(2));
    full.set(false);
    assertThat(sink.write(event(3)).succeeded()).isTrue();

    assertThat(failed.failed()).isTrue();
    assertThat(failed.cause()).hasMessageContaining("No space left on device").hasMessageContaining(file.toString());
    assertThat(Files.readAllLines(file)).containsExactly(event(1).encode(), event(3).encode());
  }

  @Test
  void aFragmentThatCouldNotBeCutIsCutBeforeTheNextLine() throws Exception {
    Path file = dir.resolve("out.jsonl");
    AtomicBoolean full = new AtomicBoolean(false);
    AtomicBoolean truncateFails = new AtomicBoolean(false);
    FileSink sink = new FileSink(file, path -> new FullDiskChannel(open(path), full) {
      @Override
      public FileChannel truncate(long size) throws IOException {
        if (truncateFails.get()) {
          throw new IOException("Input/output error");
        }
        return super.truncate(size);
      }
    });

    sink.write(event(1));
    full.set(true);
    truncateFails.set(true);
    assertThat(sink.write(event(2)).failed()).isTrue();
    full.set(false);
    truncateFails.set(false);
    sink.write(event(3));

    assertThat(Files.readAllLines(file)).containsExactly(event(1).encode(), event(3).encode());
  }

  @Test
  void aPipelineWhoseDiskIsFullIsNotReadyAndRecoversByItselfWithoutLosingTheEvent() throws Exception {
    Path file = dir.resolve("out.jsonl");
    AtomicBoolean full = new AtomicBoolean(true);
    Pipeline pipeline = new Pipeline("disk", new FileSink(file, path -> new FullDiskChannel(open(path), full)))
      .withSinkRetry(Duration.ofMillis(5), Duration.ofMillis(20));

    Future<Void> processed = pipeline.process(event(1));

    await().atMost(DEADLINE).until(() -> pipeline.sinkFailure().isPresent());
    assertThat(pipeline.isReady()).isFalse();
    assertThat(pipeline.error()).isEmpty();
    assertThat(pipeline.snapshot().getJsonObject("sinkFailing").getString("message")).contains("No space left");
    assertThat(processed.isComplete()).isFalse();

    full.set(false);
    processed.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(pipeline.isReady()).isTrue();
    assertThat(pipeline.sinkFailure()).isEmpty();
    assertThat(pipeline.counters().eventsOut()).isEqualTo(1);
    assertThat(pipeline.counters().sinkFailures()).isPositive();
    assertThat(Files.readAllLines(file)).containsExactly(event(1).encode());
    pipeline.close();
  }

  @Test
  void withoutSinkRetryAFailingSinkIsAnErrorAsBefore() {
    Pipeline pipeline = new Pipeline("strict", event -> Future.failedFuture(new IOException("disk full")))
      .withoutSinkRetry();

    assertThat(pipeline.process(event(1)).failed()).isTrue();
    assertThat(pipeline.error()).isPresent();
  }

  private static JsonObject event(int n) {
    return new JsonObject().put("n", n).put("padding", "x".repeat(100));
  }

  private static FileChannel open(Path path) throws IOException {
    return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** Writes through to a real file; while {@code full}, writes 10 bytes of a buffer and then fails. */
  static class FullDiskChannel extends FileChannel {
    private final FileChannel file;
    private final AtomicBoolean full;

    FullDiskChannel(FileChannel file, AtomicBoolean full) {
      this.file = file;
      this.full = full;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (!full.get()) {
        return file.write(src);
      }
      if (src.remaining() > 10) {
        ByteBuffer part = src.slice().limit(10);
        int written = file.write(part);
        src.position(src.position() + written);
        return written;  // the caller loops: the next call fails
      }
      throw new IOException("No space left on device");
    }

    @Override
    public long size() throws IOException {
      return file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      file.truncate(size);
      return this;
    }

    @Override
    protected void implCloseChannel() throws IOException {
      file.close();
    }

    // not used by the sink
    @Override public int read(ByteBuffer dst) { throw new UnsupportedOperationException(); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) { throw new UnsupportedOperationException(); }
    @Override public long write(ByteBuffer[] srcs, int offset, int length) { throw new UnsupportedOperationException(); }
    @Override public long position() throws IOException { return file.position(); }
    @Override public FileChannel position(long newPosition) { throw new UnsupportedOperationException(); }
    @Override public void force(boolean metaData) throws IOException { file.force(metaData); }
    @Override public long transferTo(long position, long count, WritableByteChannel target) { throw new UnsupportedOperationException(); }
    @Override public long transferFrom(ReadableByteChannel src, long position, long count) { throw new UnsupportedOperationException(); }
    @Override public int read(ByteBuffer dst, long position) { throw new UnsupportedOperationException(); }
    @Override public int write(ByteBuffer src, long position) { throw new UnsupportedOperationException(); }
    @Override public MappedByteBuffer map(MapMode mode, long position, long size) { throw new UnsupportedOperationException(); }
    @Override public FileLock lock(long position, long size, boolean shared) { throw new UnsupportedOperationException(); }
    @Override public FileLock tryLock(long position, long size, boolean shared) { throw new UnsupportedOperationException(); }
  }

  static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file);
  }
}
