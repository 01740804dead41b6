package dev.pump;

import dev.pump.config.ConfigLoader;
import dev.pump.config.PumpConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code triggers}, {@code pipelines}, {@code fire}, {@code pause}, {@code resume} and {@code backfill} of {@link Main}, run
 * in-process against a real service (started as {@code run} starts it, on a free port, with an API token).
 */
class ClientCommandsTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final String TOKEN = "s3cret";

  @TempDir
  Path dir;

  private PumpService service;
  private Path events;
  private String url;

  @BeforeEach
  void start() throws Exception {
    events = dir.resolve("events.jsonl");
    Path file = Files.writeString(dir.resolve("config.yaml"), """
      http: { host: 127.0.0.1, port: 0, apiToken: %s }
      shutdownGrace: 2s
      pipelines:
        - id: beats
          source: { type: clock }
          triggers:
            - { type: webhook, id: beat-hook, name: beat }
            - { type: cron, id: new-year, schedule: "0 0 1 1 *", zone: UTC }
          sink: { type: file, path: %s }
      """.formatted(TOKEN, events));
    PumpConfig config = new ConfigLoader(Map.of("PUMP_DATA_DIR", dir.resolve("data").toString())).load(file);
    service = PumpService.start(config).await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    url = "http://127.0.0.1:" + service.port();
  }

  @AfterEach
  void stop() throws Exception {
    service.close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  record Result(int status, List<String> out, List<String> err) {
  }

  private Result client(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.execute(args, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), env);
    return new Result(status, lines(out), lines(err));
  }

  /** The command with {@code --url} of the service and {@code --token}. */
  private Result client(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", url, "--token", TOKEN));
    return client(Map.of(), all.toArray(String[]::new));
  }

  private static List<String> lines(ByteArrayOutputStream stream) {
    String text = stream.toString(UTF_8);
    return text.isEmpty() ? List.of() : List.of(text.split("\\R"));
  }

  @Test
  void triggersPrintsATableWithEveryTrigger() {
    Result result = client("triggers");

    assertThat(result.status()).as(result.err().toString()).isZero();
    assertThat(result.out()).hasSize(3);
    assertThat(result.out().get(0)).matches("ID +TYPE +PAUSED +FIRES +LAST FIRED +NEXT FIRE");
    assertThat(result.out().get(1)).matches("beat-hook +webhook +no +0 +- +-");
    assertThat(result.out().get(2)).matches("new-year +cron +no +0 +- +20\\d\\d-01-01T00:00:00Z");
  }

  @Test
  void triggersWithJsonPrintsTheServicesAnswer() {
    Result result = client("triggers", "--json");

    JsonArray triggers = new JsonArray(String.join("\n", result.out()));
    assertThat(triggers.stream().map(t -> ((JsonObject) t).getString("id"))).containsExactly("beat-hook", "new-year");
    assertThat(result.status()).isZero();
  }

  @Test
  void fireWithArgsReachesTheSinkAndIsCounted() throws Exception {
    Result fired = client("fire", "beat-hook", "--args", "{\"by\": \"cli\"}");

    assertThat(fired.status()).as(fired.err().toString()).isZero();
    assertThat(fired.out()).singleElement().asString().matches("fired beat-hook: firing \\S+");
    String firing = fired.out().get(0).substring(fired.out().get(0).lastIndexOf(' ') + 1);
    await().atMost(DEADLINE).until(() -> Files.exists(events) && !Files.readAllLines(events).isEmpty());
    JsonObject written = new JsonObject(Files.readAllLines(events).get(0));
    assertThat(written.getString("firing")).isEqualTo(firing);
    assertThat(written.getJsonObject("args")).isEqualTo(new JsonObject().put("by", "cli"));

    await().atMost(DEADLINE).until(() -> client("pipelines").out().get(1).matches("beats +yes +1 +1 +0 +-"));
    assertThat(client("triggers").out().get(1)).matches("beat-hook +webhook +no +1 +20\\S+Z +-");
  }

  @Test
  void pipelinesPrintsReadinessAndCounters() {
    Result result = client("pipelines");

    assertThat(result.out()).containsExactly(
      "ID     READY  EVENTS IN  EVENTS OUT  ERRORS  WHY NOT READY",
      "beats  yes    0          0           0       -");
    assertThat(result.status()).isZero();
  }

  @Test
  void aPausedTriggerRefusesAFireUntilResumed() {
    assertThat(client("pause", "beat-hook").out()).containsExactly("paused beat-hook");
    assertThat(client("triggers").out().get(1)).matches("beat-hook +webhook +yes .*");

    Result refused = client("fire", "beat-hook");
    assertThat(refused.err()).containsExactly("fire: trigger 'beat-hook' is paused (HTTP 409)");
    assertThat(refused.status()).isEqualTo(2);

    assertThat(client("resume", "beat-hook").out()).containsExactly("resumed beat-hook");
    assertThat(client("fire", "beat-hook").status()).isZero();
  }

  @Test
  void anUnknownTriggerExitsWith2WithTheServicesMessage() {
    Result result = client("pause", "no such");

    assertThat(result.err()).containsExactly("pause: no trigger 'no such' (HTTP 404)");
    assertThat(result.out()).isEmpty();
    assertThat(result.status()).isEqualTo(2);
  }

  @Test
  void theTokenComesFromPumpApiTokenWhenNotGiven() {
    Result withEnv = client(Map.of("PUMP_API_TOKEN", TOKEN), "triggers", "--url", url);
    assertThat(withEnv.status()).as(withEnv.err().toString()).isZero();

    Result wrong = client(Map.of("PUMP_API_TOKEN", "wrong"), "triggers", "--url", url);
    assertThat(wrong.err()).singleElement().asString().startsWith("triggers: ").endsWith("(HTTP 401)");
    assertThat(wrong.status()).isEqualTo(2);
  }

  @Test
  void argsThatAreNotAJsonObjectAreRefusedBeforeAnythingIsSent() {
    Result result = client("fire", "beat-hook", "--args", "[1, 2]");

    assertThat(result.err()).first().isEqualTo("fire: --args must be a JSON object such as '{\"by\": \"me\"}', got [1, 2]");
    assertThat(result.status()).isEqualTo(2);
    assertThat(client("triggers").out().get(1)).as("nothing fired").matches("beat-hook +webhook +no +0 .*");
  }

  @Test
  void aServiceThatDoesNotAnswerExitsWith1() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Result result = client(Map.of(), "triggers", "--url", "http://127.0.0.1:" + closedPort);

    assertThat(result.err()).singleElement().asString()
      .isEqualTo("triggers: cannot reach the service at http://127.0.0.1:" + closedPort + ": connection refused");
    assertThat(result.status()).isEqualTo(1);
  }
  @Test
  void backfillPrintsTheProgressUntilDoneAndARepeatFiresNothingTwice() throws Exception {
    Result result = client("backfill", "new-year", "--from", "2020-01-01T00:00:00Z", "--to", "2024-01-01T00:00:01Z",
      "--rate", "1000");

    assertThat(result.status()).as(result.err().toString()).isZero();
    assertThat(result.out().get(0)).matches("backfill \\S+ of new-year: 5 slot\\(s\\) from 2020-01-01T00:00:00Z to "
      + "2024-01-01T00:00:01Z at 1000/s; waiting .*");
    String id = result.out().get(0).split(" ")[1];
    assertThat(result.out()).last().isEqualTo("backfill " + id
      + " done: 5 fired, 0 already fired, 0 not claimed, 0 excluded, 0 left of 5");
    assertThat(client("triggers").out().get(2)).as("fired 5 times").matches("new-year +cron +no +5 .*");
    // the clock source merges fires that arrive while a cycle runs: the first slot's cycle always runs
    await().atMost(DEADLINE).until(() -> Files.exists(events) && !Files.readAllLines(events).isEmpty());
    assertThat(new JsonObject(Files.readAllLines(events).get(0)).getString("firing"))
      .isEqualTo("new-year@2020-01-01T00:00:00Z");

    Result again = client("backfill", "new-year", "--from", "2020-01-01T00:00:00Z", "--to", "2024-01-01T00:00:01Z",
      "--rate", "1000");
    assertThat(again.out()).last().asString().endsWith(" done: 0 fired, 5 already fired, 0 not claimed, 0 excluded, 0 left of 5");
    assertThat(again.status()).isZero();
  }

  @Test
  void backfillWithNoWaitReturnsItsIdAndCancelStopsIt() {
    Result started = client("backfill", "new-year", "--from", "2000-01-01T00:00:00Z", "--to", "2026-01-01T00:00:01Z",
      "--rate", "1", "--no-wait");

    assertThat(started.status()).as(started.err().toString()).isZero();
    assertThat(started.out()).singleElement().asString()
      .matches("backfill \\S+ of new-year: 27 slot\\(s\\) from 2000-01-01T00:00:00Z to 2026-01-01T00:00:01Z at 1/s");
    String id = started.out().get(0).split(" ")[1];

    Result cancelled = client("backfill", "new-year", "--cancel");
    assertThat(cancelled.status()).as(cancelled.err().toString()).isZero();
    assertThat(cancelled.out()).singleElement().asString()
      .matches("cancelled backfill " + java.util.regex.Pattern.quote(id) + " of new-year: \\d+ fired, .* left of 27");
  }

  @Test
  void aWaitingBackfillThatIsCancelledElsewhereExitsWith1() throws Exception {
    CompletableFuture<Result> waiting = CompletableFuture.supplyAsync(() -> client("backfill", "new-year",
      "--from", "2000-01-01T00:00:00Z", "--to", "2026-01-01T00:00:01Z", "--rate", "1"));

    // 404 (exit 2) until the backfill exists
    await().atMost(DEADLINE).until(() -> client("backfill", "new-year", "--cancel").status() == 0);
    Result result = waiting.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

    assertThat(result.out()).last().asString().matches("backfill \\S+ cancelled: \\d+ fired, .* left of 27");
    assertThat(result.status()).isEqualTo(1);
  }

  @Test
  void backfillRefusesWhatTheServiceOrTheCommandLineRefusesWithExit2() {
    Result noTo = client("backfill", "new-year", "--from", "2020-01-01T00:00:00Z");
    assertThat(noTo.err()).first().isEqualTo("backfill: --from and --to are required (ISO-8601 instants such as "
      + "2026-03-01T00:00:00Z), or --cancel");
    assertThat(noTo.status()).isEqualTo(2);

    Result cancelWithRange = client("backfill", "new-year", "--cancel", "--from", "2020-01-01T00:00:00Z");
    assertThat(cancelWithRange.err()).first().isEqualTo("backfill: --cancel takes no --from, --to, --rate or --no-wait");
    assertThat(cancelWithRange.status()).isEqualTo(2);

    Result badInstant = client("backfill", "new-year", "--from", "yesterday", "--to", "2024-01-01T00:00:00Z");
    assertThat(badInstant.err()).singleElement().asString().startsWith("backfill: from: 'yesterday' is not an ISO-8601 instant")
      .endsWith("(HTTP 400)");
    assertThat(badInstant.status()).isEqualTo(2);

    Result webhook = client("backfill", "beat-hook", "--from", "2020-01-01T00:00:00Z", "--to", "2024-01-01T00:00:00Z");
    assertThat(webhook.err()).singleElement().asString()
      .startsWith("backfill: trigger 'beat-hook' is a webhook trigger: only time triggers");
    assertThat(webhook.status()).isEqualTo(2);

    Result nothingToCancel = client("backfill", "new-year", "--cancel");
    assertThat(nothingToCancel.err()).containsExactly("backfill: trigger 'new-year' has no backfill (HTTP 404)");
    assertThat(nothingToCancel.status()).isEqualTo(2);
  }

  @Test
  void backfillHelpListsItsOptions() {
    Result help = client(Map.of(), "backfill", "--help");

    assertThat(help.status()).isZero();
    assertThat(String.join("\n", help.out())).contains("--from=ISO", "--to=ISO", "--rate=N", "--no-wait", "--cancel",
      "--url=URL", "--token=TOKEN");
  }
}
