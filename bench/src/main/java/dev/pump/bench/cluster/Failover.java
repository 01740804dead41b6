package dev.pump.bench.cluster;

import dev.pump.bench.Results;
import dev.pump.bench.Stats;
import dev.pump.cluster.ClusterSetup;
import dev.pump.cluster.NetNamespaces;
import dev.pump.config.ClusterConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Failover after a silent partition, against failover after a SIGKILL, on real hosts: three processes of the
 * fat jar, each in a network namespace of its own ({@link NetNamespaces}, the partition test's hosts), one
 * cluster running a per-second cluster-once cron into a file sink per node. Each round picks the node that
 * fired the latest slot, disrupts it at a random point of a second, and reads the sinks of the other two (the
 * majority) until they fire on time again:
 * <ul>
 *   <li><b>silent cut</b>: its outer veth taken down ({@code ip link set ... down}: no reset, only silence),
 *       healed after the measurement, then the round waits until the three are one cluster again;</li>
 *   <li><b>SIGKILL</b> (the baseline): the process killed, restarted in its namespace after the measurement.</li>
 * </ul>
 * The kinds alternate, so a drift of the machine's load touches both alike. Per round:
 * <ul>
 *   <li>{@code next}: the disruption to the {@code firedAt} of the first slot fired by the majority after it
 *       (the "link down to the next slot fired by the majority");</li>
 *   <li>{@code allFired}: the disruption to the moment the majority had fired every slot due since it, those
 *       it fired late included; taken once three slots in a row fire on time (lateness under the period);</li>
 *   <li>slots never fired (should be none), the victim's own fires after the disruption (for a cut, none),
 *       when a node of the majority first reported two members (the failure detection's share), and for a cut
 *       the time from the heal to a cluster of three again.</li>
 * </ul>
 * And over the whole run, the slots fired twice (should be none): a second fire may come rounds later.
 * Recorded: {@code failover.{cut,kill}.{next,allFired}} (median, min-max of the rounds), the worst cut round,
 * and the bound the issue holds it to: {@link ClusterSetup#MAX_NO_HEARTBEAT_SECONDS} of silence, plus one
 * {@link ClusterSetup#HEARTBEAT_INTERVAL_SECONDS} for the heartbeat check that declares it (the detection
 * window), plus one slot period. Where namespaces cannot be made (not root, no iproute2) it prints
 * {@code skipped: <why>} and records nothing.
 *
 * <pre>Failover PUMP_JAR ROUNDS LOG_DIR</pre>
 * ROUNDS of each kind; the nodes' logs go to {@code LOG_DIR/failover-node-*.log}.
 */
public final class Failover {

  private static final String TRIGGER = "every-second";
  private static final Duration PERIOD = Duration.ofSeconds(1);
  private static final int HTTP_PORT = 8080;
  private static final Duration START_DEADLINE = Duration.ofSeconds(120);
  /**
   * The default {@code cluster.takeoverWindow} (the config leaves it): a slot missing when the majority fires on
   * time again may still be fired this late after its instant, by a takeover or a retried claim.
   */
  private static final Duration TAKEOVER_WINDOW = ClusterConfig.DEFAULT_TAKEOVER_WINDOW;
  /** From a disruption to the round's end: the slowest end is a slot missing until its takeover window ran out. */
  private static final Duration ROUND_DEADLINE = Duration.ofSeconds(30).plus(TAKEOVER_WINDOW);
  /** From a heal or a restart to three ready members, with the last slots fired once and on time. */
  private static final Duration STEADY_DEADLINE = Duration.ofSeconds(120);
  /** On-time slots in a row that end a round. */
  private static final int ON_TIME_RUN = 3;
  /** After a missing slot's takeover window, for its fire on its way to the sink. */
  private static final Duration STRAGGLERS = Duration.ofSeconds(2);
  private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC");

  /** The bound: the detection window (silence plus the heartbeat check) plus one slot period. */
  static final Duration BOUND = Duration.ofSeconds(ClusterSetup.MAX_NO_HEARTBEAT_SECONDS
    + ClusterSetup.HEARTBEAT_INTERVAL_SECONDS).plus(PERIOD);

  enum Disruption {
    CUT("silent cut"), KILL("SIGKILL");

    final String label;

    Disruption(String label) {
      this.label = label;
    }

    String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private record Node(String name, int host, Path dataDir, Path log, Process process) {
    Path sink() {
      return dataDir.resolve("ticks.jsonl");
    }
  }

  private record Fire(Instant slot, Instant firedAt, String node) {
    double latenessSeconds() {
      return seconds(slot, firedAt);
    }
  }

  /**
   * One round's figures; {@code detected}: when a node of the majority first reported two members (null: not
   * seen while the round lasted); {@code rejoin} is null for a kill.
   */
  private record Outcome(Disruption kind, String victim, Instant at, Fire next, Instant allFired, int late,
                         List<Instant> lost, List<Instant> twice, long victimFires, Instant detected,
                         Duration rejoin) {
    double nextSeconds() {
      return seconds(at, next.firedAt());
    }

    double allFiredSeconds() {
      return seconds(at, allFired);
    }
  }

  private final Path jar;
  private final Path logDir;
  private final NetNamespaces hosts;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Path config;
  private final String members;
  private final int clusterPort;

  private Failover(Path jar, Path logDir, NetNamespaces hosts) throws IOException {
    this.jar = jar;
    this.logDir = logDir;
    this.hosts = hosts;
    this.clusterPort = freePort();
    this.members = List.of(0, 1, 2).stream().map(i -> hosts.address(i) + ":" + clusterPort)
      .collect(Collectors.joining(","));
    this.config = Files.writeString(Files.createTempDirectory("pump-failover").resolve("cluster.yaml"), """
      http: { host: 0.0.0.0, port: %d }
      shutdownGrace: 2s
      cluster: { enabled: true, name: "%s", port: %d }
      pipelines:
        - id: ticks
          source: { type: clock }
          triggers:
            - { type: cron, id: %s, schedule: "*/1 * * * * *", zone: UTC, mode: cluster-once }
          sink: { type: file }
      """.formatted(HTTP_PORT, "pump-failover-" + UUID.randomUUID(), clusterPort, TRIGGER));
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: Failover PUMP_JAR ROUNDS LOG_DIR (got " + List.of(args) + ")");
    }
    Path jar = Path.of(args[0]).toAbsolutePath();
    int rounds = Integer.parseInt(args[1]);
    if (rounds < 1) {
      throw new IllegalArgumentException("ROUNDS must be at least 1, got " + rounds);
    }
    Path logDir = Files.createDirectories(Path.of(args[2]).toAbsolutePath());
    String unavailable = NetNamespaces.unavailable();
    if (unavailable != null) {
      Results.log("skipped: " + unavailable + "; failover needs network namespaces (run as root, with iproute2)");
      System.exit(0);
    }
    try (NetNamespaces hosts = NetNamespaces.create(3)) {
      new Failover(jar, logDir, hosts).run(rounds);
    }
    System.exit(0);
  }

  private void run(int rounds) throws Exception {
    Thread killNodes = new Thread(() -> nodes.values().forEach(n -> n.process().destroyForcibly()), "failover-nodes");
    Runtime.getRuntime().addShutdownHook(killNodes); // bench/run's timeout: no node outlives the benchmark
    try {
      Results.log("3 nodes in network namespaces " + hosts.namespace(0) + ".." + hosts.namespace(2) + ", members "
        + members + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + jar);
      start("node-a", 0);
      awaitUntil(START_DEADLINE, () -> answers(nodes.get("node-a")), "node-a answering");
      start("node-b", 1);
      start("node-c", 2);
      Instant steady = awaitSteady();
      Results.log("cluster of 3 ready and firing each slot once at " + steady);
      List<Outcome> outcomes = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        for (Disruption kind : round % 2 == 1 ? List.of(Disruption.CUT, Disruption.KILL)
                                              : List.of(Disruption.KILL, Disruption.CUT)) {
          Outcome outcome = round(kind);
          outcomes.add(outcome);
          Results.log(describe(round, outcome));
        }
      }
      record(outcomes);
      recordTwice(fires());
    } finally {
      for (Node node : nodes.values()) {
        node.process().destroy(); // SIGTERM: orderly, as an operator stops it
      }
      for (Node node : nodes.values()) {
        if (!node.process().waitFor(30, TimeUnit.SECONDS)) {
          node.process().destroyForcibly();
        }
      }
      Runtime.getRuntime().removeShutdownHook(killNodes);
    }
  }

  // -------------------------------------------------------------------------------------------------
  // a round

  private Outcome round(Disruption kind) throws Exception {
    awaitSteady();
    Fire latest = fires().stream().max((x, y) -> x.slot().compareTo(y.slot())).orElseThrow();
    Node victim = nodes.get(latest.node());
    // a random point of the second: the disruption may land before, during or after a claim
    Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1)
      .plusMillis(ThreadLocalRandom.current().nextLong(50, 950));
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), at).toMillis()));
    Instant disruptedAt = Instant.now();
    if (kind == Disruption.CUT) {
      hosts.cut(victim.host());
    } else {
      victim.process().destroyForcibly();
    }

    // the round ends when the majority fires on time again and every slot since the disruption has fired,
    // or, for a slot still missing, once its takeover window is over: then it is lost
    // and when a node of the majority first sees two members: the failure detection's part of the round
    Node watcher = nodes.values().stream().filter(n -> !n.name().equals(victim.name())).findFirst().orElseThrow();
    Instant[] settled = {null};
    Instant[] detected = {null};
    awaitUntil(ROUND_DEADLINE, () -> {
      if (detected[0] == null && clusterSize(watcher) == 2) {
        detected[0] = Instant.now();
      }
      List<Fire> fires = fires();
      settled[0] = settled[0] != null ? settled[0] : backOnTime(fires, victim.name(), disruptedAt);
      if (settled[0] == null) {
        return false;
      }
      List<Instant> missing = outcome(kind, victim.name(), disruptedAt, settled[0], fires).lost();
      return missing.isEmpty()
        || Instant.now().isAfter(missing.get(missing.size() - 1).plus(TAKEOVER_WINDOW).plus(STRAGGLERS));
    }, "the majority firing every slot after the " + kind.label + " of " + victim.name());
    Outcome outcome = outcome(kind, victim.name(), disruptedAt, settled[0], fires());

    Duration rejoin = null;
    if (kind == Disruption.CUT) {
      Instant healedAt = Instant.now();
      hosts.heal(victim.host());
      awaitUntil(STEADY_DEADLINE, () -> nodes.values().stream().allMatch(n -> readyInClusterOfThree(n)),
        victim.name() + " back in a cluster of three after the heal");
      rejoin = Duration.between(healedAt, Instant.now());
    } else {
      victim.process().waitFor(20, TimeUnit.SECONDS);
      start(victim.name(), victim.host());
    }
    return new Outcome(outcome.kind(), outcome.victim(), outcome.at(), outcome.next(), outcome.allFired(),
      outcome.late(), outcome.lost(), outcome.twice(), outcome.victimFires(), detected[0], rejoin);
  }

  /**
   * @return the slot that starts {@value #ON_TIME_RUN} slots in a row, due after the disruption, each fired by
   *     the majority within one period, with every earlier slot due since the disruption fired by the majority
   *     too; null while there is none
   */
  private static Instant backOnTime(List<Fire> fires, String victim, Instant at) {
    Map<Instant, Fire> majority = firstMajorityFires(fires, victim, at);
    int run = 0;
    Instant runStart = null;
    for (Instant slot = at.truncatedTo(ChronoUnit.SECONDS).plus(PERIOD); slot.isBefore(Instant.now());
         slot = slot.plus(PERIOD)) {
      Fire fire = majority.get(slot);
      if (fire != null && fire.latenessSeconds() < PERIOD.toMillis() / 1000.0) {
        runStart = run == 0 ? slot : runStart;
        if (++run == ON_TIME_RUN) {
          return runStart;
        }
      } else {
        run = 0;
      }
    }
    return null;
  }

  /** Slot -> the first fire by a node of the majority, for the slots not already fired when the round began. */
  private static Map<Instant, Fire> firstMajorityFires(List<Fire> fires, String victim, Instant at) {
    Map<Instant, Fire> first = new TreeMap<>();
    for (Fire fire : fires) {
      if (!fire.node().equals(victim) && fire.firedAt().isAfter(at) && fire.slot().isAfter(at.minus(PERIOD))) {
        first.merge(fire.slot(), fire, (x, y) -> x.firedAt().isBefore(y.firedAt()) ? x : y);
      }
    }
    return first;
  }

  private static Outcome outcome(Disruption kind, String victim, Instant at, Instant onTimeFrom, List<Fire> fires) {
    Map<Instant, Fire> majority = firstMajorityFires(fires, victim, at);
    Fire next = majority.values().stream().min((x, y) -> x.firedAt().compareTo(y.firedAt())).orElseThrow();
    Map<Instant, List<Fire>> bySlot = fires.stream().collect(Collectors.groupingBy(Fire::slot, TreeMap::new,
      Collectors.toList()));
    // the slots this round is about: due after the disruption (or in its second, unless fired before it)
    // until the on-time run began
    List<Instant> lost = new ArrayList<>();
    List<Instant> twice = new ArrayList<>();
    Instant allFired = next.firedAt();
    int late = 0;
    for (Instant slot = at.truncatedTo(ChronoUnit.SECONDS); slot.isBefore(onTimeFrom); slot = slot.plus(PERIOD)) {
      List<Fire> all = bySlot.getOrDefault(slot, List.of());
      if (all.size() > 1) {
        twice.add(slot);
      }
      if (all.stream().anyMatch(f -> !f.firedAt().isAfter(at))) {
        continue; // fired before the disruption
      }
      Fire fire = majority.get(slot);
      if (fire == null) {
        if (slot.isAfter(at)) {
          lost.add(slot);
        }
        continue;
      }
      allFired = fire.firedAt().isAfter(allFired) ? fire.firedAt() : allFired;
      late += fire.latenessSeconds() >= PERIOD.toMillis() / 1000.0 ? 1 : 0;
    }
    long victimFires = fires.stream().filter(f -> f.node().equals(victim) && f.firedAt().isAfter(at)).count();
    return new Outcome(kind, victim, at, next, allFired, late, lost, twice, victimFires, null, null);
  }

  private static String describe(int round, Outcome o) {
    return String.format(java.util.Locale.ROOT, "round %d, %s of %s at %s (+%d ms into the second): next slot %s "
        + "fired by %s %.2f s after it (%.2f s late); every slot since fired by the majority %.2f s after it "
        + "(%d late); lost %s; twice %s; %s fired %d after it; the majority saw two members %s%s",
      round, o.kind().label, o.victim(), o.at(), o.at().toEpochMilli() % 1000, o.next().slot(), o.next().node(),
      o.nextSeconds(), o.next().latenessSeconds(), o.allFiredSeconds(), o.late(), o.lost(), o.twice(), o.victim(),
      o.victimFires(), o.detected() == null ? "not while the round lasted"
        : String.format(java.util.Locale.ROOT, "%.2f s after it", seconds(o.at(), o.detected())),
      o.rejoin() == null ? "" : "; a cluster of three " + o.rejoin().toMillis() / 1000.0
        + " s after the heal");
  }

  private static void record(List<Outcome> outcomes) {
    for (Disruption kind : Disruption.values()) {
      List<Outcome> of = outcomes.stream().filter(o -> o.kind() == kind).toList();
      String rounds = of.stream().map(o -> String.format(java.util.Locale.ROOT, "%.2f/%.2f", o.nextSeconds(),
        o.allFiredSeconds())).collect(Collectors.joining(" "));
      long lost = of.stream().mapToLong(o -> o.lost().size()).sum();
      long victimFires = of.stream().mapToLong(Outcome::victimFires).sum();
      String common = "; per round next/allFired (s): " + rounds + "; slots lost " + lost
        + ", fired by the victim after the " + kind.label + " " + victimFires;
      double[] next = of.stream().mapToDouble(Outcome::nextSeconds).toArray();
      double[] allFired = of.stream().mapToDouble(Outcome::allFiredSeconds).toArray();
      Results.putReps("failover." + kind.key() + ".next", next, "s from the " + kind.label
        + " to the next slot fired by the majority" + common);
      Results.putReps("failover." + kind.key() + ".allFired", allFired, "s from the " + kind.label
        + " to every slot since fired by the majority" + common);
      Results.put("failover." + kind.key() + ".allFired.max", Stats.minMedianMax(allFired)[2], "worst of "
        + of.size() + " rounds" + common);
      Results.put("failover." + kind.key() + ".lost", lost, "slots due after the " + kind.label
        + " that no node fired, over " + of.size() + " rounds");
      double[] detected = of.stream().filter(o -> o.detected() != null)
        .mapToDouble(o -> seconds(o.at(), o.detected())).toArray();
      if (detected.length > 0) {
        Results.putReps("failover." + kind.key() + ".detected", detected, "s from the " + kind.label + " to a node of "
          + "the majority reporting two members in its readiness (polled every 100 ms or slower; seen in "
          + detected.length + " of " + of.size() + " rounds)");
      }
      if (kind == Disruption.CUT) {
        Results.putReps("failover.cut.rejoin", of.stream().mapToDouble(o -> o.rejoin().toMillis() / 1000.0).toArray(),
          "s from the heal to three ready members in one cluster");
      }
    }
    Results.put("failover.bound", BOUND.toMillis() / 1000.0, ClusterSetup.MAX_NO_HEARTBEAT_SECONDS
      + " s without a heartbeat + " + ClusterSetup.HEARTBEAT_INTERVAL_SECONDS + " s to the heartbeat check that "
      + "declares the node dead (the detection window) + one slot period of " + PERIOD.toSeconds() + " s");
  }

  /**
   * Slots fired more than once over the whole run, whichever round they belong to: a second fire may come a
   * round later (a takeover, up to the takeover window after the slot), outside the window a round looks at.
   */
  private static void recordTwice(List<Fire> fires) {
    Map<Instant, List<Fire>> bySlot = fires.stream().collect(Collectors.groupingBy(Fire::slot, TreeMap::new,
      Collectors.toList()));
    List<String> twice = bySlot.entrySet().stream().filter(e -> e.getValue().size() > 1)
      .map(e -> e.getKey() + " by " + e.getValue().stream().map(f -> f.node() + " at " + f.firedAt())
        .collect(Collectors.joining(" and "))).toList();
    Results.log("slots fired twice over the run: " + (twice.isEmpty() ? "none" : twice));
    Results.put("failover.twice", twice.size(), "slots fired by two nodes over the whole run (" + bySlot.size()
      + " slots; each pair carries one firing id): " + (twice.isEmpty() ? "none" : String.join("; ", twice)));
  }

  // -------------------------------------------------------------------------------------------------
  // the cluster

  /** Three ready members in one cluster, each of the last three slots fired once and within a period. */
  private Instant awaitSteady() throws InterruptedException {
    Instant[] checkedFrom = {null};
    awaitUntil(STEADY_DEADLINE, () -> {
      if (!nodes.values().stream().allMatch(this::readyInClusterOfThree)) {
        checkedFrom[0] = null;
        return false;
      }
      if (checkedFrom[0] == null) {
        checkedFrom[0] = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(PERIOD);
      }
      Instant last = checkedFrom[0].plus(PERIOD.multipliedBy(ON_TIME_RUN - 1));
      if (!Instant.now().isAfter(last.plus(PERIOD))) {
        return false;
      }
      Map<Instant, List<Fire>> bySlot = fires().stream().collect(Collectors.groupingBy(Fire::slot));
      for (Instant slot = checkedFrom[0]; !slot.isAfter(last); slot = slot.plus(PERIOD)) {
        List<Fire> fired = bySlot.getOrDefault(slot, List.of());
        if (fired.size() != 1 || fired.get(0).latenessSeconds() >= PERIOD.toMillis() / 1000.0) {
          checkedFrom[0] = null; // not steady yet: look at the next slots
          return false;
        }
      }
      return true;
    }, "three ready members firing each slot once, on time");
    return Instant.now();
  }

  private void start(String name, int host) throws IOException {
    Path dataDir = Files.createDirectories(logDir.resolve("failover-" + name));
    Path log = logDir.resolve("failover-" + name + ".log");
    List<String> command = new ArrayList<>(List.of(javaBinary()));
    command.addAll(JVM);
    command.addAll(List.of("-jar", jar.toString(), "run", config.toString()));
    ProcessBuilder builder = new ProcessBuilder(hosts.exec(host, command.toArray(String[]::new)))
      .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = builder.environment();
    env.put("PUMP_DATA_DIR", dataDir.toString());
    env.put("PUMP_CLUSTER_HOST", hosts.address(host));
    env.put("PUMP_CLUSTER_MEMBERS", members);
    env.put("PUMP_CLUSTER_NODE_NAME", name);
    env.put("HZ_PHONE_HOME_ENABLED", "false");
    nodes.put(name, new Node(name, host, dataDir, log, builder.start()));
  }

  private boolean readyInClusterOfThree(Node node) {
    if (!node.process().isAlive()) {
      throw new IllegalStateException(node.name() + " exited; see " + node.log());
    }
    JsonObject ready = get(node, "/health/ready");
    if (ready == null || !"UP".equals(ready.getString("status"))) {
      return false;
    }
    JsonObject cluster = clusterCheck(ready);
    return cluster.getInteger("size", 0) == 3 && Boolean.TRUE.equals(cluster.getBoolean("safe"));
  }

  /** @return the members {@code node} sees, by its readiness; 0 when it does not answer */
  private int clusterSize(Node node) {
    JsonObject ready = get(node, "/health/ready");
    return ready == null ? 0 : clusterCheck(ready).getInteger("size", 0);
  }

  /**
   * The data of the {@code cluster} check of a readiness answer: read there, not from {@code /api/cluster}, whose
   * management API answers only loopback callers, and the bench is another host.
   */
  private static JsonObject clusterCheck(JsonObject ready) {
    return ready.getJsonArray("checks", new JsonArray()).stream()
      .map(check -> (JsonObject) check).filter(check -> "cluster".equals(check.getString("id")))
      .map(check -> check.getJsonObject("data", new JsonObject())).findFirst().orElse(new JsonObject());
  }

  private boolean answers(Node node) {
    if (!node.process().isAlive()) {
      throw new IllegalStateException(node.name() + " exited; see " + node.log());
    }
    return get(node, "/health/live") != null;
  }

  /** @return the JSON answer whatever its status, null when the node does not answer (from outside its host) */
  private JsonObject get(Node node, String path) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
          URI.create("http://" + hosts.address(node.host()) + ":" + HTTP_PORT + path)).timeout(Duration.ofSeconds(2))
        .build(), HttpResponse.BodyHandlers.ofString());
      return response.body().startsWith("{") ? new JsonObject(response.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Every fire of the cron in the three sinks (a line being written right now is skipped). */
  private List<Fire> fires() {
    List<Fire> fires = new ArrayList<>();
    for (Node node : nodes.values()) {
      try {
        if (!Files.exists(node.sink())) {
          continue;
        }
        for (String line : Files.readAllLines(node.sink())) {
          if (line.endsWith("}")) {
            JsonObject event = new JsonObject(line);
            if (TRIGGER.equals(event.getString("trigger"))) {
              fires.add(new Fire(Instant.parse(event.getString("scheduledAt")),
                Instant.parse(event.getString("firedAt")), event.getString("node")));
            }
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the sink of " + node.name() + ": " + node.sink(), e);
      }
    }
    return fires;
  }

  private static void awaitUntil(Duration deadline, BooleanSupplier condition, String what)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("timed out after " + deadline.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
