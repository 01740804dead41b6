package dev.pump.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every problem found in one configuration, each {@code <key path>: <message>}. A value that came
 * from an environment variable is reported under the variable's name first, since that is what
 * the user must fix: {@code PUMP_HTTP_PORT (http.port): must be a number, got "abc"}.
 */
final class Problems {

  private final List<String> lines = new ArrayList<>();
  private final Map<String, String> origins;

  /** @param origins key path -> the environment variable its value came from */
  Problems(Map<String, String> origins) {
    this.origins = Map.copyOf(origins);
  }

  void add(String path, String message) {
    lines.add(label(path) + ": " + message);
  }

  int count() {
    return lines.size();
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  private String label(String path) {
    for (Map.Entry<String, String> origin : origins.entrySet()) {
      String key = origin.getKey();
      if (path.equals(key) || path.startsWith(key + "[")) {
        return origin.getValue() + " (" + path + ")";
      }
    }
    return path;
  }
}
