package dev.pump.trigger;

import java.time.DateTimeException;
import java.time.ZoneId;

/** The one way a time zone is read from text, by the configuration, the API and the command line alike. */
public final class Zones {

  /** What to write instead of an unknown zone. */
  public static final String HINT = "use a region such as Europe/Prague, UTC, or an offset such as +02:00";

  private Zones() {
  }

  /**
   * @param text a region ({@code Europe/Prague}), {@code UTC}, or an offset ({@code +02:00}); trimmed
   * @return the zone
   * @throws IllegalArgumentException {@code unknown time zone "Mars/Olympus" (use a region such as ...)}
   */
  public static ZoneId parse(String text) {
    try {
      return ZoneId.of(text.trim());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("unknown time zone \"" + text + "\" (" + HINT + ")");
    }
  }
}
