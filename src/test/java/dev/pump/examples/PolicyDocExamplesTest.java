package dev.pump.examples;

import dev.pump.PumpApplication;
import dev.pump.config.ConfigLoader;
import dev.pump.config.PumpAssembler;
import dev.pump.config.PumpConfig;
import dev.pump.testing.SettableClock;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.FlowControl;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The YAML of docs/policies.md, loaded, assembled and run on a clock moved by hand. */
@ExtendWith(VertxExtension.class)
class PolicyDocExamplesTest {

  @TempDir
  Path dir;

  private PumpApplication app;

  @AfterEach
  void tearDown() throws Exception {
    if (app != null) {
      app.close().await(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void theBoundedScheduleExampleRunsAsPrinted(Vertx vertx) throws Exception {
    String yaml = ReadmeExamplesTest.blocks(Path.of("docs/policies.md"), "yaml").stream()
      .filter(block -> block.contains("exclude:")).findFirst().orElseThrow();
    Path file = Files.writeString(dir.resolve("bounded.yaml"), yaml);
    PumpConfig config = new ConfigLoader(Map.of()).load(vertx, file).await(20, TimeUnit.SECONDS);
    SettableClock clock = SettableClock.at("2026-12-23T20:00:00Z");
    app = PumpAssembler.assemble(config, PumpApplication.builder().vertx(vertx).clock(clock).nodeId("n1"));
    app.start().await(20, TimeUnit.SECONDS);

    CronTrigger payroll = (CronTrigger) app.trigger("payroll").orElseThrow();
    // Wednesday 2026-12-23, 21:00 in Prague: the 24th and 25th are excluded, the 26th and 27th a weekend
    assertThat(payroll.nextFireAt()).contains(Instant.parse("2026-12-28T08:00:00Z"));
    assertThat(payroll.pauseOnFailure()).isEqualTo(3);
    assertThat(payroll.snapshot().getJsonObject("bounds").getString("words")).isEqualTo("from 2026-12-01T00:00:00Z, "
      + "until 2027-01-31T23:59:59Z, at most 40 fires, except on 2026-12-24 to 2026-12-26, 2027-01-01");

    clock.set(Instant.parse("2026-12-28T08:00:00Z"));
    payroll.checkDue().await(20, TimeUnit.SECONDS);
    assertThat(payroll.fireCount()).isEqualTo(1);
    assertThat(payroll.excludedSlots()).isEqualTo(2);
  }

  @Test
  void theFlowControlExampleLoadsAndGivesEachTriggerItsFlow(Vertx vertx) throws Exception {
    String yaml = ReadmeExamplesTest.blocks(Path.of("docs/policies.md"), "yaml").stream()
      .filter(block -> block.contains("flow:")).findFirst().orElseThrow();
    PumpConfig config = new ConfigLoader(Map.of()).load(vertx, Files.writeString(dir.resolve("flow.yaml"), yaml))
      .await(20, TimeUnit.SECONDS);
    app = PumpAssembler.assemble(config, PumpApplication.builder().vertx(vertx));

    FlowControl webhook = app.trigger("account-changed").orElseThrow().flowControl().orElseThrow();
    assertThat(webhook.key()).isEqualTo("/account_id");
    assertThat(webhook.throttle()).isEqualTo(new FlowControl.Throttle(1, Duration.ofSeconds(30), 100));
    assertThat(app.trigger("audit").orElseThrow().flowControl().orElseThrow().batch())
      .isEqualTo(new FlowControl.Batch(500, Duration.ofSeconds(5)));
  }
}
