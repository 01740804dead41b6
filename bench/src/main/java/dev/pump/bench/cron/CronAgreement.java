package dev.pump.bench.cron;

import dev.pump.bench.Results;
import dev.pump.trigger.CronSchedule;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.TimeZone;

/**
 * Before timing them: do the three libraries agree on the next fire time of each benchmark
 * expression for the benchmark's 1024 inputs? Records the number of disagreements per expression.
 */
public final class CronAgreement {

  public static void main(String[] args) throws Exception {
    Instant[] inputs = CronNextBench.inputs();
    for (int e = 0; e < CronExpressions.OURS.length; e++) {
      CronSchedule ours = CronSchedule.parse(CronExpressions.OURS[e], ZoneOffset.UTC);
      org.quartz.CronExpression quartz = new org.quartz.CronExpression(CronExpressions.QUARTZ[e]);
      quartz.setTimeZone(TimeZone.getTimeZone("UTC"));
      org.springframework.scheduling.support.CronExpression spring =
        org.springframework.scheduling.support.CronExpression.parse(CronExpressions.OURS[e]);
      int disagree = 0;
      String example = "";
      for (Instant input : inputs) {
        Instant a = ours.nextAfter(input).orElse(null);
        Date qd = quartz.getNextValidTimeAfter(Date.from(input));
        Instant b = qd == null ? null : qd.toInstant();
        ZonedDateTime sz = spring.next(input.atZone(ZoneOffset.UTC));
        Instant c = sz == null ? null : sz.toInstant();
        if (!java.util.Objects.equals(a, b) || !java.util.Objects.equals(a, c)) {
          if (disagree++ == 0) {
            example = "after " + input + ": ours " + a + ", quartz " + b + ", spring " + c;
          }
        }
      }
      Results.put("cron.agree.e" + (e + 1), disagree, disagree == 0
        ? "all 3 agree on " + inputs.length + " inputs for \"" + CronExpressions.OURS[e] + "\""
        : "disagreements of " + inputs.length + "; first: " + example);
    }
    System.exit(0);
  }
}
