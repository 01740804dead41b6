package dev.pump.trigger;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class InstantTextTest {

  @Test
  void writesExactlyWhatInstantToStringWrites() {
    for (String text : new String[] {"2026-03-30T07:05:00Z", "2026-03-30T07:05:00.003Z", "2026-03-30T07:05:00.000120Z",
        "2026-03-30T07:05:00.000000007Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
        "2024-02-29T23:59:59.5Z", "0001-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59.1Z"}) {
      Instant instant = Instant.parse(text);
      assertThat(InstantText.of(instant)).isEqualTo(instant.toString());
    }
  }

  @Test
  void agreesWithInstantToStringOnAMillionRandomInstants() {
    long seed = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 1_000_000; i++) {
      long second = random.nextLong(-100L * 365 * 86400, 9000L * 365 * 86400);
      int nano = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1000;
        default -> random.nextInt(1_000_000_000);
      };
      // runs of the same second exercise the cached prefix
      Instant instant = Instant.ofEpochSecond(i % 3 == 0 ? second : second - second % 7, nano);
      assertThat(InstantText.of(instant)).as("seed %d", seed).isEqualTo(instant.toString());
    }
  }
}
