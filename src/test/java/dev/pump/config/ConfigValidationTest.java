package dev.pump.config;

import dev.pump.Main;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code check PATH}: every broken configuration is rejected with exit code 2 and a message naming
 * the key path and what to fix; valid ones pass with their defaults filled in.
 */
class ConfigValidationTest {

  /** A minimal valid pipeline list, appended to configurations that test other sections. */
  private static final String PIPELINE = """
    pipelines:
      - id: p
        source: { type: clock }
        triggers:
          - { type: webhook, id: hook }
        sink: { type: log }
    """;

  @TempDir
  Path dir;

  private Path file;

  @BeforeEach
  void placeAFileToTripOver() throws IOException {
    file = Files.writeString(dir.resolve("a-file"), "not a directory");
  }

  record Case(String name, String yaml, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case broken(String name, String yaml, String... expected) {
    return new Case(name, yaml, List.of(expected));
  }

  static Stream<Case> brokenConfigurations() {
    return Stream.of(
      broken("an unknown top-level key close to a known one", "htp: {}\n" + PIPELINE,
        "htp: unknown key (did you mean 'http'?)"),
      broken("an unknown key with nothing close", "http: { colour: red }\n" + PIPELINE,
        "http.colour: unknown key (known keys: host, port, apiToken, maxBodyBytes, idleTimeout, maxHeaderBytes)"),
      broken("a port that is not a number", "http: { port: abc }\n" + PIPELINE,
        "http.port: must be a number, got \"abc\""),
      broken("a port out of range", "http: { port: 70000 }\n" + PIPELINE,
        "http.port: must be between 0 and 65535, got 70000"),
      broken("a port with a fraction", "http: { port: 8080.5 }\n" + PIPELINE,
        "http.port: must be a whole number, got 8080.5"),
      broken("a token YAML reads as a number", "http: { apiToken: 12345 }\n" + PIPELINE,
        "http.apiToken: must be a string (put it in quotes)"),
      broken("an empty host", "http: { host: \"\" }\n" + PIPELINE,
        "http.host: must not be empty"),
      broken("a negative body limit", "http: { maxBodyBytes: -1 }\n" + PIPELINE,
        "http.maxBodyBytes: must be between 0 and 9223372036854775807, got -1"),
      broken("a duration in words", "shutdownGrace: 10 seconds\n" + PIPELINE,
        "shutdownGrace: must be a duration like 500ms, 10s, 5m, 1h or 1d, got \"10 seconds\""),
      broken("a duration without a unit", "shutdownGrace: 10\n" + PIPELINE,
        "shutdownGrace: must be a duration like 500ms, 10s, 5m, 1h or 1d, got 10"),
      broken("a data directory that is a file", "dataDir: $FILE\n" + PIPELINE,
        "dataDir: \"$FILE\" exists and is not a directory"),
      broken("a cluster flag that is not a boolean", "cluster: { enabled: maybe }\n" + PIPELINE,
        "cluster.enabled: must be true or false, got \"maybe\""),
      broken("a cluster port of 0", "cluster: { port: 0 }\n" + PIPELINE,
        "cluster.port: must be between 1 and 65535, got 0"),
      broken("a cluster member without a port", "cluster: { members: [\"10.0.0.1:5701\", \"10.0.0.2\"] }\n" + PIPELINE,
        "cluster.members[1]: must be host:port with a port from 1 to 65535, e.g. \"10.0.0.1:5701\", got \"10.0.0.2\""),
      broken("no pipelines at all", "http: { port: 8080 }\n",
        "pipelines: required (a list of pipelines, each with id, source, triggers and sink)"),
      broken("an empty pipeline list", "pipelines: []\n",
        "pipelines: must list at least one pipeline"),
      broken("a pipeline that is not a mapping", "pipelines: [heartbeat]\n",
        "pipelines[0]: must be a mapping (key: value), got \"heartbeat\""),
      broken("a pipeline without an id", """
        pipelines:
          - source: { type: clock }
            triggers: [{ type: runonce, id: once }]
            sink: { type: log }
        """,
        "pipelines[0].id: required"),
      broken("an id with a space", """
        pipelines:
          - id: my pipeline
            source: { type: clock }
            triggers: [{ type: runonce, id: once }]
            sink: { type: log }
        """,
        "pipelines[0].id: must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit, "
          + "got \"my pipeline\""),
      broken("two pipelines with one id", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: runonce, id: once }]
            sink: { type: log }
          - id: p
            source: { type: clock }
            triggers: [{ ref: once }]
            sink: { type: log }
        """,
        "pipelines[1].id: duplicate pipeline id 'p' (first defined at pipelines[0])"),
      broken("a pipeline without a source", """
        pipelines:
          - id: p
            triggers: [{ type: runonce, id: once }]
            sink: { type: log }
        """,
        "pipelines[0].source: required (one of clock, http-get, class)"),
      broken("an unknown source type", """
        pipelines:
          - id: p
            source: { type: clok }
            triggers: [{ type: runonce, id: once }]
            sink: { type: log }
        """,
        "pipelines[0].source.type: unknown source type 'clok' (did you mean 'clock'? known types are: "
          + "clock, http-get, class)"),
      broken("an http-get source with an ftp url", """
        pipelines:
          - id: p
            source: { type: http-get, url: "ftp://example.com/x" }
            triggers: [{ type: runonce, id: once }]
            sink: { type: log }
        """,
        "pipelines[0].source.url: must be an http:// or https:// URL with a host, got \"ftp://example.com/x\""),
      broken("a source class that is not a TriggerSource", """
        pipelines:
          - id: p
            source: { type: class, class: java.lang.Thread }
            triggers: [{ type: runonce, id: once }]
            sink: { type: log }
        """,
        "pipelines[0].source.class: class 'java.lang.Thread' is not a subclass of dev.pump.source.TriggerSource"),
      broken("the abstract TriggerSource itself", """
        pipelines:
          - id: p
            source: { class: dev.pump.source.TriggerSource }
            triggers: [{ type: runonce, id: once }]
            sink: { type: log }
        """,
        "pipelines[0].source.class: class 'dev.pump.source.TriggerSource' is abstract: name a concrete class"),
      broken("triggers that are not a list", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: cron
            sink: { type: log }
        """,
        "pipelines[0].triggers: must be a list, got \"cron\""),
      broken("a pipeline without triggers", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: []
            sink: { type: log }
        """,
        "pipelines[0].triggers: must list at least one trigger, or the pipeline never runs"),
      broken("the cron minute 61 of interface.md", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers:
              - { type: webhook, id: hook }
              - { type: cron, id: bad, schedule: "61 * * * *" }
            sink: { type: log }
        """,
        "pipelines[0].triggers[1].schedule: \"61 * * * *\": minute 61 is out of range 0-59"),
      broken("a cron schedule that never fires (30 February)", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers:
              - { type: cron, id: leap, schedule: "0 0 29 2 *" }
              - { type: cron, id: never, schedule: "0 0 30 2 *", zone: Europe/Prague }
            sink: { type: log }
        """,
        "pipelines[0].triggers[1].schedule: \"0 0 30 2 *\": never fires: February has no day 30"),
      broken("a cron trigger without a schedule", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: cron, id: c }]
            sink: { type: log }
        """,
        "pipelines[0].triggers[0].schedule: required (a cron expression, e.g. \"*/5 * * * *\")"),
      broken("a misspelt time zone", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: cron, id: c, schedule: "0 9 * * *", zone: Europe/Prag }]
            sink: { type: log }
        """,
        "pipelines[0].triggers[0].zone: unknown time zone \"Europe/Prag\" (did you mean 'Europe/Prague'?)"),
      broken("an unknown trigger type", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: crn, id: c, schedule: "* * * * *" }]
            sink: { type: log }
        """,
        "pipelines[0].triggers[0].type: unknown trigger type 'crn' (did you mean 'cron'? known types are: "
          + "cron, periodic, pubsub, webhook, opportunistic, runonce)"),
      broken("a trigger without a type", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ id: c, schedule: "* * * * *" }]
            sink: { type: log }
        """,
        "pipelines[0].triggers[0].type: required (one of cron, periodic, pubsub, webhook, opportunistic, runonce; "
          + "or ref: <id> to share a trigger defined elsewhere)"),
      broken("a key that belongs to another trigger type", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: cron, id: c, schedule: "* * * * *", interval: 10s }]
            sink: { type: log }
        """,
        "pipelines[0].triggers[0].interval: unknown key (known keys: type, id, schedule, zone, dst, mode, catchUp, catchUpLimit, startingDeadline, jitter, spread, startAt, endAt, maxFires, exclude, pauseOnFailure)"),
      broken("a periodic trigger without an interval", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: periodic, id: tick }]
            sink: { type: log }
        """,
        "pipelines[0].triggers[0].interval: required (a duration like 500ms, 10s, 5m, 1h or 1d)"),
      broken("a zero interval", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: periodic, id: tick, interval: 0s }]
            sink: { type: log }
        """,
        "pipelines[0].triggers[0].interval: must be at least 1ms, got \"0s\""),
      broken("a misspelt mode", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: cron, id: c, schedule: "* * * * *", mode: every_node }]
            sink: { type: log }
        """,
        "pipelines[0].triggers[0].mode: must be cluster-once or every-node, got \"every_node\" "
          + "(did you mean 'every-node'?)"),
      broken("a pubsub trigger without a topic", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: pubsub, id: bus }]
            sink: { type: log }
        """,
        "pipelines[0].triggers[0].topic: required (an event-bus address, e.g. force.run)"),
      broken("one trigger id in two pipelines", """
        pipelines:
          - id: a
            source: { type: clock }
            triggers: [{ type: runonce, id: start }]
            sink: { type: log }
          - id: b
            source: { type: clock }
            triggers: [{ type: runonce, id: start }]
            sink: { type: log }
        """,
        "pipelines[1].triggers[0].id: duplicate trigger id 'start' (first defined at pipelines[0].triggers[0])"),
      broken("a ref to no trigger", """
        pipelines:
          - id: a
            source: { type: clock }
            triggers: [{ type: cron, id: every-5-min, schedule: "*/5 * * * *" }]
            sink: { type: log }
          - id: b
            source: { type: clock }
            triggers: [{ ref: every-5-mins }]
            sink: { type: log }
        """,
        "pipelines[1].triggers[0].ref: no trigger has id 'every-5-mins' (did you mean 'every-5-min'?)"),
      broken("a webhook name used twice", """
        pipelines:
          - id: a
            source: { type: clock }
            triggers: [{ type: webhook, id: hook-a, name: deploy }]
            sink: { type: log }
          - id: b
            source: { type: clock }
            triggers: [{ type: webhook, id: hook-b, name: deploy }]
            sink: { type: log }
        """,
        "pipelines[1].triggers[0].name: webhook name 'deploy' is already used by trigger 'hook-a' "
          + "(pipelines[0].triggers[0])"),
      broken("a whsec_ webhook secret that is not base64", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: webhook, id: hook, secret: "whsec_s3cr3t!" }]
            sink: { type: log }
        """,
        "pipelines[0].triggers[0].secret: a secret starting with whsec_ must continue in base64"),
      broken("a processor class that does not exist", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: runonce, id: once }]
            processors: [{ class: com.example.Nope }]
            sink: { type: log }
        """,
        "pipelines[0].processors[0].class: class 'com.example.Nope' not found on the classpath"),
      broken("a processor class that is no Processor", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: runonce, id: once }]
            processors: [{ class: java.lang.String }]
            sink: { type: log }
        """,
        "pipelines[0].processors[0].class: class 'java.lang.String' does not implement dev.pump.pipeline.Processor"),
      broken("a sink class without a usable constructor", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: runonce, id: once }]
            sink: { type: class, class: "$PLUGINSStringConstructorSink" }
        """,
        "pipelines[0].sink.class: class '$PLUGINSStringConstructorSink' has no constructor () or (JsonObject)"),
      broken("an unknown sink type", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: runonce, id: once }]
            sink: { type: fiel, path: x.jsonl }
        """,
        "pipelines[0].sink.type: unknown sink type 'fiel' (did you mean 'file'? known types are: "
          + "log, file, eventbus, http, class)"),
      broken("a file sink under a file", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: runonce, id: once }]
            sink: { type: file, path: $FILE/events.jsonl }
        """,
        "pipelines[0].sink.path: cannot write to $FILE/events.jsonl: parent is a file: $FILE"),
      broken("a file sink path that is a directory", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: runonce, id: once }]
            sink: { type: file, path: $DIR }
        """,
        "pipelines[0].sink.path: cannot write to $DIR: path is a directory"),
      broken("an eventbus sink without an address", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: runonce, id: once }]
            sink: { type: eventbus }
        """,
        "pipelines[0].sink.address: required (an event-bus address, e.g. pump.events)"),
      broken("an http sink whose backoff shrinks", """
        pipelines:
          - id: p
            source: { type: clock }
            triggers: [{ type: runonce, id: once }]
            sink: { type: http, url: "http://127.0.0.1:9/in", initialBackoff: 5s, maxBackoff: 1s }
        """,
        "pipelines[0].sink.maxBackoff: must be at least initialBackoff (5s), got \"1s\""),
      broken("every problem at once, in document order, refs last", """
        htp: {}
        http: { port: abc }
        pipelines:
          - id: p
            source: { type: clock }
            triggers:
              - { ref: nowhere }
              - { type: cron, id: c, schedule: "* * * *" }
            sink: { type: log, nmae: x }
        """,
        "htp: unknown key (did you mean 'http'?)",
        "http.port: must be a number, got \"abc\"",
        "pipelines[0].triggers[1].schedule: \"* * * *\": expected 5 fields (minute hour day-of-month month "
          + "day-of-week) or 6 with leading seconds, got 4",
        "pipelines[0].sink.nmae: unknown key (did you mean 'name'?)",
        "pipelines[0].triggers[0].ref: no trigger has id 'nowhere'"),
      broken("text that is not YAML", "pipelines: [\n",
        "$PATH: not valid YAML at line 2, column 1: expected the node content, but found '<stream end>' "
          + "(while parsing a flow node)"),
      broken("a YAML list instead of a mapping", "- http\n- pipelines\n",
        "$PATH: must be a YAML mapping of keys to values, e.g. http:, pipelines:"),
      broken("a file of nothing but comments", "# nothing yet\n",
        "pipelines: required (a list of pipelines, each with id, source, triggers and sink)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenConfigurations")
  void checkRejectsABrokenConfigurationNamingEveryProblem(Case broken) throws IOException {
    Path config = write(broken.yaml());

    Result result = execute(Map.of(), "check", config.toString());

    assertThat(result.err()).containsExactlyElementsOf(
      broken.expected().stream().map(line -> substitute(line, config)).toList());
    assertThat(result.out()).isEmpty();
    assertThat(result.status()).isEqualTo(2);
  }

  @Test
  void checkSaysWhenTheFileIsMissing() {
    Path missing = dir.resolve("missing.yaml");

    Result result = execute(Map.of(), "check", missing.toString());

    assertThat(result.err()).containsExactly(missing + ": no such file");
    assertThat(result.status()).isEqualTo(2);
  }

  @Test
  void theShippedConfigurationPassesCheck() {
    Result result = execute(Map.of(), "check", "conf/config.yaml");

    assertThat(result.err()).isEmpty();
    assertThat(result.out()).containsExactly("conf/config.yaml: valid (1 pipeline(s), 4 trigger(s))");
    assertThat(result.status()).isZero();
  }

  @Test
  void theShippedConfigurationIsTheHeartbeatOfTheIssue() {
    PumpConfig config = new ConfigLoader(Map.of()).load(Path.of("conf/config.yaml"));

    assertThat(config.http()).isEqualTo(new HttpConfig("127.0.0.1", 8080, "", 1_048_576));
    PipelineConfig heartbeat = config.pipelines().get(0);
    assertThat(heartbeat.id()).isEqualTo("heartbeat");
    assertThat(heartbeat.source()).isEqualTo(new SourceConfig.Clock());
    assertThat(heartbeat.triggers()).extracting(t -> t.getClass().getSimpleName())
      .containsExactly("Cron", "Webhook", "PubSub", "Periodic");
    assertThat(heartbeat.sink()).isEqualTo(new SinkConfig.File(Path.of("data/heartbeat.jsonl")));
  }

  @Test
  void theExampleOfInterfaceMdIsValidAndKeepsEveryValue() throws IOException {
    Path config = write("""
      http:
        host: 127.0.0.1
        port: 8080
        apiToken: ""
        maxBodyBytes: 1048576
      dataDir: $DIR/data
      shutdownGrace: 10s
      cluster:
        enabled: false
        name: vertx-pump
        host: 127.0.0.1
        port: 5701
        members: []
      pipelines:
        - id: heartbeat
          source: { type: clock }
          triggers:
            - { type: cron, id: every-5-min, schedule: "*/5 * * * *", zone: Europe/Prague,
                mode: cluster-once }
            - { type: periodic, id: ten-seconds, interval: 10s, fireAtStart: false }
            - { type: pubsub, id: forced, topic: force.run }
            - { type: webhook, id: hook, name: heartbeat, secret: "" }
            - { type: opportunistic, id: idle, chilldown: 5s }
            - { type: runonce, id: at-start }
            - { ref: every-5-min }
          processors: []
          sink: { type: file, path: $DIR/data/heartbeat.jsonl }
      """);

    PumpConfig loaded = new ConfigLoader(Map.of()).load(config);

    assertThat(loaded.pipelines().get(0).triggers()).containsExactly(
      new TriggerConfig.Cron("every-5-min",
        dev.pump.trigger.CronSchedule.parse("*/5 * * * *", ZoneId.of("Europe/Prague")), TimePolicy.DEFAULT),
      new TriggerConfig.Periodic("ten-seconds", Duration.ofSeconds(10), false, TimePolicy.DEFAULT),
      new TriggerConfig.PubSub("forced", List.of("force.run")),
      new TriggerConfig.Webhook("hook", "heartbeat", ""),
      new TriggerConfig.Opportunistic("idle", Duration.ofSeconds(5)),
      new TriggerConfig.RunOnce("at-start"),
      new TriggerConfig.Ref("every-5-min"));
    assertThat(loaded.dataDir()).isEqualTo(dir.resolve("data"));
  }

  @Test
  void leftOutKeysTakeTheDefaultsOfInterfaceMd() throws IOException {
    PumpConfig config = new ConfigLoader(Map.of()).load(write(PIPELINE));

    assertThat(config.http()).isEqualTo(new HttpConfig("127.0.0.1", 8080, "", 1_048_576));
    assertThat(config.dataDir()).isEqualTo(Path.of("data"));
    assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.cluster()).isEqualTo(new ClusterConfig(false, "vertx-pump", "127.0.0.1", 5701, List.of()));
    PipelineConfig pipeline = config.pipelines().get(0);
    assertThat(pipeline.processors()).isEmpty();
    assertThat(pipeline.triggers()).containsExactly(new TriggerConfig.Webhook("hook", "hook", ""));
    assertThat(pipeline.sink()).isEqualTo(new SinkConfig.Log("p"));
  }

  @Test
  void sinkAndTriggerOptionsDefaultAsDocumented() throws IOException {
    PumpConfig config = new ConfigLoader(Map.of()).load(write("""
      dataDir: $DIR/state
      pipelines:
        - id: p
          source: { type: http-get, url: "http://127.0.0.1:9/status" }
          triggers:
            - { type: cron, id: c, schedule: "@hourly", zone: UTC }
            - { type: opportunistic, id: idle }
            - { type: pubsub, id: bus, topic: [a.b, c.d] }
          sink: { type: file }
      """));

    PipelineConfig pipeline = config.pipelines().get(0);
    assertThat(pipeline.source())
      .isEqualTo(new SourceConfig.HttpGet("http://127.0.0.1:9/status", Duration.ofSeconds(10)));
    assertThat(pipeline.triggers()).containsExactly(
      new TriggerConfig.Cron("c", dev.pump.trigger.CronSchedule.parse("@hourly", ZoneId.of("UTC")),
        TimePolicy.DEFAULT),
      new TriggerConfig.Opportunistic("idle", Duration.ofSeconds(5)),
      new TriggerConfig.PubSub("bus", List.of("a.b", "c.d")));
    assertThat(pipeline.sink()).isEqualTo(new SinkConfig.File(dir.resolve("state").resolve("p.jsonl")));
  }

  @Test
  void theEffectiveConfigurationNeverShowsSecrets() throws IOException {
    PumpConfig config = new ConfigLoader(Map.of()).load(write("""
      http: { apiToken: s3cr3t-token }
      pipelines:
        - id: p
          source: { type: clock }
          triggers: [{ type: webhook, id: hook }]
          sink: { type: log }
      """));

    assertThat(config.toRedactedJson().encode()).doesNotContain("s3cr3t").contains("\"apiToken\":\"<redacted>\"");
    assertThat(config.toString()).doesNotContain("s3cr3t");
    assertThat(config.http().apiToken()).isEqualTo("s3cr3t-token");
    TriggerConfig.Webhook hook = new TriggerConfig.Webhook("hook", "hook", "wh-s3cr3t");
    assertThat(hook.toString() + hook.toRedactedJson().encode()).doesNotContain("s3cr3t");
  }

  // -----------------------------------------------------------------------------------------------
  // environment overrides

  @Test
  void environmentVariablesOverrideTheFile() throws IOException {
    PumpConfig config = new ConfigLoader(Map.of(
      "PUMP_HTTP_HOST", "0.0.0.0",
      "PUMP_HTTP_PORT", "9090",
      "PUMP_API_TOKEN", "from-env",
      "PUMP_DATA_DIR", dir.resolve("env-data").toString(),
      "PUMP_CLUSTER_ENABLED", "TRUE",
      "PUMP_CLUSTER_HOST", "10.0.0.5",
      "PUMP_CLUSTER_PORT", "5801",
      "PUMP_CLUSTER_MEMBERS", "10.0.0.1:5701, 10.0.0.2:5701,",
      "PATH", "/usr/bin")).load(write("http: { port: 8080, apiToken: from-file }\n" + PIPELINE));

    assertThat(config.http()).isEqualTo(new HttpConfig("0.0.0.0", 9090, "from-env", 1_048_576));
    assertThat(config.dataDir()).isEqualTo(dir.resolve("env-data"));
    assertThat(config.cluster()).isEqualTo(
      new ClusterConfig(true, "vertx-pump", "10.0.0.5", 5801, List.of("10.0.0.1:5701", "10.0.0.2:5701")));
  }

  static Stream<Case> brokenEnvironments() {
    return Stream.of(
      broken("PUMP_HTTP_PORT=abc", "", "PUMP_HTTP_PORT (http.port): must be a number, got \"abc\""),
      broken("PUMP_HTTP_PORT=99999", "", "PUMP_HTTP_PORT (http.port): must be between 0 and 65535, got 99999"),
      broken("PUMP_CLUSTER_ENABLED=yes", "",
        "PUMP_CLUSTER_ENABLED (cluster.enabled): must be true or false, got \"yes\""),
      broken("PUMP_CLUSTER_MEMBERS=10.0.0.1", "", "PUMP_CLUSTER_MEMBERS (cluster.members[0]): must be host:port with a "
        + "port from 1 to 65535, e.g. \"10.0.0.1:5701\", got \"10.0.0.1\""),
      broken("PUMP_HTTP_PROT=9090", "", "PUMP_HTTP_PROT: unknown environment override (did you mean PUMP_HTTP_PORT?)"),
      broken("PUMP_LOG_FORMAT=xml", "", "PUMP_LOG_FORMAT: 'xml' is not a log format (known formats are: text, json)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenEnvironments")
  void checkNamesTheEnvironmentVariableThatIsWrong(Case broken) throws IOException {
    String[] assignment = broken.name().split("=", 2);
    Path config = write(PIPELINE);

    Result result = execute(Map.of(assignment[0], assignment[1]), "check", config.toString());

    assertThat(result.err()).containsExactlyElementsOf(broken.expected());
    assertThat(result.status()).isEqualTo(2);
  }

  @Test
  void bothLogFormatsAreAccepted() throws IOException {
    assertThat(execute(Map.of("PUMP_LOG_FORMAT", "json"), "check", write(PIPELINE).toString()).status()).isZero();
    assertThat(execute(Map.of("PUMP_LOG_FORMAT", "text"), "check", write(PIPELINE).toString()).status()).isZero();
  }

  @Test
  void unrelatedPumpVariablesAreIgnored() throws IOException {
    Result result = execute(Map.of("PUMP_UP_THE_VOLUME", "11"), "check", write(PIPELINE).toString());

    assertThat(result.status()).isZero();
  }

  // -----------------------------------------------------------------------------------------------

  /** What {@code java -jar vertx-pump.jar ARGS} printed and returned, run in-process. */
  record Result(int status, List<String> out, List<String> err) {
  }

  static Result execute(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.execute(args, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), env);
    return new Result(status, lines(out), lines(err));
  }

  private static List<String> lines(ByteArrayOutputStream stream) {
    String text = stream.toString(UTF_8);
    return text.isEmpty() ? List.of() : List.of(text.split("\\R"));
  }

  private Path write(String yaml) throws IOException {
    Path config = Files.createTempFile(dir, "config", ".yaml");
    Files.writeString(config, substitute(yaml, config));
    return config;
  }

  private String substitute(String text, Path config) {
    return text.replace("$FILE", file.toString())
      .replace("$DIR", dir.toString())
      .replace("$PLUGINS", TestPlugins.PREFIX)
      .replace("$PATH", config.toString());
  }
}
