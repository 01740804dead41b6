package dev.pump;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** What the cluster process tests share: the jar they start, the sinks they read, the logs they show on a failure. */
public final class JarProcesses {

  private JarProcesses() {
  }

  /** Every complete JSON line of the given sinks (a line being written right now is skipped). */
  public static List<JsonObject> readSinks(Collection<Path> sinks) throws IOException {
    List<JsonObject> events = new ArrayList<>();
    for (Path sink : sinks) {
      if (Files.exists(sink)) {
        for (String line : Files.readAllLines(sink)) {
          if (line.endsWith("}")) {
            events.add(new JsonObject(line));
          }
        }
      }
    }
    return events;
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

  /** The last 40 lines of each log, under its name: for an assertion's description. */
  public static String tails(Map<String, Path> logs) {
    StringBuilder all = new StringBuilder();
    logs.forEach((name, log) -> {
      try {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        all.append("--- ").append(name).append(".log (last 40 lines)\n");
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> all.append(l).append('\n'));
      } catch (IOException e) {
        all.append("--- ").append(name).append(".log unreadable: ").append(e).append('\n');
      }
    });
    return all.toString();
  }

  /** The shaded jar the failsafe plugin names in {@code -Dpump.jar}. */
  public static Path jar() {
    String jar = System.getProperty("pump.jar");
    assertThat(jar).as("system property pump.jar (set by the failsafe plugin)").isNotNull();
    assertThat(Path.of(jar)).as("the shaded jar; run mvn verify, not only mvn test").exists();
    return Path.of(jar);
  }

  /** The java of the JVM running the test. */
  public static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
