package dev.pump;

import dev.pump.pipeline.Pipeline;
import dev.pump.source.SourceRuntime;
import dev.pump.source.TriggerSource;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.pump.JarProcesses.freePort;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar as an operator runs it, failing to start: each way a start can fail ends the
 * process with status 1 and ONE line on stderr naming the cause, and nothing keeps running.
 */
class StartFailureProcessIT {

  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir
  Path dir;

  @RegisterExtension
  final JarProcesses processes = new JarProcesses();

  @Test
  void aPortInUseEndsTheProcessWithOneLineNamingThePort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Path config = config(port, dir.resolve("data"), "{ type: clock }");

      Failure failure = runUntilExit(run(config));

      failure.assertOneLine("vertx-pump: failed to start: port " + port + " on 127.0.0.1 is in use");
      assertThat(dir.resolve("data/hooks.jsonl")).as("the run-once trigger never started").doesNotExist();
    }
  }

  @Test
  void theEnvironmentsPortInUseEndsTheProcessToo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Path config = config(freePort(), dir.resolve("data"), "{ type: clock }");

      Failure failure = runUntilExit(run(config).env("PUMP_HTTP_PORT", Integer.toString(port)));

      failure.assertOneLine("vertx-pump: failed to start: port " + port + " on 127.0.0.1 is in use");
    }
  }

  @Test
  void aDataDirThatCannotBeCreatedIsRefusedBeforeAnythingStartsWithOneLineNamingIt() throws Exception {
    Path aFile = Files.writeString(dir.resolve("a-file"), "a file where a folder should be");
    Path dataDir = aFile.resolve("data");
    Path config = config(freePort(), dataDir, "{ type: clock }");
    Files.writeString(config, Files.readString(config).replace("sink: { type: file }", "sink: { type: log }"));

    Failure failure = runUntilExit(run(config));

    // the configuration tries dataDir for writing (status 2); the start checks it again (status 1) for a
    // folder that turns unwritable between the two
    assertThat(failure.status()).as(failure.stderr()).isEqualTo(2);
    assertThat(failure.stderr().strip()).isEqualTo("dataDir: \"" + dataDir + "\" cannot be written to: parent is a file: "
      + aFile);
  }

  @Test
  void aDataDirThatIsAFileIsAConfigurationErrorWithStatus2() throws Exception {
    Path aFile = Files.writeString(dir.resolve("data"), "a file where the data folder should be");
    Path config = config(freePort(), aFile, "{ type: clock }");

    Failure failure = runUntilExit(run(config));

    assertThat(failure.status()).as(failure.stderr()).isEqualTo(2);
    assertThat(failure.stderr().strip()).isEqualTo("dataDir: \"" + aFile + "\" exists and is not a directory");
  }

  @Test
  void aSourceWhoseStartFailsEndsTheProcessWithOneLineGivingItsReason() throws Exception {
    Path config = config(freePort(), dir.resolve("data"),
      "{ type: class, class: " + UnreachableWarehouseSource.class.getName() + " }");

    Failure failure = runUntilExit(run(config).withTestClasses());

    failure.assertOneLine("vertx-pump: failed to start: " + UnreachableWarehouseSource.REASON);
  }

  @Test
  void aClusterThatCannotBeJoinedEndsTheProcessWithOneLineNamingTheCluster() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int clusterPort = taken.getLocalPort();
      Path config = config(freePort(), dir.resolve("data"), "{ type: clock }");
      Files.writeString(config, Files.readString(config) + """
        cluster: { enabled: true, name: start-failure-%d, host: 127.0.0.1, port: %d, members: [] }
        """.formatted(clusterPort, clusterPort));

      Failure failure = runUntilExit(run(config));

      // Hazelcast and Vert.x log the bind failure with stack traces of their own on stdout; stderr has our line
      failure.assertOneLineStartingWith("vertx-pump: failed to start: cannot join cluster 'start-failure-"
        + clusterPort + "' as 127.0.0.1:" + clusterPort + ": ", false);
    }
  }

  /** A source that cannot start, as one whose database is down could not. */
  public static final class UnreachableWarehouseSource extends TriggerSource {
    static final String REASON = "source 'warehouse' cannot reach the warehouse at db.invalid:5432";

    public UnreachableWarehouseSource(SourceRuntime runtime, Pipeline pipeline) {
      super(runtime, pipeline);
    }

    @Override
    public Future<?> start() {
      return super.start().compose(v -> Future.failedFuture(new IllegalStateException(REASON)));
    }

    @Override
    protected void cycle(TriggerEvent event) {
      throw new AssertionError("never started, so never cycles");
    }
  }

  // -----------------------------------------------------------------------------------------------

  private Path config(int port, Path dataDir, String source) throws IOException {
    return Files.writeString(dir.resolve("config.yaml"), """
      http: { host: 127.0.0.1, port: %d }
      dataDir: %s
      pipelines:
        - id: hooks
          source: %s
          triggers:
            - { type: webhook, id: hook, name: deploy }
            - { type: runonce, id: at-start }
          sink: { type: file }
      """.formatted(port, dataDir, source));
  }

  /** {@code run CONFIG}, stdout and stderr each to a file of its own. */
  private JarProcesses.Launch run(Path config) {
    return processes.launch(dir.resolve("stdout.log"), "run", config.toString()).errorOutput(dir.resolve("stderr.log"));
  }

  /** Runs the launch, without the test's own {@code PUMP_*} variables, until the process ends by itself. */
  private Failure runUntilExit(JarProcesses.Launch launch) throws Exception {
    JarProcesses.Started process = launch.withoutPumpEnvironment().start();
    int status = process.awaitExit(DEADLINE);
    return new Failure(status, process.output(), process.errorOutput());
  }

  private record Failure(int status, String stdout, String stderr) {

    void assertOneLine(String expected) {
      assertOneLineStartingWith(expected, true);
      assertThat(stderr.strip()).isEqualTo(expected);
    }

    void assertOneLineStartingWith(String prefix, boolean noStackTrace) {
      String context = "stdout:%n%s%nstderr:%n%s".formatted(stdout, stderr);
      assertThat(status).as(context).isEqualTo(1);
      assertThat(stderr.lines().toList()).as(context).hasSize(1);
      assertThat(stderr.strip()).as(context).startsWith(prefix);
      assertThat(stdout).as("nothing was left running: " + context).doesNotContain("listening on");
      if (noStackTrace) {
        assertThat(stdout).as("no stack trace: " + context).doesNotContain("\tat ");
      }
    }
  }
}
