package dev.pump.bench.cron;

/**
 * The expressions of the cron benchmark, in each library's dialect: five of classic cron in increasing complexity,
 * then two with the Quartz day forms (last weekday of the month, n-th weekday), which Spring reads too.
 */
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
    "0 0 9 ? * 5L",                                 // 6 the last Friday of the month (L)
    "0 30 10 ? * MON#2",                            // 7 the second Monday of the month (#)
  };

  /** Quartz: the same schedules, with '?' where Quartz wants it. */
  public static final String[] QUARTZ = {
    "0 * * * * ?",
    "0 0/15 9-17 * * ?",
    "0 30 9 ? * MON-FRI",
    "15,45 0/5 8-18 1-7 JAN,APR,JUL,OCT ?",
    "0 0 0 29 2 ?",
    "0 0 9 ? * 6L",                                 // Quartz numbers Sunday 1: Friday is 6
    "0 30 10 ? * 2#2",
  };

  /** Rows 6 and 7 are measured against Quartz, whose syntax they come from. */
  public static final int FIRST_QUARTZ_FORM = 5;
}
