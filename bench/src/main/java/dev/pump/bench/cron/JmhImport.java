package dev.pump.bench.cron;

import dev.pump.bench.Results;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads JMH's JSON result of {@link CronNextBench} and records {@code cron.<impl>.e<n>}: the score
 * (mean ns/op over the measured iterations) with the min/median/max of the iterations.
 */
public final class JmhImport {

  public static void main(String[] args) throws Exception {
    JsonArray results = new JsonArray(Files.readString(Path.of(args[0])));
    for (int i = 0; i < results.size(); i++) {
      JsonObject result = results.getJsonObject(i);
      String method = result.getString("benchmark");
      method = method.substring(method.lastIndexOf('.') + 1);
      int expression = Integer.parseInt(result.getJsonObject("params").getString("expression"));
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
      Results.put("cron." + method + ".e" + (expression + 1), mmm[1], "min/med/max " + Results.fmt(mmm[0]) + "/"
        + Results.fmt(mmm[1]) + "/" + Results.fmt(mmm[2]) + " ns/op over " + count + " iterations; \""
        + (method.equals("quartz") ? CronExpressions.QUARTZ[expression] : CronExpressions.OURS[expression]) + "\"");
    }
  }
}
