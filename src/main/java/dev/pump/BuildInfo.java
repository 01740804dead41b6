package dev.pump;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What build is running, read from {@code dev/pump/build.properties}, which Maven writes at build time, so the
 * answer is the same from the fat jar, the library jar and {@code target/classes} (tests).
 */
public final class BuildInfo {

  private static final String RESOURCE = "/dev/pump/build.properties";
  private static final String VERSION = load();

  private BuildInfo() {
  }

  /** @return the project's version, e.g. {@code 0.1.0-SNAPSHOT}; {@code dev} when not built by Maven */
  public static String version() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "dev";
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "");
      // unfiltered (an IDE copying the resource as is): no version known
      return version.isBlank() || version.startsWith("${") ? "dev" : version;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
