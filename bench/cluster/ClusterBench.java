import dev.pump.cluster.ClusterSetup;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The cluster bench (bench/cluster/run.sh runs it): three vertx-pump processes of the shaded jar form a
 * cluster with an echo process and this driver (both Hazelcast lite members: they hold no data), then:
 * <ol>
 *   <li>the raw clustered event bus round trip, driver -> echo process -> driver ({@code request});</li>
 *   <li>cross-node fire delivery, interleaved with (1) so both see the same machine: the driver {@code send}s to
 *       a pub/sub topic, the trigger fires on one pump node, its source's cycle hands the event to an
 *       {@code eventbus} sink that publishes it back to the driver. The ratio to (1) is what vertx-pump adds;</li>
 * </ol>
 * Failover (a SIGKILL, and a silent network cut, to the next slot of a per-second cluster-once cron fired by
 * the others) is measured by {@code BENCH_ONLY=failover bench/run} ({@code dev.pump.bench.cluster.Failover}),
 * on hosts of their own in network namespaces, so that a cut can be silent; it needs root.
 * Usage: {@code java -cp vertx-pump.jar ClusterBench.java --jar vertx-pump.jar --src ClusterBench.java
 * [--samples 500] [--warmup 100]}
 */
public class ClusterBench {

  private static final Duration START_DEADLINE = Duration.ofSeconds(120);
  private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC",
    "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens", "java.management/sun.management=ALL-UNNAMED",
    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("echo")) {
      echo(args[1], args[2], Integer.parseInt(args[3]), List.of(args[4].split(",")));
      return;
    }
    Map<String, String> options = options(args);
    new ClusterBench(Path.of(require(options, "jar")), Path.of(require(options, "src")),
      Integer.parseInt(options.getOrDefault("samples", "500")), Integer.parseInt(options.getOrDefault("warmup", "100")))
      .run();
  }

  // -------------------------------------------------------------------------------------------------

  private final Path jar;
  private final Path src;
  private final int samples;
  private final int warmup;
  private final String clusterName = "pump-bench-" + UUID.randomUUID();
  private final Path dir;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final List<Process> others = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Integer> clusterPorts = new ArrayList<>();
  private String members;
  private Vertx driver;

  private final Map<Integer, CompletableFuture<Long>> fired = new ConcurrentHashMap<>();

  private record Node(String name, int httpPort, int clusterPort, Path config, Process process) {
  }

  ClusterBench(Path jar, Path src, int samples, int warmup) throws IOException {
    this.jar = jar;
    this.src = src;
    this.samples = samples;
    this.warmup = warmup;
    this.dir = Files.createTempDirectory("pump-cluster-bench");
  }

  void run() throws Exception {
    try {
      for (int i = 0; i < 5; i++) {
        clusterPorts.add(freePort());
      }
      members = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
      Path config = Files.writeString(dir.resolve("cluster.yaml"), """
        http: { host: 127.0.0.1, port: 8080 }
        shutdownGrace: 2s
        cluster: { enabled: true, name: "%s", host: 127.0.0.1, port: 5701, takeoverWindow: 30s }
        pipelines:
          - id: fires
            source: { type: clock }
            triggers: [ { type: pubsub, id: bench-fire, topic: bench.fire } ]
            sink: { type: eventbus, address: bench.fired }
        """.formatted(clusterName));
      System.out.printf("vertx-pump cluster bench: %d pump processes + echo + driver on 127.0.0.1, %d cores, %s%n",
        3, Runtime.getRuntime().availableProcessors(), jar);
      startPump("node-a", clusterPorts.get(0), config);
      awaitHealthy(nodes.get("node-a"));
      startPump("node-b", clusterPorts.get(1), config);
      startPump("node-c", clusterPorts.get(2), config);
      startEcho(clusterPorts.get(3));
      for (Node node : nodes.values()) {
        awaitHealthy(node);
      }
      driver = clustered(clusterName, "127.0.0.1", clusterPorts.get(4), List.of(members.split(",")));
      driver.eventBus().<JsonObject>consumer("bench.fired", m -> {
        CompletableFuture<Long> waiting = fired.get(m.body().getJsonObject("args").getInteger("id"));
        if (waiting != null) {
          waiting.complete(System.nanoTime());
        }
      }).completion().await(30, TimeUnit.SECONDS);
      awaitUntil(START_DEADLINE, () -> members(driver) == 5, "5 members");

      latencies();
    } finally {
      // the driver leaves first, then the others stop in order: no member watches the cluster fall apart
      if (driver != null) {
        driver.close().await(30, TimeUnit.SECONDS);
      }
      others.forEach(Process::destroy);
      for (Node node : nodes.values()) {
        node.process().destroy();
      }
      for (Node node : nodes.values()) {
        if (!node.process().waitFor(30, TimeUnit.SECONDS)) {
          node.process().destroyForcibly();
        }
      }
      others.forEach(Process::destroyForcibly);
      System.out.println("logs: " + dir);
      System.exit(0); // Hazelcast's threads
    }
  }

  // -------------------------------------------------------------------------------------------------
  // 1 and 2: round trips

  private void latencies() throws Exception {
    long[] raw = new long[samples];
    long[] fire = new long[samples];
    for (int i = -warmup; i < samples; i++) {
      long rawNanos = rawRoundTrip(i);
      long fireNanos = fireRoundTrip(i + warmup);
      if (i >= 0) {
        raw[i] = rawNanos;
        fire[i] = fireNanos;
      }
    }
    Arrays.sort(raw);
    Arrays.sort(fire);
    System.out.printf("%n1. raw clustered event bus round trip, driver -> echo process -> driver (n=%d, after %d warm-up)%n",
      samples, warmup);
    System.out.printf("   median %.3f ms   p90 %.3f ms   p99 %.3f ms%n", ms(raw, 50), ms(raw, 90), ms(raw, 99));
    System.out.printf("2. fire delivery, driver send -> pub/sub trigger on a pump node -> source cycle -> eventbus sink"
      + " -> driver (n=%d)%n", samples);
    System.out.printf("   median %.3f ms   p90 %.3f ms   p99 %.3f ms%n", ms(fire, 50), ms(fire, 90), ms(fire, 99));
    System.out.printf("   ratio to the raw round trip: median %.2fx   p99 %.2fx%n",
      ms(fire, 50) / ms(raw, 50), ms(fire, 99) / ms(raw, 99));
  }

  private long rawRoundTrip(int i) throws Exception {
    long t0 = System.nanoTime();
    driver.eventBus().request("bench.echo", new JsonObject().put("id", i), new DeliveryOptions().setSendTimeout(10_000))
      .await(10, TimeUnit.SECONDS);
    return System.nanoTime() - t0;
  }

  private long fireRoundTrip(int id) throws Exception {
    CompletableFuture<Long> arrived = new CompletableFuture<>();
    fired.put(id, arrived);
    long t0 = System.nanoTime();
    driver.eventBus().send("bench.fire", new JsonObject().put("id", id));
    long t1 = arrived.get(10, TimeUnit.SECONDS);
    fired.remove(id);
    return t1 - t0;
  }

  private static double ms(long[] sorted, int percentile) {
    int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  // -------------------------------------------------------------------------------------------------
  // processes

  private void startPump(String name, int clusterPort, Path config) throws IOException {
    int httpPort = freePort();
    List<String> command = new ArrayList<>(List.of(javaBinary()));
    command.addAll(JVM);
    command.addAll(List.of("-jar", jar.toString(), "run", config.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()));
    Map<String, String> env = builder.environment();
    env.put("PUMP_HTTP_PORT", String.valueOf(httpPort));
    env.put("PUMP_DATA_DIR", Files.createDirectories(dir.resolve(name)).toString());
    env.put("PUMP_CLUSTER_PORT", String.valueOf(clusterPort));
    env.put("PUMP_CLUSTER_MEMBERS", members);
    env.put("PUMP_CLUSTER_NODE_NAME", name);
    nodes.put(name, new Node(name, httpPort, clusterPort, config, builder.start()));
  }

  private void startEcho(int port) throws IOException {
    List<String> command = new ArrayList<>(List.of(javaBinary()));
    command.addAll(JVM);
    command.add("-Dlogback.configurationFile=" + src.resolveSibling("logback.xml"));
    command.addAll(List.of("-cp", jar.toString(), src.toString(), "echo", clusterName, "127.0.0.1", String.valueOf(port),
      members));
    others.add(new ProcessBuilder(command).redirectErrorStream(true)
      .redirectOutput(dir.resolve("echo.log").toFile()).start());
  }

  private void awaitHealthy(Node node) throws Exception {
    awaitUntil(START_DEADLINE, () -> {
      if (!node.process().isAlive()) {
        throw new IllegalStateException(node.name() + " exited; see " + dir.resolve(node.name() + ".log"));
      }
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/health")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }, node.name() + " healthy");
  }

  private static void awaitUntil(Duration deadline, BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  // -------------------------------------------------------------------------------------------------
  // the driver and the echo process: clustered Vert.x as the service configures it, as lite members

  static Vertx clustered(String clusterName, String host, int port, List<String> members) throws Exception {
    HazelcastClusterManager manager = ClusterSetup.hazelcast(clusterName, host, port, members);
    manager.getConfig().setLiteMember(true); // holds no partition: the pump nodes keep the claims
    return Vertx.builder().with(ClusterSetup.eventBusOn(new VertxOptions(), host)).withClusterManager(manager)
      .buildClustered().await(120, TimeUnit.SECONDS);
  }

  private int members(Vertx vertx) {
    ClusterManager manager = ((io.vertx.core.internal.VertxInternal) vertx).clusterManager();
    return manager.getNodes().size();
  }

  private static void echo(String clusterName, String host, int port, List<String> members) throws Exception {
    Vertx vertx = clustered(clusterName, host, port, members);
    vertx.eventBus().consumer("bench.echo", m -> m.reply(m.body())).completion().await(30, TimeUnit.SECONDS);
    System.out.println("echo ready");
    Thread.currentThread().join(); // until killed
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  private static String require(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
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
