package dev.pump.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A real full disk: a 64 KiB tmpfs. Mounting one needs root on Linux, which CI has; elsewhere the
 * test is skipped, but under {@code CI=true} a failed mount fails the test rather than skip it.
 */
class FileSinkTmpfsTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final int PAGE = 4096;

  @TempDir
  Path dir;

  private Path mount;
  private boolean mounted;

  @BeforeEach
  void mountTinyTmpfs() throws Exception {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    boolean linuxRoot = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
      && "root".equals(System.getProperty("user.name"));
    if (!ci) {
      assumeThat(linuxRoot).as("mounting a tmpfs needs root on Linux").isTrue();
    }
    mount = Files.createDirectory(dir.resolve("tiny"));
    Process process = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString())
      .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    mounted = process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    if (!mounted) {
      if (ci) {
        fail("CI=true but a 64k tmpfs could not be mounted on " + mount + ": " + output);
      }
      assumeThat(mounted).as("mount -t tmpfs failed: " + output).isTrue();
    }
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void onARealFullDiskLinesStayWholeAndThePipelineRecoversOnceSpaceIsFreed() throws Exception {
    Path filler = mount.resolve("filler");
    long fillerSize = fill(filler);
    // one page free: a line longer than a page is written in part, then the disk is full
    try (FileChannel channel = FileChannel.open(filler, StandardOpenOption.WRITE)) {
      channel.truncate(fillerSize - PAGE);
    }
    Path file = mount.resolve("events.jsonl");
    Pipeline pipeline = new Pipeline("tiny", new FileSink(file)).withSinkRetry(Duration.ofMillis(5), Duration.ofMillis(50));
    JsonObject big = new JsonObject().put("n", 1).put("padding", "x".repeat(PAGE + 2000));

    Future<Void> processed = pipeline.process(big);

    await().atMost(DEADLINE).until(() -> pipeline.sinkFailure().isPresent());
    assertThat(pipeline.sinkFailure().orElseThrow().message()).contains("No space left on device");
    assertThat(pipeline.isReady()).isFalse();
    assertThat(Files.size(file)).as("no fragment of the line that did not fit").isZero();

    Files.delete(filler);
    processed.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(pipeline.isReady()).isTrue();
    assertThat(Files.readAllLines(file)).containsExactly(big.encode());
    pipeline.close();
  }

  /** Writes whole pages to {@code file} until the file system is full; returns the file's size. */
  private static long fill(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ByteBuffer page = ByteBuffer.allocate(PAGE);
      while (true) {
        page.clear();
        try {
          while (page.hasRemaining()) {
            channel.write(page);
          }
        } catch (IOException full) {
          // a partial page may have been written: keep whole pages only
          channel.truncate(channel.size() / PAGE * PAGE);
          return channel.size();
        }
      }
    }
  }
}
