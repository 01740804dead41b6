package dev.pump.trigger;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class InstantCellTest {

  private final InstantCell cell = new InstantCell();

  @Test
  void emptyUntilSetAndAfterSetToNull() {
    assertThat(cell.get()).isNull();
    cell.set(Instant.parse("2026-12-03T12:00:00Z"));
    cell.set(null);
    assertThat(cell.get()).isNull();
  }

  @Test
  void keepsEveryNanosecond() {
    Instant slot = Instant.parse("2026-12-03T12:00:01.123456789Z");
    cell.set(slot);
    assertThat(cell.get()).isEqualTo(slot);
    Instant beforeEpoch = Instant.parse("1969-07-20T20:17:40.000000001Z");
    cell.set(beforeEpoch);
    assertThat(cell.get()).isEqualTo(beforeEpoch);
  }

  @Test
  void instantsBeyondALongOfNanosecondsAreKeptWhole() {
    for (Instant far : new Instant[] {Instant.parse("2262-04-12T00:00:00Z"), Instant.parse("3000-01-01T00:00:00.5Z"),
        Instant.parse("1677-09-21T00:12:43Z"), Instant.MAX, Instant.MIN}) {
      cell.set(far);
      assertThat(cell.get()).isEqualTo(far);
    }
    Instant near = Instant.parse("2030-01-01T00:00:00Z");
    cell.set(near);
    assertThat(cell.get()).isEqualTo(near);
  }
}
