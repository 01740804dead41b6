package dev.pump.bench.startup;

import dev.pump.bench.Results;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Startup: wall time from starting {@code java -jar} to the first 200 of {@code GET /health}, polled
 * every 5 ms over loopback, for our fat jar (a temporary config: one pipeline with a clock source, a cron
 * trigger, a webhook trigger and a file sink) against the plain Vert.x hello jar. Reps alternate between
 * the two; each process is stopped with SIGTERM before the next starts.
 *
 * <pre>Startup PUMP_JAR HELLO_JAR REPS LOG_DIR</pre>
 */
public final class Startup {

  public static void main(String[] args) throws Exception {
    Path pumpJar = Path.of(args[0]).toAbsolutePath();
    Path helloJar = Path.of(args[1]).toAbsolutePath();
    int reps = Integer.parseInt(args[2]);
    Path logDir = Path.of(args[3]).toAbsolutePath();
    Files.createDirectories(logDir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    double[] ours = new double[reps];
    double[] hello = new double[reps];
    double[] oursFirstAnswer = new double[reps];
    for (int rep = -1; rep < reps; rep++) {
      Path work = Files.createTempDirectory("pump-startup");
      int port = freePort();
      Path config = work.resolve("config.yaml");
      Files.writeString(config, String.join("\n",
        "http:",
        "  host: 127.0.0.1",
        "  port: " + port,
        "dataDir: " + work.resolve("data"),
        "pipelines:",
        "  - id: heartbeat",
        "    source: { type: clock }",
        "    triggers:",
        "      - { type: cron, id: every-minute, schedule: \"* * * * *\" }",
        "      - { type: webhook, id: hook, name: hook }",
        "    sink: { type: file, path: " + work.resolve("data/heartbeat.jsonl") + " }",
        ""));
      double[] firstAnswer = new double[1];
      double oursMs = timeToHealth(List.of(java, "-jar", pumpJar.toString(), "run", config.toString()), work, port,
        logDir.resolve("startup-ours-" + (rep + 1) + ".log"), firstAnswer);
      int helloPort = freePort();
      double helloMs = timeToHealth(List.of(java, "-jar", helloJar.toString(), String.valueOf(helloPort)), work,
        helloPort, logDir.resolve("startup-hello-" + (rep + 1) + ".log"), new double[1]);
      Results.log(String.format("startup rep %d: ours %.0f ms (first HTTP answer of any status at %.0f ms), hello %.0f ms",
        rep, oursMs, firstAnswer[0], helloMs));
      if (rep >= 0) {
        ours[rep] = oursMs;
        hello[rep] = helloMs;
        oursFirstAnswer[rep] = firstAnswer[0];
      }
    }
    Results.putReps("startup.ours", ours, "ms");
    Results.putReps("startup.hello", hello, "ms");
    Results.putReps("startup.ours.firstAnswer", oursFirstAnswer, "ms to the first HTTP answer of any status (503 while "
      + "a pipeline is not ready)");
    System.exit(0);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Starts the command, polls /health until 200 (60 s at most), stops the process; returns the ms.
   * {@code firstAnswer[0]} gets the ms to the first answer of any status.
   */
  static double timeToHealth(List<String> command, Path dir, int port, Path log, double[] firstAnswer)
      throws Exception {
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
      .redirectErrorStream(true).redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    Process process = builder.start();
    double millis = Double.POSITIVE_INFINITY;
    try {
      URI uri = URI.create("http://127.0.0.1:" + port + "/health");
      long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
      firstAnswer[0] = Double.POSITIVE_INFINITY;
      while (System.nanoTime() < deadline && process.isAlive()) {
        int status = status(uri);
        if (status > 0 && Double.isInfinite(firstAnswer[0])) {
          firstAnswer[0] = (System.nanoTime() - t0) / 1e6;
        }
        if (status == 200) {
          millis = (System.nanoTime() - t0) / 1e6;
          break;
        }
        Thread.sleep(5);
      }
    } finally {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
    if (Double.isInfinite(millis)) {
      Results.log("no 200 from " + String.join(" ", command) + "; see " + log);
    }
    return millis;
  }

  /** @return the status of GET uri, or -1 if nothing answered */
  private static int status(URI uri) {
    try {
      HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
      connection.setConnectTimeout(200);
      connection.setReadTimeout(5000);
      int status = connection.getResponseCode();
      (status < 400 ? connection.getInputStream() : connection.getErrorStream()).readAllBytes();
      connection.disconnect();
      return status;
    } catch (IOException e) {
      return -1;
    }
  }
}
