package dev.pump;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
class FileSlotLedgerTest {

  private static final Instant SLOT = Instant.parse("2026-03-30T07:05:00Z");

  @Test
  void theLastSlotSurvivesARestart(Vertx vertx, @TempDir Path dir) throws Exception {
    FileSlotLedger before = new FileSlotLedger(vertx, dir.resolve("slots"));
    before.recordFired("c", SLOT).await(10, TimeUnit.SECONDS);

    FileSlotLedger after = new FileSlotLedger(vertx, dir.resolve("slots"));
    assertThat(after.lastFired("c").await(10, TimeUnit.SECONDS)).contains(SLOT);
    assertThat(after.lastFired("other").await(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(Files.readString(dir.resolve("slots/c.slot")).trim()).isEqualTo("2026-03-30T07:05:00Z");
  }

  @Test
  void theLastSlotNeverMovesBackwardsEvenWhenWritesRace(Vertx vertx, @TempDir Path dir) throws Exception {
    FileSlotLedger ledger = new FileSlotLedger(vertx, dir);
    for (int i = 0; i < 50; i++) {
      ledger.recordFired("c", SLOT.plusSeconds(i));
    }
    ledger.recordFired("c", SLOT).await(10, TimeUnit.SECONDS);

    assertThat(new FileSlotLedger(vertx, dir).lastFired("c").await(10, TimeUnit.SECONDS))
      .contains(SLOT.plusSeconds(49));
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("c.slot");
    }
  }

  @Test
  void aCorruptSlotFileIsReportedWithItsPath(Vertx vertx, @TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("c.slot"), "yesterday");
    assertThatThrownBy(() -> new FileSlotLedger(vertx, dir).lastFired("c").await(10, TimeUnit.SECONDS))
      .hasMessageContaining("c.slot does not hold an ISO-8601 instant: yesterday");
  }
}
