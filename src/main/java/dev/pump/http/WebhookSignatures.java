package dev.pump.http;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Checks webhook signatures, each comparison in constant time:
 * <ul>
 *   <li>Standard Webhooks: {@code webhook-signature} is a space-separated list of
 *       {@code v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>}; one match is enough,
 *       other versions are ignored;</li>
 *   <li>GitHub: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256(key, body)>}.</li>
 * </ul>
 */
final class WebhookSignatures {

  private static final String HMAC = "HmacSHA256";
  /** More signatures than this in one header are not looked at: a sender rotating keys sends two or three. */
  static final int MAX_SIGNATURES = 8;

  private WebhookSignatures() {
  }

  /**
   * @param header the {@code webhook-signature} header
   * @return whether one of its {@code v1} signatures is the HMAC of {@code id.timestamp.body}
   */
  static boolean standardMatches(byte[] key, String id, String timestamp, byte[] body, String header) {
    byte[] expected = hmac(key, (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
    boolean matched = false;
    int looked = 0;
    for (String candidate : header.trim().split(" +")) {
      if (!candidate.startsWith("v1,") || looked++ >= MAX_SIGNATURES) {
        continue;
      }
      byte[] presented;
      try {
        presented = Base64.getDecoder().decode(candidate.substring(3));
      } catch (IllegalArgumentException e) {
        continue;
      }
      // no early exit: every candidate costs the same, whichever matches
      matched |= MessageDigest.isEqual(expected, presented);
    }
    return matched;
  }

  /**
   * @param header the {@code X-Hub-Signature-256} header
   * @return whether it is {@code sha256=} and the hex HMAC of {@code body}
   */
  static boolean githubMatches(byte[] key, byte[] body, String header) {
    String value = header.trim();
    if (!value.startsWith("sha256=")) {
      return false;
    }
    byte[] presented;
    try {
      presented = HexFormat.of().parseHex(value.substring("sha256=".length()));
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(hmac(key, new byte[0], body), presented);
  }

  private static byte[] hmac(byte[] key, byte[] prefix, byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      mac.update(prefix);
      mac.update(body);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      // every Java 17 runtime has HmacSHA256, and a non-empty key is always valid for it
      throw new IllegalStateException("HmacSHA256 is not available: " + e.getClass().getSimpleName());
    }
  }
}
