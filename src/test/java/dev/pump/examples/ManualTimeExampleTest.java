package dev.pump.examples;

import dev.pump.PumpApplication;
import dev.pump.pipeline.Pipeline;
import dev.pump.testing.SettableClock;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The time-by-hand example of docs/java.md: printed as it is written here, and run. */
@ExtendWith(VertxExtension.class)
class ManualTimeExampleTest {

  private static final String BEGIN = "    // docs/java.md: begin";
  private static final String END = "    // docs/java.md: end";

  @Test
  void aMovedSettableClockAndRunDueFireTheSlotAtOnce(Vertx vertx) throws Exception {
    // docs/java.md: begin
    SettableClock clock = SettableClock.at("2026-03-30T06:59:00Z");   // a Monday, 08:59 in Prague
    PumpApplication app = PumpApplication.builder().vertx(vertx).clock(clock).build();
    List<TriggerEvent> fired = new CopyOnWriteArrayList<>();
    app.onFire((trigger, event) -> fired.add(event));
    Pipeline pipeline = new Pipeline("mondays", event -> Future.succeededFuture());
    new MySource(app, pipeline).on(new CronTrigger(app, "0 9 * * 1", ZoneId.of("Europe/Prague")));
    app.start().await();

    app.runDue().await();
    assertThat(fired).isEmpty();                                      // 09:00 has not come yet
    clock.tick(Duration.ofMinutes(1));                                // 09:00 in Prague
    app.runDue().await();                                             // fires now, not within a second
    assertThat(fired).extracting(TriggerEvent::scheduledAt)
      .containsExactly(Instant.parse("2026-03-30T07:00:00Z"));
    app.close().await();
    // docs/java.md: end
  }

  @Test
  void docsJavaPrintsTheExampleAsItIsWrittenHere() throws IOException {
    List<String> source = Files.readAllLines(Path.of("src/test/java/dev/pump/examples/ManualTimeExampleTest.java"));
    String example = source.subList(source.indexOf(BEGIN) + 1, source.indexOf(END)).stream()
      .map(line -> line.isEmpty() ? line : line.substring(4))
      .collect(Collectors.joining("\n", "", "\n"));

    List<String> blocks = ReadmeExamplesTest.blocks(Path.of("docs/java.md"), "java").stream()
      .filter(block -> block.contains("SettableClock")).toList();

    assertThat(blocks).containsExactly(example);
  }
}
