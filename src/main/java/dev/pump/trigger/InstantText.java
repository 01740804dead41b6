package dev.pump.trigger;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * {@link Instant#toString()}, fast: every fire writes two or three instants (the firing id, the
 * event's {@code scheduledAt} and {@code firedAt}), and the JDK's formatter was a third of the cost
 * of firing a group of triggers. The date and time up to the second are kept for the last second
 * seen, so only the fraction is written per call. The text is exactly the JDK's (ISO-8601, UTC, the
 * fraction in groups of three digits, none when zero); outside years 0-9999 the JDK writes it.
 */
final class InstantText {

  /** 9999-12-31T23:59:59Z */
  private static final long LAST_FOUR_DIGIT_SECOND = 253_402_300_799L;

  /**
   * The text of one second, up to and without the fraction ({@code 2026-03-30T07:05:00}), and the
   * whole text of that second's instant ({@code 2026-03-30T07:05:00Z}), which a group of triggers
   * firing at one slot all ask for.
   */
  private record Second(long epochSecond, String text, String wholeSecond) {
    Second(long epochSecond, String text) {
      this(epochSecond, text, text + 'Z');
    }
  }

  private static volatile Second last = new Second(-1, "");

  private InstantText() {
  }

  static String of(Instant instant) {
    long epochSecond = instant.getEpochSecond();
    if (epochSecond < 0 || epochSecond > LAST_FOUR_DIGIT_SECOND) {
      return instant.toString();
    }
    Second second = last;
    if (second.epochSecond() != epochSecond) {
      second = new Second(epochSecond, secondText(epochSecond));
      last = second;
    }
    int nano = instant.getNano();
    if (nano == 0) {
      return second.wholeSecond();
    }
    StringBuilder text = new StringBuilder(second.text().length() + 11).append(second.text()).append('.');
    if (nano % 1_000_000 == 0) {
      digits(text, nano / 1_000_000, 3);
    } else if (nano % 1000 == 0) {
      digits(text, nano / 1000, 6);
    } else {
      digits(text, nano, 9);
    }
    return text.append('Z').toString();
  }

  private static String secondText(long epochSecond) {
    LocalDateTime time = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    StringBuilder text = new StringBuilder(19);
    digits(text, time.getYear(), 4);
    digits(text.append('-'), time.getMonthValue(), 2);
    digits(text.append('-'), time.getDayOfMonth(), 2);
    digits(text.append('T'), time.getHour(), 2);
    digits(text.append(':'), time.getMinute(), 2);
    digits(text.append(':'), time.getSecond(), 2);
    return text.toString();
  }

  private static void digits(StringBuilder text, int value, int width) {
    for (int divisor = pow10(width - 1); divisor > 0; divisor /= 10) {
      text.append((char) ('0' + value / divisor % 10));
    }
  }

  private static int pow10(int exponent) {
    int result = 1;
    for (int i = 0; i < exponent; i++) {
      result *= 10;
    }
    return result;
  }
}
