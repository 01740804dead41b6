package dev.pump;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The command line, run in-process through {@link Main#execute}: output, messages, exit codes. */
class MainTest {

  @TempDir
  Path dir;

  record Result(int status, List<String> out, List<String> err) {
  }

  static Result execute(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.execute(args, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), Map.of());
    return new Result(status, lines(out), lines(err));
  }

  private static List<String> lines(ByteArrayOutputStream stream) {
    String text = stream.toString(UTF_8);
    return text.isEmpty() ? List.of() : List.of(text.split("\\R"));
  }

  // -----------------------------------------------------------------------------------------------
  // next

  @Test
  void nextPrintsFireTimesWithTheOffsetOfTheZoneAcrossADaylightSavingChange() {
    Result result = execute("next", "0 9 * * 1-5", "--zone", "Europe/Prague", "--from", "2026-03-27T00:00:00Z",
      "-n", "3");

    assertThat(result.out()).containsExactly(
      "2026-03-27T09:00:00+01:00",
      "2026-03-30T09:00:00+02:00",
      "2026-03-31T09:00:00+02:00");
    assertThat(result.err()).isEmpty();
    assertThat(result.status()).isZero();
  }

  @Test
  void nextMarksASlotShiftedOutOfADaylightSavingGap() {
    Result result = execute("next", "30 2 * * *", "--zone", "Europe/Prague", "--from", "2026-03-28T00:00:00Z",
      "-n", "3");

    assertThat(result.out()).containsExactly(
      "2026-03-28T02:30:00+01:00",
      "2026-03-29T03:00:00+02:00 (shifted: the slot's local time does not exist that day)",
      "2026-03-30T02:30:00+02:00");
    assertThat(result.status()).isZero();
  }

  @Test
  void nextPrintsFiveTimesByDefaultAndTakesOptionsInAnyOrderAndForm() {
    Result result = execute("next", "--from=2026-03-30T07:02:00Z", "*/5 * * * *", "--zone=UTC");

    assertThat(result.out()).containsExactly(
      "2026-03-30T07:05:00Z",
      "2026-03-30T07:10:00Z",
      "2026-03-30T07:15:00Z",
      "2026-03-30T07:20:00Z",
      "2026-03-30T07:25:00Z");
    assertThat(result.status()).isZero();
  }

  @Test
  void nextUnderstandsSecondsAndMacros() {
    assertThat(execute("next", "*/20 * * * * *", "--zone", "UTC", "--from", "2026-01-01T00:00:00Z", "-n", "2").out())
      .containsExactly("2026-01-01T00:00:20Z", "2026-01-01T00:00:40Z");
    assertThat(execute("next", "@daily", "--zone", "+05:30", "--from", "2026-01-01T00:00:00Z", "-n", "1").out())
      .containsExactly("2026-01-02T00:00:00+05:30");
  }

  @Test
  void nextShowsTheQuartzDayForms() {
    assertThat(execute("next", "0 17 ? * 5L", "--zone", "UTC", "--from", "2026-01-01T00:00:00Z", "-n", "2").out())
      .containsExactly("2026-01-30T17:00:00Z", "2026-02-27T17:00:00Z");
    assertThat(execute("next", "0 9 LW * *", "--zone", "UTC", "--from", "2026-01-01T00:00:00Z", "-n", "2").out())
      .as("31 January 2026 is a Saturday").containsExactly("2026-01-30T09:00:00Z", "2026-02-27T09:00:00Z");
  }

  static Stream<Arguments> invalidNextArguments() {
    return Stream.of(
      arguments(new String[] {"next", "61 * * * *", "--zone", "UTC"},
        List.of("\"61 * * * *\": minute 61 is out of range 0-59")),
      arguments(new String[] {"next", "0 0 30 2 *", "--zone", "UTC", "--from", "2026-01-01T00:00:00Z"},
        List.of("\"0 0 30 2 *\": never fires: February has no day 30")),
      arguments(new String[] {"next", "0 0 31 4,6,9,11 *"},
        List.of("\"0 0 31 4,6,9,11 *\": never fires: April, June, September and November have no day 31")),
      arguments(new String[] {"next", "* * * *"},
        List.of("\"* * * *\": expected 5 fields (minute hour day-of-month month day-of-week) or 6 with leading "
          + "seconds, got 4")),
      arguments(new String[] {"next", "0 9 * * *", "--zone", "Mars/Olympus"},
        List.of("--zone: unknown time zone \"Mars/Olympus\" (use a region such as Europe/Prague, UTC, or an offset "
          + "such as +02:00)")),
      arguments(new String[] {"next", "0 9 * * *", "--from", "yesterday"},
        List.of("--from: must be an ISO-8601 instant such as 2026-03-30T07:00:00Z, got \"yesterday\"")),
      arguments(new String[] {"next", "0 9 * * *", "-n", "0"},
        List.of("-n: must be a whole number from 1 to 1000, got \"0\"")),
      arguments(new String[] {"next", "0 9 * * *", "-n", "many", "--zone", "Nowhere"},
        List.of("--zone: unknown time zone \"Nowhere\" (use a region such as Europe/Prague, UTC, or an offset such "
          + "as +02:00)", "-n: must be a whole number from 1 to 1000, got \"many\"")));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidNextArguments")
  void nextRefusesInvalidInputWithExitCode2(String[] args, List<String> expected) {
    Result result = execute(args);

    assertThat(result.err()).containsExactlyElementsOf(expected);
    assertThat(result.out()).isEmpty();
    assertThat(result.status()).isEqualTo(2);
  }

  @Test
  void nextWithoutAnExpressionShowsHowToCallIt() {
    Result result = execute("next", "--zone", "UTC");

    assertThat(result.err()).first().isEqualTo("next: missing the cron expression, e.g. next \"*/5 * * * *\"");
    assertThat(result.err().get(1)).startsWith("Usage: java -jar vertx-pump.jar next ");
    assertThat(result.status()).isEqualTo(2);
  }

  @Test
  void nextWithAnUnquotedExpressionSaysToQuoteIt() {
    Result result = execute("next", "0", "9", "*", "*", "*");

    assertThat(result.err()).first().isEqualTo("next: expected ONE cron expression in quotes, e.g. next "
      + "\"*/5 * * * *\"; got a second argument '9'");
    assertThat(result.status()).isEqualTo(2);
  }

  // -----------------------------------------------------------------------------------------------
  // help, version, unknown commands

  @Test
  void helpPrintsUsageOnStandardOutput() {
    Result result = execute("--help");

    assertThat(result.out()).first().isEqualTo("Usage: java -jar vertx-pump.jar [COMMAND]");
    assertThat(String.join("\n", result.out())).contains("Commands:", "--help", "--version", "Exit status: 0 ok");
    assertThat(result.status()).isZero();
  }

  static Stream<String> commands() {
    return Stream.of("run", "check", "next", "triggers", "pipelines", "fire", "pause", "resume", "backfill");
  }

  @ParameterizedTest(name = "{0} --help")
  @MethodSource("commands")
  void everyCommandAnswersHelpWithItsOwnUsage(String command) {
    Result result = execute(command, "--help");

    assertThat(result.out()).first().asString().startsWith("Usage: java -jar vertx-pump.jar " + command + " ");
    assertThat(result.err()).isEmpty();
    assertThat(result.status()).isZero();
  }

  @Test
  void theCommandListHasEveryCommandAndTheirHelpIsAlsoReachedThroughHelp() {
    String usage = String.join("\n", execute("--help").out());
    commands().forEach(command -> assertThat(usage).containsPattern("(?m)^  " + command + " +\\S"));

    Result help = execute("help", "fire");
    assertThat(help.out()).first().asString().startsWith("Usage: java -jar vertx-pump.jar fire ");
    assertThat(help.status()).isZero();
  }

  @Test
  void theUsageListsEveryEnvironmentVariableTheServiceReads() {
    String usage = String.join("\n", execute("--help").out());

    List<String> variables = List.of("PUMP_HTTP_HOST", "PUMP_HTTP_PORT", "PUMP_API_TOKEN", "PUMP_DATA_DIR",
      "PUMP_CLUSTER_ENABLED", "PUMP_CLUSTER_HOST", "PUMP_CLUSTER_PORT", "PUMP_CLUSTER_MEMBERS", "PUMP_CLUSTER_NAME",
      "PUMP_CLUSTER_NODE_NAME", "PUMP_CLUSTER_TAKEOVER_WINDOW", "PUMP_CLUSTER_QUORUM", "PUMP_LOG_FORMAT");
    assertThat(dev.pump.config.ConfigLoader.environmentVariables().keySet()).containsExactlyElementsOf(variables);
    variables.forEach(variable -> assertThat(usage).containsPattern("(?m)^  " + variable + " +\\S"));
    assertThat(String.join("\n", execute("check", "--help").out())).contains("PUMP_LOG_FORMAT", "PUMP_CLUSTER_MEMBERS");
  }

  @Test
  void versionIsAnsweredBySubcommandsToo() {
    assertThat(execute("next", "--version").out()).isEqualTo(execute("--version").out());
    assertThat(execute("-V").status()).isZero();
  }

  @Test
  void anUnknownOptionOfACommandExitsWith2NamingIt() {
    Result result = execute("next", "0 9 * * *", "--zoen", "UTC");

    assertThat(result.err()).first().isEqualTo("next: Unknown option: '--zoen'");
    assertThat(result.out()).isEmpty();
    assertThat(result.status()).isEqualTo(2);
  }

  @Test
  void versionIsTheProjectsVersion() {
    Result result = execute("--version");

    assertThat(result.out()).singleElement().asString().matches("vertx-pump \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    assertThat(result.status()).isZero();
  }

  @Test
  void anUnknownCommandExitsWith2AndTheUsage() {
    Result result = execute("frobnicate");

    assertThat(result.err()).first().isEqualTo("unknown command 'frobnicate'");
    assertThat(result.err()).contains("Usage: java -jar vertx-pump.jar [COMMAND]");
    assertThat(result.out()).isEmpty();
    assertThat(result.status()).isEqualTo(2);
  }

  @Test
  void checkWithoutAPathExitsWith2() {
    Result result = execute("check");

    assertThat(result.err()).first().isEqualTo("check: missing PATH");
    assertThat(result.status()).isEqualTo(2);
  }

  @Test
  void checkRefusesAScheduleThatNeverFiresWithTheReason() throws IOException {
    Path config = Files.writeString(dir.resolve("config.yaml"), """
      http: { port: 0 }
      pipelines:
        - id: p
          source: { type: clock }
          triggers: [{ type: cron, id: c, schedule: "0 0 30 2 *" }]
          sink: { type: file, path: %s/out.jsonl }
      """.formatted(dir));

    Result check = execute("check", config.toString());
    Result run = execute("run", config.toString());

    assertThat(check.err())
      .containsExactly("pipelines[0].triggers[0].schedule: \"0 0 30 2 *\": never fires: February has no day 30");
    assertThat(check.status()).isEqualTo(2);
    assertThat(run.err()).isEqualTo(check.err());
    assertThat(run.status()).isEqualTo(2);
  }

  // -----------------------------------------------------------------------------------------------
  // run

  @Test
  void runWithAnInvalidConfigurationPrintsWhatCheckPrintsAndStartsNothing() throws IOException {
    Path config = Files.writeString(dir.resolve("config.yaml"), """
      http: { port: 0 }
      pipelines:
        - id: p
          source: { type: clock }
          triggers: [{ type: cron, id: c, schedule: "61 * * * *" }]
          sink: { type: file, path: %s/out.jsonl }
      """.formatted(dir));

    Result run = execute("run", config.toString());
    Result check = execute("check", config.toString());

    assertThat(run.err())
      .containsExactly("pipelines[0].triggers[0].schedule: \"61 * * * *\": minute 61 is out of range 0-59");
    assertThat(run.err()).isEqualTo(check.err());
    assertThat(run.status()).isEqualTo(2);
    assertThat(dir.resolve("out.jsonl")).doesNotExist();
  }

  @Test
  void runOfAMissingFileExitsWith2() {
    Path missing = dir.resolve("nope.yaml");

    Result result = execute("run", missing.toString());

    assertThat(result.err()).containsExactly(missing + ": no such file");
    assertThat(result.status()).isEqualTo(2);
  }
}
