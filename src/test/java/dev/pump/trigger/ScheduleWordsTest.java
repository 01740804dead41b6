package dev.pump.trigger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ScheduleWordsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
    * * * * *            | every minute
    */5 * * * *          | every 5 minutes
    */5 * * * 1-5        | every 5 minutes, Monday to Friday
    */5 * * * MON-FRI    | every 5 minutes, Monday to Friday
    0 9 * * *            | every day at 09:00
    30 17 * * 1-5        | at 17:30, Monday to Friday
    0 9,17 * * *         | every day at 09:00 and 17:00
    0 9-17/2 * * *       | every day at 09:00, 11:00, 13:00, 15:00 and 17:00
    0 9-17 * * 1-5       | every hour from 09:00 to 17:00, Monday to Friday
    */15 9-17 * * *      | every 15 minutes from 09:00 to 17:45
    * 9 * * *            | every minute from 09:00 to 09:59
    0 * * * *            | every hour, on the hour
    15 * * * *           | every hour at minute 15
    0,30 * * * *         | every hour at minutes 0 and 30
    0-10 * * * *         | at minutes 0 to 10 past every hour
    0 */3 * * *          | every 3 hours, on the hour
    5 */3 * * *          | every 3 hours at minute 5
    0 0 * * 0            | at 00:00, on Sunday
    0 0 * * 7            | at 00:00, on Sunday
    0 8 * * 6,0          | at 08:00, on Saturday and Sunday
    0 8 * * SAT-SUN      | at 08:00, on Saturday and Sunday
    0 8 * * 1,3,5        | at 08:00, on Monday, Wednesday and Friday
    0 0 1 * *            | at 00:00, on day 1 of the month
    0 0 1,15 * *         | at 00:00, on days 1 and 15 of the month
    0 0 1-7 * *          | at 00:00, on days 1 to 7 of the month
    0 0 1 1 *            | at 00:00, on January 1
    0 0 13 * 5           | at 00:00, on day 13 of the month or on Friday
    0 12 * 1-3 *         | at 12:00, from January to March
    0 12 * */3 *         | at 12:00, every 3 months from January
    0 12 1 1,7 *         | at 12:00, on day 1 of the month, in January and July
    */10 * * * * *       | every 10 seconds
    * * * * * *          | every second
    30 * * * * *         | every minute at second 30
    0 */5 * * * *        | every 5 minutes
    30 0 9 * * *         | every day at 09:00:30
    @hourly              | every hour, on the hour
    @daily               | every day at 00:00
    @midnight            | every day at 00:00
    @weekly              | at 00:00, on Sunday
    @monthly             | at 00:00, on day 1 of the month
    @yearly              | at 00:00, on January 1
    @annually            | at 00:00, on January 1
    0 8 * * FRI-SUN      | at 08:00, Friday to Sunday
    0 8 * * 2-4          | at 08:00, Tuesday to Thursday
    0 0 1,2,3 * *        | at 00:00, on days 1, 2 and 3 of the month
    0 0 ? * 1            | at 00:00, on Monday
    0 0 L * *            | at 00:00, on the last day of the month
    0 0 L-3 * *          | at 00:00, on the 3rd day before the last day of the month
    0 0 L-1 2 ?          | at 00:00, on the 1st day before the last day of the month, in February
    0 9 15W * *          | at 09:00, on the weekday nearest day 15 of the month
    0 18 LW * *          | at 18:00, on the last weekday of the month
    0 0 1,L * *          | at 00:00, on day 1 of the month and on the last day of the month
    0 10 ? * MON#1       | at 10:00, on the first Monday of the month
    0 10 * * 5#3         | at 10:00, on the third Friday of the month
    0 17 * * 5L          | at 17:00, on the last Friday of the month
    0 17 * * 1,FRIL      | at 17:00, on Monday and on the last Friday of the month
    0 0 L * 5            | at 00:00, on the last day of the month or on Friday
    0 0 13 * 5#2         | at 00:00, on day 13 of the month or on the second Friday of the month
    0 0 0 ? 1 SUN#5      | at 00:00, on the fifth Sunday of the month, in January
    """)
  void describesCronExpressionsInWords(String expression, String words) {
    assertThat(ScheduleWords.cron(expression)).isEqualTo(words);
  }

  @Test
  void refusesAnInvalidExpressionWithTheMessageOfCronSchedule() {
    assertThatIllegalArgumentException()
      .isThrownBy(() -> ScheduleWords.cron("61 * * * *"))
      .withMessageContaining("minute 61 is out of range 0-59");
    assertThatIllegalArgumentException()
      .isThrownBy(() -> ScheduleWords.cron("0 0 30 2 *"))
      .withMessage("\"0 0 30 2 *\": never fires: February has no day 30");
  }

  @Test
  void namesDurationsInTheLargestUnits() {
    assertThat(ScheduleWords.duration(Duration.ofSeconds(10))).isEqualTo("10 seconds");
    assertThat(ScheduleWords.duration(Duration.ofMinutes(1))).isEqualTo("minute");
    assertThat(ScheduleWords.duration(Duration.ofMinutes(90))).isEqualTo("1 hour 30 minutes");
    assertThat(ScheduleWords.duration(Duration.ofMillis(250))).isEqualTo("250 milliseconds");
  }

  @Test
  void boundsFollowTheScheduleWithCronExclusionsInWords() {
    ScheduleBounds bounds = new ScheduleBounds(Instant.parse("2026-12-01T00:00:00Z"), null, 10,
      List.of(SlotExclusion.parse("2026-12-24..2026-12-26", ZoneOffset.UTC),
        SlotExclusion.parse("* * * * 0,6", ZoneOffset.UTC)));
    assertThat(ScheduleWords.bounds(bounds)).isEqualTo(
      "from 2026-12-01T00:00:00Z, at most 10 fires, except on 2026-12-24 to 2026-12-26, "
        + "except every minute, on Saturday and Sunday");
  }
}
