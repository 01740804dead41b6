package dev.pump.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Turns the metrics file written by the benchmark JVMs into ONE table:
 * {@code benchmark | ours | baseline | ratio | target | met?}. The ratio is always ours / baseline;
 * the target says which way is better. A value shown as {@code 12.3 (10.1-14.0)} is the median of the
 * repeated runs with their min-max. Writes {@code table.md} and {@code details.md} next to the
 * metrics file and prints the table.
 *
 * <pre>Report METRICS_TSV</pre>
 */
public final class Report {

  record Metric(double value, String detail) {
  }

  /** A check of (ours, baseline): null when the row has no target. */
  record Target(String text, BiFunction<Double, Double, Boolean> met) {
    static Target none() {
      return new Target("-", null);
    }

    static Target atMost(double limit, String unit) {
      return new Target("<= " + Results.fmt(limit) + " " + unit, (o, b) -> o <= limit);
    }

    static Target atMostBaseline(String name) {
      return new Target("<= " + name, (o, b) -> b == null || o <= b);
    }

    static Target atMostBoth(double limit, String unit, String name) {
      return new Target("<= " + Results.fmt(limit) + " " + unit + " and <= " + name,
        (o, b) -> o <= limit && (b == null || o <= b));
    }

    static Target ratioAtMost(double ratio, String name) {
      return new Target("<= " + Results.fmt(ratio) + " x " + name, (o, b) -> b != null && o <= ratio * b);
    }

    static Target atMostBaselinePlus(double extra, String unit, String name) {
      return new Target("<= " + name + " + " + Results.fmt(extra) + " " + unit, (o, b) -> b != null && o <= b + extra);
    }

    static Target ratioAtLeast(double ratio) {
      return new Target(">= " + Results.fmt(ratio) + " x baseline", (o, b) -> b != null && o / b >= ratio);
    }
  }

  record Row(String label, String oursKey, String baseKey, String baseName, Target target) {
  }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Map<String, Metric> metrics = read(file);
    List<Row> rows = rows(metrics);
    StringBuilder table = new StringBuilder();
    table.append("| benchmark | ours | baseline | ratio | target | met? |\n");
    table.append("|---|---|---|---|---|---|\n");
    for (Row row : rows) {
      Metric ours = metrics.get(row.oursKey());
      Metric base = row.baseKey() == null ? null : metrics.get(row.baseKey());
      if (ours == null && base == null) {
        table.append("| ").append(row.label()).append(" | not run | | | ").append(row.target().text()).append(" | - |\n");
        continue;
      }
      String oursText = ours == null ? "not run" : show(ours);
      String baseText = base == null ? (row.baseKey() == null ? "-" : "not run") : row.baseName() + " " + show(base);
      String ratio = ours != null && base != null && base.value() != 0 && !Double.isNaN(ours.value())
        ? Results.fmt(ours.value() / base.value()) : "-";
      String met = "-";
      if (row.target().met() != null && ours != null) {
        met = Double.isNaN(ours.value()) ? "NO (not measured)"
          : row.target().met().apply(ours.value(), base == null ? null : base.value()) ? "yes" : "NO";
      }
      table.append("| ").append(row.label()).append(" | ").append(oursText).append(" | ").append(baseText)
        .append(" | ").append(ratio).append(" | ").append(row.target().text()).append(" | ").append(met).append(" |\n");
    }
    Files.writeString(file.resolveSibling("table.md"), table, StandardCharsets.UTF_8);

