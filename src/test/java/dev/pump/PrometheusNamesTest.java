package dev.pump;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pump.config.ConfigLoader;
import dev.pump.config.PumpConfig;
import dev.pump.http.PumpMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The service's {@code /metrics}, scraped after a webhook fire and a cycle, against the rules of
 * {@code promtool check metrics} (Prometheus' promlint): checked here in Java, and by promtool itself where it
 * is installed (Debian's {@code prometheus} package; {@code .ci/run} installs it, and under {@code CI=true} its
 * absence fails the test instead of skipping it).
 */
@ExtendWith(VertxExtension.class)
class PrometheusNamesTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  /** promlint's unitAbbreviations: a name with one of these as a word "should not contain abbreviated units". */
  private static final Set<String> ABBREVIATED_UNITS =
    Set.of("s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d");
  /** promlint's non-base units ("use base unit ... instead of ..."), those a JVM could plausibly use. */
  private static final Set<String> NON_BASE_UNITS = Set.of("milliseconds", "microseconds", "nanoseconds",
    "minutes", "hours", "days", "weeks", "kilobytes", "megabytes", "gigabytes", "bits", "percent");
  private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);

  @TempDir
  Path dir;

  private PumpService service;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    Path file = Files.writeString(dir.resolve("config.yaml"), """
      http: { host: 127.0.0.1, port: 0 }
      pipelines:
        - id: beats
          source: { type: clock }
          triggers:
            - { type: webhook, id: beat-hook, name: beat }
            - { type: cron, id: new-year, schedule: "0 0 1 1 *", zone: UTC }
          sink: { type: log }
      """);
    PumpConfig config = new ConfigLoader(Map.of("PUMP_DATA_DIR", dir.resolve("data").toString())).load(file);
    service = PumpService.start(config).await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    service.close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void everyMetricNameFollowsPromtoolsRules() throws Exception {
    Map<String, String> types = types(scrape());

    assertThat(types).as("the scrape has the JVM's, Vert.x's and our meters")
      .containsKeys("jvm_memory_used_bytes", "vertx_http_server_requests_total", "pump_trigger_fires_total",
        "jvm_compilation_time_seconds_total", "process_cpu_seconds_total", "system_cpu_processors",
        "pump_journal_size_bytes", "pump_journal_backlog", "pump_journal_held", "pump_journal_writable", "pump_journal_forces_total");
    List<String> problems = new ArrayList<>();
    types.forEach((name, type) -> problems.addAll(problems(name, type)));
    assertThat(problems).isEmpty();
  }

  @Test
  void theRulesCatchTheNamesPromtoolComplainedAbout() {
    assertThat(problems("jvm_compilation_time_ms_total", "counter")).containsExactly(
      "jvm_compilation_time_ms_total: abbreviated unit 'ms'");
    assertThat(problems("process_cpu_time_ns_total", "counter")).containsExactly(
      "process_cpu_time_ns_total: abbreviated unit 'ns'");
    assertThat(problems("system_cpu_count", "gauge")).containsExactly(
      "system_cpu_count: a gauge must not end in _count, which histograms and summaries own");
    assertThat(problems("pump_fires", "counter")).containsExactly("pump_fires: a counter must end in _total");
    assertThat(problems("jvm_gc_pause_milliseconds", "summary")).containsExactly(
      "jvm_gc_pause_milliseconds: non-base unit 'milliseconds'");
  }

  @Test
  void theEmbeddingRecipeOfOperationsMdGivesTheSameNames() {
    // docs/operations.md, "Metrics"
    Vertx vertx = Vertx.builder().with(PumpMetrics.withPrometheus(new VertxOptions(), "prometheus-names-test"))
      .withMetrics(PumpMetrics.newPrometheusMetricsFactory()).build();
    try {
      Map<String, String> types = types(PumpMetrics.prometheusRegistry("prometheus-names-test").orElseThrow().scrape());

      assertThat(types).containsKeys("jvm_compilation_time_seconds_total", "process_cpu_seconds_total",
        "system_cpu_processors", "jvm_memory_used_bytes").doesNotContainKeys("jvm_compilation_time_ms_total",
        "process_cpu_time_ns_total", "system_cpu_count");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void settingTheRegistryUpMakesMicrometerWarnAboutNothing() {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger micrometer = (Logger) LoggerFactory.getLogger("io.micrometer");
    micrometer.addAppender(logs);
    Vertx vertx = null;
    try {
      // what the service does (PumpService.startParts), with its label matches that become registry filters
      vertx = Vertx.builder().with(PumpMetrics.withPrometheus(new VertxOptions(), "prometheus-warnings-test"))
        .withMetrics(PumpMetrics.newPrometheusMetricsFactory()).build();
      PumpMetrics.prometheusRegistry("prometheus-warnings-test").orElseThrow().scrape();
    } finally {
      micrometer.detachAppender(logs);
      if (vertx != null) {
        vertx.close().await();
      }
    }

    // e.g. "A MeterFilter is being configured after a Meter has been registered to this registry", or a meter
    // registered twice ("This FunctionCounter has been already registered")
    assertThat(logs.list).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
      .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }

  @Test
  void theBuildInfoGaugeCarriesTheVersion() throws Exception {
    String text = scrape();

    assertThat(types(text)).containsEntry("vertx_pump_build_info", "gauge");
    assertThat(text).contains("vertx_pump_build_info{version=\"" + BuildInfo.version() + "\"} 1\n");
    assertThat(BuildInfo.version()).as("filtered from the pom").matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
  }

  @Test
  void promtoolAcceptsTheScrape() throws Exception {
    Optional<Path> promtool = promtool();
    if ("true".equals(System.getenv("CI"))) {
      assertThat(promtool).as("promtool on the PATH (.ci/run installs Debian's prometheus)").isPresent();
    }
    assumeTrue(promtool.isPresent(), "promtool is not installed (apt-get install prometheus)");
    Path metrics = Files.writeString(dir.resolve("metrics.txt"), scrape());

    Process check = new ProcessBuilder(promtool.get().toString(), "check", "metrics")
      .redirectInput(metrics.toFile()).redirectErrorStream(true).start();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

    assertThat(output).isEmpty();
    assertThat(check.exitValue()).isZero();
  }

  private String scrape() throws Exception {
    HttpResponse<Buffer> fired = client.post(service.port(), "127.0.0.1", "/webhooks/beat")
      .sendJsonObject(new JsonObject()).await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertThat(fired.statusCode()).isEqualTo(202);
    HttpResponse<Buffer> response = client.get(service.port(), "127.0.0.1", "/metrics").send()
      .await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsString();
  }

  private static Map<String, String> types(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    Matcher m = TYPE.matcher(text);
    while (m.find()) {
      types.put(m.group(1), m.group(2));
    }
    return types;
  }

  /** promlint's rules on one metric family's name and type, as messages; empty when it passes. */
  static List<String> problems(String name, String type) {
    List<String> problems = new ArrayList<>();
    List<String> words = Arrays.asList(name.split("_"));
    words.stream().filter(ABBREVIATED_UNITS::contains).forEach(w -> problems.add(name + ": abbreviated unit '" + w + "'"));
    words.stream().filter(NON_BASE_UNITS::contains).forEach(w -> problems.add(name + ": non-base unit '" + w + "'"));
    if (!name.equals(name.toLowerCase())) {
      problems.add(name + ": not snake_case");
    }
    if (name.contains(":")) {
      problems.add(name + ": ':' is reserved for recording rules");
    }
    boolean total = name.endsWith("_total");
    if (type.equals("counter") && !total) {
      problems.add(name + ": a counter must end in _total");
    }
    if (!type.equals("counter") && total) {
      problems.add(name + ": only a counter may end in _total");
    }
    if (!type.equals("histogram") && !type.equals("summary")) {
      for (String reserved : List.of("_count", "_sum", "_bucket")) {
        if (name.endsWith(reserved)) {
          problems.add(name + ": a " + type + " must not end in " + reserved + ", which histograms and summaries own");
        }
      }
    }
    return problems;
  }

  private static Optional<Path> promtool() {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
      .map(p -> Path.of(p, "promtool")).filter(Files::isExecutable).findFirst();
  }
}
