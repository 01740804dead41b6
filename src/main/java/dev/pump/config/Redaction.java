package dev.pump.config;

/** How secrets appear in logs and {@code toString()}: set or not, never their value. */
final class Redaction {

  static final String REDACTED = "<redacted>";

  private Redaction() {
  }

  static String redact(String secret) {
    return secret == null || secret.isEmpty() ? "" : REDACTED;
  }
}
