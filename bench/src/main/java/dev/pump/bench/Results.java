package dev.pump.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Where every benchmark JVM writes its measurements: one line per metric,
 * {@code key <TAB> value <TAB> detail}, appended to the file named by the system property
 * {@code bench.results} (default {@code target/results/metrics.tsv}). {@link Report} turns the file
 * into the table. Also prints each metric, so a run's log shows them as they come.
 */
public final class Results {

  private Results() {
  }

  private static Path file() {
    return Path.of(System.getProperty("bench.results", "target/results/metrics.tsv"));
  }

  /** Records one metric; {@code detail} is free text shown in RESULTS.md (e.g. the min/median/max of the reps). */
  public static synchronized void put(String key, double value, String detail) {
    String line = key + "\t" + fmt(value) + "\t" + (detail == null ? "" : detail.replace('\t', ' ').replace('\n', ' '));
    System.out.println("METRIC " + line);
    try {
      Path file = file();
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Records the median of repeated measurements with "min/median/max" as its detail. */
  public static void putReps(String key, double[] reps, String unit) {
    double[] mmm = Stats.minMedianMax(reps);
    put(key, mmm[1], "min/med/max " + fmt(mmm[0]) + "/" + fmt(mmm[1]) + "/" + fmt(mmm[2]) + " " + unit
      + " over " + reps.length + " runs");
  }

  public static String fmt(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    double abs = Math.abs(value);
    if (abs >= 1000 || value == Math.rint(value) && abs < 1e15) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    if (abs >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    if (abs >= 0.1) {
      return String.format(Locale.ROOT, "%.2f", value);
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }

  public static void log(String message) {
    System.out.println("[" + java.time.LocalTime.now().withNano(0) + "] " + message);
  }
}
