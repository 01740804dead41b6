package dev.pump;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shaded jar run as a process of its own, as an operator runs it: what every process IT shares. It starts
 * the jar with the java of the test's JVM, its output going to a file; waits, with a deadline, for a URL to
 * answer, for a line in the output or for the exit; stops it with SIGTERM or SIGKILL; and reads the sinks.
 * Registered as an extension, it kills whatever a test left running, on a failure too:
 * <pre>{@code
 * @RegisterExtension
 * final JarProcesses processes = new JarProcesses();
 * ...
 * Started service = processes.launch(dir.resolve("service.log"), "run", config.toString()).start();
 * service.awaitOk(URI.create("http://127.0.0.1:" + port + "/health"), DEADLINE);
 * assertThat(service.stop(DEADLINE)).as(service.output()).isZero();
 * }</pre>
 * Needs the shaded jar, which the failsafe plugin names in {@code -Dpump.jar}: run {@code mvn verify}.
 */
public final class JarProcesses implements AfterEachCallback, AutoCloseable {

  /** How long a process killed at the end of a test may take to be gone, before its folder is deleted. */
  private static final Duration GONE_DEADLINE = Duration.ofSeconds(20);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final List<Started> started = new ArrayList<>();

  /**
   * A launch of the jar, to be completed and then {@linkplain Launch#start() started}.
   *
   * @param output the file the process's output goes to: stdout and stderr together, unless
   *   {@link Launch#errorOutput(Path)} keeps stderr apart; its file name names the process in messages
   * @param arguments what follows the jar on the command line, e.g. {@code run config.yaml}
   */
  public Launch launch(Path output, String... arguments) {
    return new Launch(Objects.requireNonNull(output, "output"), List.of(arguments));
  }

  /** {@link Started#stop} for them all at once: SIGTERM to every process still running, then waits for each to end. */
  public void stopAll(Duration deadline) throws InterruptedException {
    for (Started process : started) {
      process.terminate();
    }
    for (Started process : started) {
      process.awaitExit(deadline);
    }
  }

