package dev.pump.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The one duration format, and the "did you mean" distance. */
class DurationsTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({"500ms, PT0.5S", "10s, PT10S", "5m, PT5M", "1h, PT1H", "1d, PT24H", "0s, PT0S"})
  void parsesEveryUnitOfTheFormat(String text, String expected) {
    assertThat(Durations.parse(text)).contains(Duration.parse(expected));
  }

  @ParameterizedTest(name = "\"{0}\" is refused")
  @ValueSource(strings = {"", "10", "10 s", "1.5s", "-1s", "10sec", "s", "1w", "1000000000000s"})
  void refusesAnythingElse(String text) {
    assertThat(Durations.parse(text)).isEmpty();
  }

  @ParameterizedTest(name = "{0} is written {1}")
  @CsvSource({"PT0.5S, 500ms", "PT10S, 10s", "PT5M, 5m", "PT1H, 1h", "PT48H, 2d", "PT90S, 90s", "PT0S, 0s"})
  void formatsInTheLargestExactUnit(String duration, String expected) {
    assertThat(Durations.format(Duration.parse(duration))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @CsvSource({"port, port, 0", "prot, port, 2", "apitoken, apiToken, 0", "hots, host, 2", "kitten, sitting, 3"})
  void distanceIsLevenshteinIgnoringCaseInSuggestions(String a, String b, int distance) {
    assertThat(Suggestions.distance(a.toLowerCase(), b.toLowerCase())).isEqualTo(distance);
  }
}
