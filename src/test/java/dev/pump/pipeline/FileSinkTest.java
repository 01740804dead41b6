package dev.pump.pipeline;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class FileSinkTest {

  @TempDir
  Path dir;

  @Test
  void appendsEachEventAsOneLineOfJsonAfterWhatTheFileHeld() throws Exception {
    Path file = dir.resolve("events.jsonl");
    Files.writeString(file, "{\"old\":true}\n");
    FileSink sink = new FileSink(file);

    sink.write(new JsonObject().put("n", 1)).await();
    sink.write(new JsonObject().put("n", 2).put("text", "two\nlines")).await();

    assertThat(Files.readAllLines(file)).containsExactly(
      "{\"old\":true}", "{\"n\":1}", "{\"n\":2,\"text\":\"two\\nlines\"}");
    sink.close().await();
  }

  @Test
  void eachWriteIsInTheFileBeforeItsFutureCompletes() throws Exception {
    Path file = dir.resolve("flushed.jsonl");
    FileSink sink = new FileSink(file);

    sink.write(new JsonObject().put("n", 1)).await();

    assertThat(Files.readString(file)).isEqualTo("{\"n\":1}\n");
    sink.close().await();
  }

  @Test
  void createsMissingParentFoldersOnTheFirstWrite() throws Exception {
    Path file = dir.resolve("a/b/c/events.jsonl");
    FileSink sink = new FileSink(file);
    assertThat(dir.resolve("a")).doesNotExist();

    sink.write(new JsonObject().put("n", 1)).await();

    assertThat(Files.readAllLines(file)).containsExactly("{\"n\":1}");
    sink.close().await();
  }

  @Test
  void keepsLinesWholeWhenSeveralThreadsWriteAtOnce() throws Exception {
    Path file = dir.resolve("shared.jsonl");
    FileSink sink = new FileSink(file);
    String padding = "x".repeat(5000);
    List<Callable<Boolean>> writers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      writers.add(() -> {
        for (int i = 0; i < 100; i++) {
          sink.write(new JsonObject().put("thread", thread).put("i", i).put("pad", padding)).await(10, TimeUnit.SECONDS);
        }
        return true;
      });
    }
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      for (java.util.concurrent.Future<Boolean> done : threads.invokeAll(writers, 20, TimeUnit.SECONDS)) {
        assertThat(done.get()).isTrue();
      }
    } finally {
      threads.shutdownNow();
    }

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(400);
    assertThat(lines).allSatisfy(line -> assertThat(new JsonObject(line).getString("pad")).isEqualTo(padding));
    sink.close().await();
  }

  @Test
  void failsAWriteAfterCloseNamingThePath() {
    Path file = dir.resolve("closed.jsonl");
    FileSink sink = new FileSink(file);
    sink.close().await();

    assertThatThrownBy(() -> sink.write(new JsonObject()).await())
      .isInstanceOf(IllegalStateException.class)
      .hasMessageContaining(file.toString())
      .hasMessageContaining("closed");
  }

  @Test
  void failsAWriteWhoseParentIsAFileNamingThePath() throws Exception {
    Files.writeString(dir.resolve("plain"), "");
    Path file = dir.resolve("plain/events.jsonl");
    FileSink sink = new FileSink(file);

    assertThatThrownBy(() -> sink.write(new JsonObject()).await())
      .isInstanceOf(IOException.class)
      .hasMessageContaining("cannot append to " + file);
    sink.close().await();
  }

  @Test
  void checkWritableAcceptsANewFileInAnExistingFolderAndCreatesNothing() {
    Path file = dir.resolve("new/deeper/events.jsonl");

    assertThat(FileSink.checkWritable(dir.resolve("events.jsonl"))).isEmpty();
    assertThat(FileSink.checkWritable(file)).isEmpty();
    assertThat(dir.resolve("new")).doesNotExist();
  }

  @Test
  void checkWritableAcceptsAnExistingWritableFile() throws Exception {
    Path file = Files.writeString(dir.resolve("events.jsonl"), "{}\n");

    assertThat(FileSink.checkWritable(file)).isEmpty();
  }

  @Test
  void checkWritableAcceptsARelativePathInTheWorkingDirectory() {
    assertThat(FileSink.checkWritable(Path.of("target/file-sink-test/never/events.jsonl"))).isEmpty();
    assertThat(Path.of("target/file-sink-test")).doesNotExist();
  }

  @Test
  void checkWritableSaysWhenThePathIsADirectory() {
    assertThat(FileSink.checkWritable(dir)).contains("path is a directory");
  }

  @Test
  void checkWritableSaysWhenAParentIsAFileAndNamesIt() throws Exception {
    Path plain = Files.writeString(dir.resolve("plain"), "");

    assertThat(FileSink.checkWritable(plain.resolve("sub/events.jsonl")))
      .hasValueSatisfying(reason -> assertThat(reason).startsWith("parent is a file").contains(plain.toString()));
  }

  @Test
  void checkWritableSaysWhenTheDirectoryIsNotWritable() throws Exception {
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    assumeFalse(Files.isWritable(locked), "running as root: every directory is writable");

    assertThat(FileSink.checkWritable(locked.resolve("sub/events.jsonl")))
      .hasValueSatisfying(reason -> assertThat(reason).startsWith("directory not writable").contains(locked.toString()));
  }

  @Test
  void checkWritableSaysWhenTheFileIsNotWritable() throws Exception {
    Path file = Files.writeString(dir.resolve("read-only.jsonl"), "", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
    assumeFalse(Files.isWritable(file), "running as root: every file is writable");

    assertThat(FileSink.checkWritable(file)).contains("file not writable");
  }
}