  /** The last 40 lines of each process's output, under its name: for an assertion's description. */
  public String tails() {
    StringBuilder all = new StringBuilder();
    for (Started process : started) {
      try {
        List<String> lines = Files.exists(process.output) ? Files.readAllLines(process.output) : List.of();
        all.append("--- ").append(process.name).append(" (last 40 lines)\n");
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> all.append(l).append('\n'));
      } catch (IOException e) {
        all.append("--- ").append(process.name).append(" unreadable: ").append(e).append('\n');
      }
    }
    return all.toString();
  }

  /** Kills (SIGKILL) every process still running and waits until they are gone. */
  @Override
  public void close() {
    for (Started process : started) {
      if (process.isAlive()) {
        process.process.destroyForcibly();
      }
    }
    try {
      for (Started process : started) {
        process.process.waitFor(GONE_DEADLINE.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      started.clear();
    }
  }

  /**
   * After each test: {@link #close()}. A test that must release something after the processes are gone (network
   * namespaces) calls {@code close()} itself first, in its {@code @AfterEach}.
   */
  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  /** The java command line of one process, and what it runs in: built by {@link JarProcesses#launch}. */
  public final class Launch {
    private final Path output;
    private final List<String> arguments;
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Path errorOutput;
    private Path jar;
    private boolean testClasses;
    private boolean withoutPumpEnvironment;
    private Path directory;
    private UnaryOperator<List<String>> wrapper = UnaryOperator.identity();

    private Launch(Path output, List<String> arguments) {
      this.output = output;
      this.arguments = arguments;
    }

    /** Sends stderr to a file of its own, to be read apart from stdout. */
    public Launch errorOutput(Path errorOutput) {
      this.errorOutput = Objects.requireNonNull(errorOutput, "errorOutput");
      return this;
    }

    /** A small JVM (256 MB heap, serial GC, C1 only), so that three of them fit a 2-core machine. */
    public Launch smallJvm() {
      jvmOptions.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
      return this;
    }

    /**
     * The variables that make the process one node of a cluster, as docker-compose.yml sets them: its HTTP port,
     * its data folder, its Hazelcast port and the members to join, its node name; and no Hazelcast phone-home.
     */
    public Launch clusterNode(String name, int httpPort, Path dataDir, int clusterPort, String members) {
      return env("PUMP_HTTP_PORT", String.valueOf(httpPort))
        .env("PUMP_DATA_DIR", dataDir.toString())
        .env("PUMP_CLUSTER_PORT", String.valueOf(clusterPort))
        .env("PUMP_CLUSTER_MEMBERS", members)
        .env("PUMP_CLUSTER_NODE_NAME", name)
        .env("HZ_PHONE_HOME_ENABLED", "false");
    }

    /** Runs this copy of the shaded jar instead of the one the build made. */
    public Launch jar(Path jar) {
      this.jar = Objects.requireNonNull(jar, "jar");
      return this;
    }

    /**
     * Runs {@link Main} from the jar with the test classes after it on the class path, so that the configuration
     * can name a processor or a source the tests define.
     */
    public Launch withTestClasses() {
      this.testClasses = true;
      return this;
    }

    /** Leaves out the {@code PUMP_*} variables the test itself runs with, so that only the configuration counts. */
    public Launch withoutPumpEnvironment() {
      this.withoutPumpEnvironment = true;
      return this;
    }

    /** Sets an environment variable of the process, after {@link #withoutPumpEnvironment()}. */
    public Launch env(String name, String value) {
      environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Sets these environment variables of the process. */
    public Launch env(Map<String, String> variables) {
      variables.forEach(this::env);
      return this;
    }

    /** The working directory of the process; the test's own if not set. */
    public Launch in(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** Wraps the java command line in another, e.g. {@code ip netns exec NAME} before it. */
    public Launch via(UnaryOperator<List<String>> wrapper) {
      this.wrapper = Objects.requireNonNull(wrapper, "wrapper");
      return this;
    }

    /**
     * Starts the process: the JVM itself, no shell around it, so that SIGKILL reaches the service. It is killed after
     * the test if it still runs.
     */
    public Started start() throws IOException {
      Path shaded = (jar != null ? jar : JarProcesses.jar()).toAbsolutePath();
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      if (testClasses) {
        command.addAll(List.of("-cp", shaded + File.pathSeparator + testClasses(), Main.class.getName()));
      } else {
        command.addAll(List.of("-jar", shaded.toString()));
      }
      command.addAll(arguments);
      ProcessBuilder builder = new ProcessBuilder(wrapper.apply(command)).redirectOutput(output.toFile());
      if (errorOutput == null) {
        builder.redirectErrorStream(true);
      } else {
        builder.redirectError(errorOutput.toFile());
      }
      if (directory != null) {
        builder.directory(directory.toFile());
      }
      if (withoutPumpEnvironment) {
        builder.environment().keySet().removeIf(name -> name.startsWith("PUMP_"));
      }
      builder.environment().putAll(environment);
      Started process = new Started(builder.start(), output, errorOutput);
      started.add(process);
      return process;
    }
  }

  /** One process started by {@link Launch#start()}: what a test waits on, reads and stops. */
  public static final class Started {
    private final Process process;
    private final Path output;
    private final Path errorOutput;
    private final String name;

    private Started(Process process, Path output, Path errorOutput) {
      this.process = process;
      this.output = output;
      this.errorOutput = errorOutput;
      this.name = output.getFileName().toString();
    }

    /** The process itself. */
    public Process process() {
      return process;
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
      return process.isAlive();
    }

    /** Its output so far: stdout, and stderr too unless kept apart. */
    public String output() throws IOException {
      return read(output);
    }

    /** Its stderr so far, when {@link Launch#errorOutput(Path)} kept it apart. */
    public String errorOutput() throws IOException {
      if (errorOutput == null) {
        throw new IllegalStateException(name + ": stderr goes to the output; keep it apart with errorOutput(Path)");
      }
      return read(errorOutput);
    }

    /**
     * Waits until a GET of {@code url} answers 200; a refused or failed connection is tried again. Fails at once,
     * with the output, if the process ends first.
     */
    public void awaitOk(URI url, Duration deadline) {
      await().atMost(deadline).pollInterval(POLL).ignoreExceptionsInstanceOf(IOException.class).until(() -> {
        assertThat(isAlive()).as("%s runs, for %s to answer; its output:%n%s", name, url, output()).isTrue();
        return HTTP.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.discarding())
          .statusCode() == 200;
      });
    }

    /** Waits until the output contains {@code text}. Fails at once, with the output, if the process ends first. */
    public void awaitOutput(String text, Duration deadline) {
      await().atMost(deadline).pollInterval(POLL).until(() -> {
        boolean alive = isAlive();  // before reading: what an ended process wrote is all there
        String sofar = output();
        assertThat(sofar.contains(text) || alive).as("%s ended without writing %s; its output:%n%s", name, text, sofar)
          .isTrue();
        return sofar.contains(text);
      });
    }

    /**
     * Waits for the process to end by itself; asserts it does within {@code deadline}.
     *
     * @return its exit status
     */
    public int awaitExit(Duration deadline) throws InterruptedException {
      boolean ended = process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(ended).as("%s ends within %s; its output:%n%s", name, deadline, outputs()).isTrue();
      return process.exitValue();
    }

    /** Sends SIGTERM (an orderly stop) and returns at once. */
    public void terminate() {
      process.destroy();
    }

    /**
     * Stops the process in order: SIGTERM, then {@link #awaitExit}.
     *
     * @return its exit status
     */
    public int stop(Duration deadline) throws InterruptedException {
      terminate();
      return awaitExit(deadline);
    }

    /**
     * Kills the process: SIGKILL (no shutdown hook, no grace), then {@link #awaitExit}.
     *
     * @return its exit status, 137 for a JVM killed so
     */
    public int kill(Duration deadline) throws InterruptedException {
      process.destroyForcibly();
      return awaitExit(deadline);
    }

    private String outputs() {
      try {
        return errorOutput == null ? output() : output() + "\nstderr:\n" + errorOutput();
      } catch (IOException e) {
        return name + " unreadable: " + e;
      }
    }

    private static String read(Path file) throws IOException {
      return Files.exists(file) ? Files.readString(file) : "";
    }
  }

  /** Every whole JSON line of the given sinks; a line being written right now (not yet JSON) is skipped. */
  public static List<JsonObject> readSinks(Collection<Path> sinks) throws IOException {
    List<JsonObject> events = new ArrayList<>();
    for (Path sink : sinks) {
      if (Files.exists(sink)) {
        for (String line : Files.readAllLines(sink)) {
          try {
            events.add(new JsonObject(line));
          } catch (DecodeException partial) {
            // cut short: the sink is writing it, or a kill stopped it half-way
          }
        }
      }
    }
    return events;
  }

  /** The value of the first series named {@code name} in the /metrics of the service on {@code port}. */
  public static double metric(HttpClient http, int port, String name) throws IOException, InterruptedException {
    HttpResponse<String> metrics = http.send(
      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(),
      HttpResponse.BodyHandlers.ofString());
    return metrics.body().lines()
      .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
      .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
      .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in /metrics"));
  }

  /** Slot -> nodes that fired it, for the slots of {@code trigger} in [from, to]. */
  public static Map<Instant, List<String>> slots(List<JsonObject> events, String trigger, Instant from, Instant to) {
    return events.stream()
      .filter(e -> trigger.equals(e.getString("trigger")))
      .filter(e -> {
        Instant slot = Instant.parse(e.getString("scheduledAt"));
        return !slot.isBefore(from) && !slot.isAfter(to);
      })
      .collect(Collectors.groupingBy(e -> Instant.parse(e.getString("scheduledAt")), TreeMap::new,
        Collectors.mapping(e -> e.getString("node"), Collectors.toList())));
  }

  /** The shaded jar the failsafe plugin names in {@code -Dpump.jar}. */
  public static Path jar() {
    String jar = System.getProperty("pump.jar");
    assertThat(jar).as("system property pump.jar (set by the failsafe plugin)").isNotNull();
    assertThat(Path.of(jar)).as("the shaded jar; run mvn verify, not only mvn test").exists();
    return Path.of(jar);
  }

  /** A port nothing listens on right now, for a process to listen on. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Path testClasses() {
    try {
      return Path.of(JarProcesses.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the test classes' location is not a path", e);
    }
  }
}
