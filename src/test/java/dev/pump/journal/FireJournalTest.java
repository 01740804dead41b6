package dev.pump.journal;

import dev.pump.journal.FireJournal.Outcome;
import dev.pump.journal.FireJournal.Recovered;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FireJournalTest {

  private static final Instant AT = Instant.parse("2026-12-03T09:00:00Z");

  private static TriggerEvent event(String firing) {
    return new TriggerEvent("hook", "webhook", new JsonObject().put("n", firing), null, AT, "node-a", firing);
  }

  private static List<String> firings(List<Recovered> recovered) {
    return recovered.stream().map(r -> r.source() + "/" + r.event().firing()).toList();
  }

  private static List<Path> segments(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().toList();
    }
  }

  @Test
  void aFireWhoseArgsAreNotJsonIsRefusedAloneAndTheJournalGoesOn(@TempDir Path dir) throws Exception {
    try (FireJournal journal = FireJournal.open(dir)) {
      TriggerEvent notJson = new TriggerEvent("hook", "webhook", new JsonObject().put("thread", new Object()), null, AT,
        "node-a", "bad");
      CompletableFuture<Void> refused = journal.append(notJson, List.of("src"));
      CompletableFuture<Void> accepted = journal.append(event("good"), List.of("src"));

      assertThatThrownBy(() -> refused.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be written as JSON");
      accepted.get(20, TimeUnit.SECONDS);
      assertThat(journal.failure()).as("the journal itself is writable").isEmpty();
      assertThat(journal.backlog()).isEqualTo(1);
    }
    try (FireJournal reopened = FireJournal.open(dir)) {
      assertThat(firings(reopened.recovered())).containsExactly("src/good");
    }
  }

  @Test
  void concurrentAppendsShareForces(@TempDir Path dir) throws Exception {
    int threads = 8;
    int perThread = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (FireJournal journal = FireJournal.open(dir)) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<List<CompletableFuture<Void>>>> submitted = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        submitted.add(pool.submit(() -> {
          go.await();
          List<CompletableFuture<Void>> forced = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            forced.add(journal.append(event(thread + "-" + i), List.of("src")));
          }
          return forced;
        }));
      }
      go.countDown();
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (Future<List<CompletableFuture<Void>>> f : submitted) {
        all.addAll(f.get(60, TimeUnit.SECONDS));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

      assertThat(journal.acceptedFires()).isEqualTo(threads * perThread);
      assertThat(journal.backlog()).isEqualTo(threads * perThread);
      // every append waits for a force, and appends that arrive while one runs share the next
      assertThat(journal.forces()).isPositive().isLessThan(threads * perThread);
    } finally {
      pool.shutdownNow();
    }
    try (FireJournal reopened = FireJournal.open(dir)) {
      assertThat(reopened.recovered()).hasSize(threads * perThread);
    }
  }

  @Test
  void acceptedFiresNotDoneAreRecoveredInOrderWithTheirIdsAndArgs(@TempDir Path dir) throws Exception {
    try (FireJournal journal = FireJournal.open(dir)) {
      journal.append(event("f1"), List.of("a", "b")).get(10, TimeUnit.SECONDS);
      journal.append(event("f2"), List.of("a")).get(10, TimeUnit.SECONDS);
      journal.append(event("f3"), List.of("a")).get(10, TimeUnit.SECONDS);
      journal.complete("a", "f1", Outcome.RAN);
      journal.complete("a", "f2", Outcome.MERGED);
      journal.complete("x", "f3", Outcome.RAN);           // not owed to x: ignored
      journal.complete("a", "cron@slot", Outcome.RAN);    // never journaled: ignored
      journal.flushed().get(10, TimeUnit.SECONDS);
      assertThat(journal.backlog()).isEqualTo(2);
    }
    try (FireJournal reopened = FireJournal.open(dir)) {
      assertThat(firings(reopened.recovered())).containsExactly("b/f1", "a/f3");
      TriggerEvent f3 = reopened.recovered().get(1).event();
      assertThat(f3.args()).isEqualTo(new JsonObject().put("n", "f3"));
      assertThat(f3.firedAt()).isEqualTo(AT);
      assertThat(reopened.backlog()).isEqualTo(2);
    }
  }

  @Test
  void aRepeatedFiringIdIsOwedOncePerAccept(@TempDir Path dir) throws Exception {
    try (FireJournal journal = FireJournal.open(dir)) {
      journal.append(event("retried"), List.of("a")).get(10, TimeUnit.SECONDS);
      journal.append(event("retried"), List.of("a")).get(10, TimeUnit.SECONDS);
      journal.complete("a", "retried", Outcome.RAN);
      journal.flushed().get(10, TimeUnit.SECONDS);
    }
    try (FireJournal reopened = FireJournal.open(dir)) {
      assertThat(firings(reopened.recovered())).containsExactly("a/retried");
    }
  }

  @Test
  void aTornLastRecordIsIgnoredAndEarlierOnesAreRecovered(@TempDir Path dir) throws Exception {
    try (FireJournal journal = FireJournal.open(dir)) {
      journal.append(event("f1"), List.of("a")).get(10, TimeUnit.SECONDS);
      journal.append(event("f2"), List.of("a")).get(10, TimeUnit.SECONDS);
      journal.append(event("f3"), List.of("a")).get(10, TimeUnit.SECONDS);
    }
    Path segment = segments(dir).get(0);
    byte[] content = Files.readAllBytes(segment);
    int lastLineStart = new String(content, StandardCharsets.UTF_8).lastIndexOf('\n', content.length - 2) + 1;
    // a crash in the middle of the last write: half of the record, no newline
    Files.write(segment, java.util.Arrays.copyOf(content, lastLineStart + (content.length - lastLineStart) / 2));

    try (FireJournal reopened = FireJournal.open(dir)) {
      assertThat(firings(reopened.recovered())).containsExactly("a/f1", "a/f2");
    }
  }

  @Test
  void aRecordWhoseChecksumFailsIsSkippedAndTheOthersAreRecovered(@TempDir Path dir) throws Exception {
    try (FireJournal journal = FireJournal.open(dir)) {
      journal.append(event("f1"), List.of("a")).get(10, TimeUnit.SECONDS);
      journal.append(event("f2"), List.of("a")).get(10, TimeUnit.SECONDS);
    }
    Path segment = segments(dir).get(0);
    String text = Files.readString(segment);
    Files.writeString(segment, text.replaceFirst("\"f1\"", "\"fX\""));

    try (FireJournal reopened = FireJournal.open(dir)) {
      assertThat(firings(reopened.recovered())).containsExactly("a/f2");
    }
  }

  @Test
  void segmentsAreDeletedOnceEveryFireInThemAndBeforeThemIsDone(@TempDir Path dir) throws Exception {
    try (FireJournal journal = FireJournal.open(dir, 1)) {  // every batch fills a segment
      journal.append(event("f1"), List.of("a")).get(10, TimeUnit.SECONDS);
      journal.append(event("f2"), List.of("a")).get(10, TimeUnit.SECONDS);
      journal.append(event("f3"), List.of("a")).get(10, TimeUnit.SECONDS);
      assertThat(segments(dir)).hasSize(4);   // three full ones and the active, empty one
      long fullSize = journal.sizeBytes();
      assertThat(fullSize).isEqualTo(sizeOf(segments(dir)));

      journal.complete("a", "f2", Outcome.RAN);
      journal.flushed().get(10, TimeUnit.SECONDS);
      // f1's segment is still owed, so f2's stays too: its completion records may concern f1's
      assertThat(segments(dir)).hasSize(5);

      journal.complete("a", "f1", Outcome.FAILED);
      journal.flushed().get(10, TimeUnit.SECONDS);
      assertThat(segments(dir)).hasSize(4);   // f1's and f2's gone; f3's, two of completions, the active
      assertThat(journal.sizeBytes()).isEqualTo(sizeOf(segments(dir)));

      journal.complete("a", "f3", Outcome.SKIPPED);
      journal.flushed().get(10, TimeUnit.SECONDS);
      assertThat(segments(dir)).hasSize(1);
      assertThat(journal.backlog()).isZero();
      assertThat(journal.sizeBytes()).isEqualTo(sizeOf(segments(dir)));
    }
    try (FireJournal reopened = FireJournal.open(dir)) {
      assertThat(reopened.recovered()).isEmpty();
    }
  }

  @Test
  void aFireIsOwedUntilEverySourceOfItIsDone(@TempDir Path dir) throws Exception {
    try (FireJournal journal = FireJournal.open(dir, 1)) {
      journal.append(event("f1"), List.of("a", "b")).get(10, TimeUnit.SECONDS);
      journal.complete("a", "f1", Outcome.RAN);
      journal.flushed().get(10, TimeUnit.SECONDS);
      assertThat(journal.backlog()).isEqualTo(1);
      assertThat(segments(dir).get(0).getFileName().toString()).isEqualTo("segment-000000000001.log");
    }
    try (FireJournal reopened = FireJournal.open(dir)) {
      assertThat(firings(reopened.recovered())).containsExactly("b/f1");
    }
  }

  @Test
  void aJournalThatCannotBeWrittenFailsTheAppendAndSaysWhy(@TempDir Path dir) throws Exception {
    try (FireJournal journal = FireJournal.open(dir, 1)) {
      journal.append(event("f1"), List.of("a")).get(10, TimeUnit.SECONDS);
      // the next segment's name is taken by a directory: opening it fails
      Files.createDirectory(dir.resolve("segment-000000000003.log"));
      journal.append(event("f2"), List.of("a")).get(10, TimeUnit.SECONDS); // written; the next segment is not
      assertThat(journal.failure()).hasValueSatisfying(reason -> assertThat(reason).contains(dir.toString()));
      CompletableFuture<Void> third = journal.append(event("f3"), List.of("a"));
      assertThatThrownBy(() -> third.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class)
        .hasMessageContaining("cannot be written");
      assertThat(journal.snapshot().getBoolean("writable")).isFalse();

      Files.delete(dir.resolve("segment-000000000003.log"));
      journal.append(event("f4"), List.of("a")).get(10, TimeUnit.SECONDS);
      assertThat(journal.failure()).isEmpty();
    }
    try (FireJournal reopened = FireJournal.open(dir)) {
      assertThat(firings(reopened.recovered())).contains("a/f1", "a/f4").doesNotContain("a/f3");
    }
  }

  @Test
  void appendsAfterCloseFailAndBadArgumentsAreRefused(@TempDir Path dir) throws Exception {
    FireJournal journal = FireJournal.open(dir);
    assertThatThrownBy(() -> journal.append(event("f"), List.of()))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one source");
    journal.close();
    assertThat(journal.append(event("f"), List.of("a"))).isCompletedExceptionally();
    assertThatThrownBy(() -> FireJournal.open(dir, 0)).hasMessageContaining("segmentBytes");
  }

  @Test
  void heldEventsNotReleasedAreRecoveredInArrivalOrderApartFromTheFires(@TempDir Path dir) throws Exception {
    try (FireJournal journal = FireJournal.open(dir)) {
      journal.hold(event("h1")).get(10, TimeUnit.SECONDS);
      journal.hold(event("h2")).get(10, TimeUnit.SECONDS);
      journal.hold(event("h3")).get(10, TimeUnit.SECONDS);
      journal.append(event("h1"), List.of("a")).get(10, TimeUnit.SECONDS); // the fire h1 went into
      journal.released("hook", "h1", Outcome.RELEASED);
      journal.released("other", "h2", Outcome.RELEASED);  // another trigger's id: ignored
      journal.released("hook", "never-held", Outcome.DROPPED);
      journal.flushed().get(10, TimeUnit.SECONDS);
      assertThat(journal.heldEvents()).isEqualTo(2);
      assertThat(journal.backlog()).as("two held events and one fire").isEqualTo(3);
      assertThat(journal.acceptedFires()).as("held events are not fires").isEqualTo(1);
      assertThat(journal.snapshot().getLong("held")).isEqualTo(2);
    }
    try (FireJournal reopened = FireJournal.open(dir)) {
      assertThat(reopened.recoveredHeld()).extracting(TriggerEvent::firing).containsExactly("h2", "h3");
      TriggerEvent h3 = reopened.recoveredHeld().get(1);
      assertThat(h3.trigger()).isEqualTo("hook");
      assertThat(h3.args()).isEqualTo(new JsonObject().put("n", "h3"));
      assertThat(h3.firedAt()).as("when it arrived").isEqualTo(AT);
      assertThat(firings(reopened.recovered())).containsExactly("a/h1");
      assertThat(reopened.heldEvents()).isEqualTo(2);

      reopened.released("hook", "h2", Outcome.DROPPED);
      reopened.released("hook", "h3", Outcome.RELEASED);
      reopened.complete("a", "h1", Outcome.RAN);
      reopened.flushed().get(10, TimeUnit.SECONDS);
      assertThat(reopened.backlog()).isZero();
    }
    try (FireJournal again = FireJournal.open(dir)) {
      assertThat(again.recoveredHeld()).isEmpty();
      assertThat(again.recovered()).isEmpty();
    }
  }

  @Test
  void aHeldEventKeepsItsSegmentUntilReleasedAndThenCompactionGoesOn(@TempDir Path dir) throws Exception {
    try (FireJournal journal = FireJournal.open(dir, 1)) {  // every batch fills a segment
      journal.hold(event("h1")).get(10, TimeUnit.SECONDS);
      journal.append(event("f1"), List.of("a")).get(10, TimeUnit.SECONDS);
      journal.complete("a", "f1", Outcome.RAN);
      journal.flushed().get(10, TimeUnit.SECONDS);
      assertThat(segments(dir)).as("h1's segment is owed, and so every younger one").hasSize(4);

      journal.released("hook", "h1", Outcome.RELEASED);
      journal.flushed().get(10, TimeUnit.SECONDS);
      assertThat(segments(dir)).hasSize(1);
      assertThat(journal.backlog()).isZero();
      assertThat(journal.heldEvents()).isZero();
    }
  }

  @Test
  void aHeldEventReleasedInTheBatchThatHoldsItIsNotRecovered(@TempDir Path dir) throws Exception {
    try (FireJournal journal = FireJournal.open(dir)) {
      // queued back to back: most likely written in one batch (a trigger paused at the release drops it so)
      CompletableFuture<Void> held = journal.hold(event("h1"));
      journal.released("hook", "h1", Outcome.DROPPED);
      held.get(10, TimeUnit.SECONDS);
      journal.flushed().get(10, TimeUnit.SECONDS);
      assertThat(journal.heldEvents()).isZero();
    }
    try (FireJournal reopened = FireJournal.open(dir)) {
      assertThat(reopened.recoveredHeld()).isEmpty();
    }
  }

  private static long sizeOf(List<Path> files) throws IOException {
    long total = 0;
    for (Path file : files) {
      total += Files.size(file);
    }
    return total;
  }
}
