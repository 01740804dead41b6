package dev.pump;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.slf4j.LoggerFactory;

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

  @Test
  void aFailedWriteIsLoggedOnceAndTheNextGoodWriteSucceeds(Vertx vertx, @TempDir Path dir) throws Exception {
    Path blocked = dir.resolve("slots");
    Files.writeString(blocked, "a file where the directory should be");
    FileSlotLedger ledger = new FileSlotLedger(vertx, blocked);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger logger = (Logger) LoggerFactory.getLogger(FileSlotLedger.class);
    Level level = logger.getLevel();
    logger.setLevel(Level.INFO);
    logger.addAppender(logs);
    try {
      assertThatThrownBy(() -> ledger.recordFired("c", SLOT).await(10, TimeUnit.SECONDS)).isNotNull();
      assertThatThrownBy(() -> ledger.recordFired("c", SLOT.plusSeconds(60)).await(10, TimeUnit.SECONDS))
        .isNotNull();
      assertThat(logs.list).singleElement().satisfies(event -> {
        assertThat(event.getLevel()).isEqualTo(Level.WARN);
        assertThat(event.getFormattedMessage()).contains("trigger 'c'").contains(blocked.toString());
      });

      Files.delete(blocked);
      ledger.recordFired("c", SLOT.plusSeconds(120)).await(10, TimeUnit.SECONDS);

      assertThat(Files.readString(blocked.resolve("c.slot")).trim()).isEqualTo(SLOT.plusSeconds(120).toString());
      assertThat(logs.list).hasSize(2).last().satisfies(event -> assertThat(event.getLevel()).isEqualTo(Level.INFO));
    } finally {
      logger.detachAppender(logs);
      logger.setLevel(level);
    }
  }
}
