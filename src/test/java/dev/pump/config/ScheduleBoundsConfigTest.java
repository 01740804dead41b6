package dev.pump.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The bounds keys of time triggers: startAt, endAt, maxFires, exclude, pauseOnFailure. */
class ScheduleBoundsConfigTest {

  @TempDir
  Path dir;

  private Path write(String trigger) throws IOException {
    return writeOneTrigger(dir, trigger);
  }

  /** A configuration file in {@code dir} with one pipeline whose only trigger is {@code trigger} (YAML flow style). */
  static Path writeOneTrigger(Path dir, String trigger) throws IOException {
    return Files.writeString(dir.resolve("one-trigger.yaml"), """
      pipelines:
        - id: p
          source: { type: clock }
          triggers:
            - %s
          sink: { type: log }
      """.formatted(trigger));
  }

  @Test
  void timeTriggersTakeBoundsWrittenAsPlainYaml() throws IOException {
    // unquoted dates and timestamps are what people write: they must bind like quoted ones
    Path config = write("""
      { type: cron, id: c, schedule: "0 9 * * *", zone: Europe/Prague,
                startAt: 2026-12-01T00:00:00Z, endAt: "2027-01-01T09:00:00+01:00", maxFires: 20,
                exclude: [2026-12-25, "2026-12-30..2026-12-31", "* * * * 0,6"], pauseOnFailure: 3 }""");

    TriggerConfig.Cron cron = (TriggerConfig.Cron) new ConfigLoader(Map.of()).load(config).pipelines().get(0)
      .triggers().get(0);

    assertThat(cron.policy().bounds()).isEqualTo(new TimePolicy.Bounds(Instant.parse("2026-12-01T00:00:00Z"),
      Instant.parse("2027-01-01T08:00:00Z"), 20, List.of("2026-12-25", "2026-12-30..2026-12-31", "* * * * 0,6"), 3));
  }

  @Test
  void oneExclusionNeedsNoList() throws IOException {
    TriggerConfig.Periodic periodic = (TriggerConfig.Periodic) new ConfigLoader(Map.of())
      .load(write("{ type: periodic, id: p, interval: 1h, exclude: \"2026-12-25\" }")).pipelines().get(0)
      .triggers().get(0);
    assertThat(periodic.policy().bounds().exclude()).containsExactly("2026-12-25");
  }

  @Test
  void withoutBoundsKeysTheScheduleIsUnbounded() throws IOException {
    TriggerConfig.Periodic periodic = (TriggerConfig.Periodic) new ConfigLoader(Map.of())
      .load(write("{ type: periodic, id: p, interval: 1h }")).pipelines().get(0).triggers().get(0);
    assertThat(periodic.policy().bounds()).isEqualTo(TimePolicy.Bounds.NONE);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
    startAt: tomorrow                       | pipelines[0].triggers[0].startAt: must be an ISO-8601 instant such as 2026-12-01T00:00:00Z or 2026-12-01T09:00:00+01:00, got "tomorrow"
    endAt: 12                               | pipelines[0].triggers[0].endAt: must be an ISO-8601 instant such as 2026-12-01T00:00:00Z or 2026-12-01T09:00:00+01:00, got 12
    'startAt: "2027-01-01T00:00:00Z", endAt: "2026-01-01T00:00:00Z"' | pipelines[0].triggers[0].endAt: must be after startAt (2027-01-01T00:00:00Z), got 2026-01-01T00:00:00Z
    maxFires: 0                             | pipelines[0].triggers[0].maxFires: must be between 1 and 9223372036854775807, got 0
    pauseOnFailure: -1                      | pipelines[0].triggers[0].pauseOnFailure: must be between 1 and 1000000, got -1
    'exclude: ["2026-12-25", "2026-02-30"]' | pipelines[0].triggers[0].exclude[1]: "2026-02-30": "2026-02-30" is not a valid date (Text '2026-02-30' could not be parsed: Invalid date 'FEBRUARY 30')
    'exclude: ["2026-12-26..2026-12-24"]'   | pipelines[0].triggers[0].exclude[0]: "2026-12-26..2026-12-24": the range ends (2026-12-24) before it starts (2026-12-26)
    'exclude: "christmas"'                  | pipelines[0].triggers[0].exclude: "christmas" is not a date (2026-12-25), a date range (2026-12-24..2026-12-26) or a cron expression ("* * * * 0,6"): "christmas": expected 5 fields (minute hour day-of-month month day-of-week) or 6 with leading seconds, got 1
    'exclude: [7]'                          | pipelines[0].triggers[0].exclude[0]: must be a date (2026-12-25), a date range (2026-12-24..2026-12-26) or a cron expression ("* * * * 0,6"), in quotes, got 7
    """)
  void checkNamesTheBrokenBoundsKey(String key, String expected) throws IOException {
    Path config = write("{ type: cron, id: c, schedule: \"* * * * *\", zone: UTC, %s }".formatted(key));

    ConfigValidationTest.Result result = ConfigValidationTest.execute(Map.of(), "check", config.toString());

    assertThat(result.err()).containsExactly(expected);
    assertThat(result.status()).isEqualTo(2);
  }
}
