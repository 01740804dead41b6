package dev.pump.bench.cron;

/** The five expressions of the cron benchmark, in increasing complexity, in each library's dialect. */
public final class CronExpressions {

  private CronExpressions() {
  }

  /** Ours and Spring: 6 fields, second first. */
  public static final String[] OURS = {
    "0 * * * * *",                                  // 1 every minute
    "0 0/15 9-17 * * *",                            // 2 step and range
    "0 30 9 * * MON-FRI",                           // 3 working days, by name
    "15,45 0/5 8-18 1-7 JAN,APR,JUL,OCT *",         // 4 lists, steps, ranges in five fields
    "0 0 0 29 2 *",                                 // 5 leap day: the answer is up to 4 years away
  };

  /** Quartz: the same schedules, with '?' where Quartz wants it. */
  public static final String[] QUARTZ = {
    "0 * * * * ?",
    "0 0/15 9-17 * * ?",
    "0 30 9 ? * MON-FRI",
    "15,45 0/5 8-18 1-7 JAN,APR,JUL,OCT ?",
    "0 0 0 29 2 ?",
  };
}