    StringBuilder details = new StringBuilder("| metric | value | detail |\n|---|---|---|\n");
    metrics.forEach((key, m) -> details.append("| ").append(key).append(" | ").append(Results.fmt(m.value()))
      .append(" | ").append(m.detail()).append(" |\n"));
    Files.writeString(file.resolveSibling("details.md"), details, StandardCharsets.UTF_8);
    System.out.print(table);
  }

  static Map<String, Metric> read(Path file) throws Exception {
    Map<String, Metric> metrics = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] parts = line.split("\t", 3);
      if (parts.length < 2) {
        continue;
      }
      double value = switch (parts[1]) {
        case "inf" -> Double.POSITIVE_INFINITY;
        case "NaN" -> Double.NaN;
        default -> Double.parseDouble(parts[1]);
      };
      metrics.put(parts[0], new Metric(value, parts.length > 2 ? parts[2] : ""));
    }
    return metrics;
  }

  /** "median (min-max)" when the detail carries min/med/max, else the value. */
  static String show(Metric m) {
    String value = Results.fmt(m.value());
    String detail = m.detail();
    int at = detail.indexOf("min/med/max ");
    if (at >= 0) {
      String[] mmm = detail.substring(at + "min/med/max ".length()).split(" ")[0].split("/");
      if (mmm.length == 3 && !mmm[0].equals(mmm[2])) {
        return value + " (" + mmm[0] + "-" + mmm[2] + ")";
      }
    }
    if (detail.startsWith("NOT FINISHED")) {
      return ">= " + value + " (extrapolated; " + detail.substring("NOT FINISHED: ".length(), detail.indexOf(';')) + ")";
    }
    return value;
  }

  /** "100k" -> 100000, "1m" -> 1000000. */
  static long count(String label) {
    long unit = label.endsWith("m") ? 1_000_000 : label.endsWith("k") ? 1000 : 1;
    return Long.parseLong(unit == 1 ? label : label.substring(0, label.length() - 1)) * unit;
  }

  static List<Row> rows(Map<String, Metric> metrics) {
    List<Row> rows = new ArrayList<>();
    // the sizes that were run (bench/run's quick mode uses smaller ones); the smallest is held to
    // "raw + 2 ms" at p50, the middle one to 1.5 x raw at p99, the largest to 2 x raw at p99
    List<Integer> sizes = metrics.keySet().stream().filter(k -> k.startsWith("precision.ours.n"))
      .map(k -> Integer.parseInt(k.split("\\.")[2].substring(1))).distinct().sorted().toList();
    if (sizes.isEmpty()) {
      sizes = List.of(100, 1000, 10000);
    }
    for (int i = 0; i < sizes.size(); i++) {
      int n = sizes.get(i);
      String ours = "precision.ours.n" + n;
      String raw = "precision.raw.n" + n;
      String q10 = "precision.quartz10.n" + n;
      String q2 = "precision.quartz2.n" + n;
      String nn = n % 1000 == 0 ? n / 1000 + "k" : String.valueOf(n);
      boolean smallest = i == 0 && sizes.size() > 1;
      boolean largest = i == sizes.size() - 1;
      rows.add(new Row("lateness at cycle() N=" + nn + " p50 (ms)", ours + ".p50", raw + ".p50", "raw timers",
        smallest ? Target.atMostBaselinePlus(2, "ms", "raw") : Target.none()));
      rows.add(new Row("lateness at cycle() N=" + nn + " p99 (ms)", ours + ".p99", raw + ".p99", "raw timers",
        smallest ? Target.none() : Target.ratioAtMost(largest ? 2 : 1.5, "raw")));
      String handoff = "precision.handoff.n" + n;
      if (metrics.containsKey(handoff + ".p99")) {
        rows.add(new Row("lateness at cycle() N=" + nn + " p99 (ms), vs raw timers + worker hand-off", ours + ".p99",
          handoff + ".p99", "raw hand-off", Target.none()));
        if (largest && metrics.containsKey(handoff + ".cpu_per_fire")) { // too few fires at smaller N for 10 ms ticks
          rows.add(new Row("CPU per fire N=" + nn + " (us, loops + workers + GC), vs raw timers + worker hand-off",
            ours + ".cpu_per_fire", handoff + ".cpu_per_fire", "raw hand-off", Target.none()));
        }
      }
      if (metrics.containsKey(q10 + ".p99")) {
        rows.add(new Row("lateness at cycle() N=" + nn + " p99 (ms), vs Quartz", ours + ".p99", q10 + ".p99",
          "Quartz/10thr", Target.atMostBaseline("Quartz")));
      }
      if (metrics.containsKey(q2 + ".p99")) {
        rows.add(new Row("lateness at cycle() N=" + nn + " p99 (ms), vs Quartz 2 threads", ours + ".p99",
          q2 + ".p99", "Quartz/2thr", Target.atMostBaseline("Quartz")));
      }
    }
    List<String> scaleSizes = metrics.keySet().stream().filter(k -> k.startsWith("scale.ours."))
      .map(k -> k.split("\\.")[2]).distinct().sorted((x, y) -> Long.compare(count(x), count(y))).toList();
    if (scaleSizes.isEmpty()) {
      scaleSizes = List.of("100k", "1m");
    }
    String smallScale = scaleSizes.get(0);
    for (String size : scaleSizes) {
      boolean small = size.equals(smallScale);
      String label = size.toUpperCase(java.util.Locale.ROOT).replace("K", "k");
      String ours = "scale.ours." + size;
      String quartz = "scale.quartz." + size;
      String bare = "scale.bare." + size;
      rows.add(new Row("scale " + label + ": start (s)", ours + ".deploy",
        small ? bare + ".deploy" : quartz + ".deploy", small ? "bare timer verticles" : "Quartz",
        small ? Target.atMost(3, "s") : Target.atMost(20, "s")));
      rows.add(new Row("scale " + label + ": heap after GC (MiB)", ours + ".heapTotalMiB", quartz + ".heapTotalMiB",
        "Quartz", small ? Target.none() : Target.atMost(2048, "MiB")));
      rows.add(new Row("scale " + label + ": heap/trigger after GC (B)", ours + ".heapPerTrigger",
        small ? bare + ".heapPerTrigger" : quartz + ".heapPerTrigger", small ? "bare timer verticle" : "Quartz",
        Target.none()));
      rows.add(new Row("scale " + label + ": p99 lateness at a slot shared by 10k (ms)", ours + ".p99",
        small ? bare + ".p99" : quartz + ".p99", small ? "bare timers" : "Quartz", Target.atMost(50, "ms")));
      rows.add(new Row("scale " + label + ": p99 at the first slot the JVM fires (cold) (ms)", ours + ".cold.p99",
        small ? bare + ".cold.p99" : quartz + ".cold.p99", small ? "bare timers" : "Quartz", Target.none()));
      rows.add(new Row("scale " + label + ": idle CPU (% of a core)", ours + ".idleCpu", quartz + ".idleCpu",
        "Quartz", small ? Target.atMost(0.5, "%") : Target.atMost(1, "%")));
      String idleHeap = "scale.idleheap." + size;
      if (metrics.containsKey(idleHeap + ".idleCpu")) {
        rows.add(new Row("scale " + label + ": idle CPU (% of a core), vs a JVM idly holding a heap like ours",
          ours + ".idleCpu", idleHeap + ".idleCpu", "idle JVM", Target.none()));
      }
      rows.add(new Row("scale " + label + ": close (s)", ours + ".close", null, null,
        small ? Target.none() : Target.atMost(10, "s")));
    }
    rows.add(new Row("pub/sub publish -> cycle (msg/s)", "pubsub.ours", "pubsub.raw", "raw bus",
      Target.ratioAtLeast(0.5)));
    rows.add(new Row("pub/sub publish -> cycle with the fire journal (msg/s), vs without", "pubsub.journal.on",
      "pubsub.journal.off", "no journal", Target.none()));
    rows.add(new Row("webhook POST 202 (req/s)", "webhook.ours.rate", "webhook.raw.rate", "raw route",
      Target.ratioAtLeast(0.8)));
    rows.add(new Row("webhook p99 (ms)", "webhook.ours.p99", "webhook.raw.p99", "raw route", Target.none()));
    rows.add(new Row("webhook POST 202 with the fire journal (req/s), vs without", "webhook.journal.on.rate",
      "webhook.journal.off.rate", "no journal", Target.ratioAtLeast(0.5)));
    rows.add(new Row("webhook POST 202 (req/s), vs raw route + worker hand-off", "webhook.ours.rate",
      "webhook.handoff.rate", "raw hand-off", Target.none()));
    for (String key : metrics.keySet()) {
      if (key.startsWith("webhook.extra") && key.endsWith(".ours.rate")) {
        String prefix = key.substring(0, key.length() - ".ours.rate".length());
        String extra = prefix.substring("webhook.extra".length());
        rows.add(new Row("webhook (req/s), " + extra + " cron triggers in the app", key, prefix + ".raw.rate",
          "raw route", Target.ratioAtLeast(0.8)));
      }
    }
    for (int e = 1; e <= dev.pump.bench.cron.CronExpressions.OURS.length; e++) {
      String ours = "cron.ours.e" + e;
      if (e > dev.pump.bench.cron.CronExpressions.FIRST_QUARTZ_FORM) { // L and #: against Quartz, their origin
        rows.add(new Row("cron next-time e" + e + " (ns/op)", ours, "cron.quartz.e" + e, "Quartz",
          Target.atMostBaseline("Quartz")));
        continue;
      }
      Metric quartz = metrics.get("cron.quartz.e" + e);
      Metric spring = metrics.get("cron.spring.e" + e);
      boolean springFaster = spring != null && (quartz == null || spring.value() <= quartz.value());
      String fastest = springFaster ? "cron.spring.e" + e : "cron.quartz.e" + e;
      rows.add(new Row("cron next-time e" + e + " (ns/op)", ours, fastest, springFaster ? "Spring" : "Quartz",
        Target.atMostBaseline("fastest")));
    }
    rows.add(new Row("cron parse+compile, cache miss (ns/op)", "cron.parse.ours", "cron.parse.spring", "Spring",
      Target.atMostBaseline("Spring")));
    rows.add(new Row("startup java -jar -> /health 200 (ms)", "startup.ours", "startup.hello", "Vert.x hello",
      Target.none()));
    rows.add(new Row("failover: silent cut -> next slot fired by the majority (s), vs SIGKILL", "failover.cut.next",
      "failover.kill.next", "SIGKILL", Target.none()));
    rows.add(new Row("failover: silent cut -> every slot since fired by the majority (s), vs SIGKILL",
      "failover.cut.allFired", "failover.kill.allFired", "SIGKILL", Target.none()));
    // the bound: the majority misses at most the detection window (5 s silence + 1 s check) + a slot
    rows.add(new Row("failover: silent cut, worst round (s), vs the detection window + 1 slot",
      "failover.cut.allFired.max", "failover.bound", "bound", Target.ratioAtMost(1, "bound")));
    // the "no slot ever fires twice", over every round of both kinds
    rows.add(new Row("failover: slots fired twice over all the rounds", "failover.twice", null, null,
      Target.atMost(0, "slots")));
    return rows;
  }
}
