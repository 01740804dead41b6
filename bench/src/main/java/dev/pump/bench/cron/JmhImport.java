package dev.pump.bench.cron;

import dev.pump.bench.Results;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads JMH's JSON result of {@link CronNextBench} and {@link CronParseBench} and records
 * {@code cron.<impl>.e<n>} and {@code cron.parse.<impl>}: the median of the measured iterations (ns/op) with their
 * min/median/max.
 */
public final class JmhImport {

  public static void main(String[] args) throws Exception {
    JsonArray results = new JsonArray(Files.readString(Path.of(args[0])));
    for (int i = 0; i < results.size(); i++) {
      JsonObject result = results.getJsonObject(i);
      String benchmark = result.getString("benchmark");
      String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      boolean parse = benchmark.contains("CronParseBench");
      int expression = parse ? -1 : Integer.parseInt(result.getJsonObject("params").getString("expression"));
      JsonObject primary = result.getJsonObject("primaryMetric");
      JsonArray forks = primary.getJsonArray("rawData");
      int count = 0;
      for (int f = 0; f < forks.size(); f++) {
        count += forks.getJsonArray(f).size();
      }
      double[] iterations = new double[count];
      int k = 0;
      for (int f = 0; f < forks.size(); f++) {
        JsonArray fork = forks.getJsonArray(f);
        for (int j = 0; j < fork.size(); j++) {
          iterations[k++] = fork.getDouble(j);
        }
      }
      double[] mmm = dev.pump.bench.Stats.minMedianMax(iterations);
      String spread = "min/med/max " + Results.fmt(mmm[0]) + "/" + Results.fmt(mmm[1]) + "/" + Results.fmt(mmm[2])
        + " ns/op over " + count + " iterations; ";
      if (parse) {
        Results.put("cron.parse." + method, mmm[1], spread + "1024 distinct \"S M/15 9-17 * * MON-FRI\"");
      } else {
        Results.put("cron." + method + ".e" + (expression + 1), mmm[1], spread + "\""
          + (method.equals("quartz") ? CronExpressions.QUARTZ[expression] : CronExpressions.OURS[expression]) + "\"");
      }
    }
  }
}
