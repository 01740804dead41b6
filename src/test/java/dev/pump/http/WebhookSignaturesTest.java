package dev.pump.http;

import dev.pump.trigger.WebhookTrigger;
import dev.pump.trigger.WebhookTrigger.Signature;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The signature checks against the published test vectors of Standard Webhooks and GitHub. */
class WebhookSignaturesTest {

  // from the Standard Webhooks reference libraries' tests
  private static final String STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final String TIMESTAMP = "1614265330";
  private static final byte[] PAYLOAD = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  // from GitHub's "Validating webhook deliveries"
  private static final byte[] GITHUB_KEY = "It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8);
  private static final byte[] GITHUB_PAYLOAD = "Hello, World!".getBytes(StandardCharsets.UTF_8);
  private static final String GITHUB_SIGNATURE =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  private static final byte[] KEY = WebhookTrigger.keyOf(STANDARD_SECRET, Signature.STANDARD);

  @Test
  void aMalformedWhsecSecretIsRefusedWithoutShowingIt() {
    assertThatThrownBy(() -> WebhookTrigger.keyOf("whsec_not*base64", Signature.STANDARD))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("a secret starting with whsec_ must continue in base64");
    assertThatThrownBy(() -> WebhookTrigger.keyOf("", Signature.GITHUB)).hasMessage("secret must not be empty");
    assertThatThrownBy(() -> WebhookTrigger.keyOf("whsec_", Signature.STANDARD)).hasMessage("secret must not be empty");
  }

  @Test
  void theStandardWebhooksTestVectorMatches() {
    assertThat(WebhookSignatures.standardMatches(KEY, ID, TIMESTAMP, PAYLOAD, SIGNATURE)).isTrue();
  }

  @Test
  void oneMatchingSignatureAmongSeveralIsEnough() {
    String header = "v1a,c29tZXRoaW5nIGVsc2U= v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= " + SIGNATURE;
    assertThat(WebhookSignatures.standardMatches(KEY, ID, TIMESTAMP, PAYLOAD, header)).isTrue();
  }

  @Test
  void anyChangeToIdTimestampOrBodyBreaksTheSignature() {
    assertThat(WebhookSignatures.standardMatches(KEY, ID + "x", TIMESTAMP, PAYLOAD, SIGNATURE)).isFalse();
    assertThat(WebhookSignatures.standardMatches(KEY, ID, "1614265331", PAYLOAD, SIGNATURE)).isFalse();
    assertThat(WebhookSignatures.standardMatches(KEY, ID, TIMESTAMP,
      "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8), SIGNATURE)).isFalse();
  }

  @Test
  void malformedSignatureHeadersNeverMatch() {
    for (String header : new String[] {"", " ", "v1,", "v1,%%%", "v2," + SIGNATURE.substring(3),
      SIGNATURE.substring(3), "V1," + SIGNATURE.substring(3)}) {
      assertThat(WebhookSignatures.standardMatches(KEY, ID, TIMESTAMP, PAYLOAD, header)).as(header).isFalse();
    }
  }

  @Test
  void aRawSecretIsUsedAsItsUtf8Bytes() {
    assertThat(WebhookTrigger.keyOf("plain secret", Signature.STANDARD))
      .isEqualTo("plain secret".getBytes(StandardCharsets.UTF_8));
    assertThat(WebhookTrigger.keyOf("whsec_abc=", Signature.GITHUB))
      .isEqualTo("whsec_abc=".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theGithubTestVectorMatches() {
    assertThat(WebhookSignatures.githubMatches(GITHUB_KEY, GITHUB_PAYLOAD, GITHUB_SIGNATURE)).isTrue();
    assertThat(WebhookSignatures.githubMatches(GITHUB_KEY, GITHUB_PAYLOAD, GITHUB_SIGNATURE.toUpperCase()
      .replace("SHA256=", "sha256="))).as("hex digits in upper case").isTrue();
  }

  @Test
  void aWrongGithubSignatureDoesNotMatch() {
    assertThat(WebhookSignatures.githubMatches(GITHUB_KEY, "Hello, World?".getBytes(StandardCharsets.UTF_8),
      GITHUB_SIGNATURE)).isFalse();
    assertThat(WebhookSignatures.githubMatches(GITHUB_KEY, GITHUB_PAYLOAD,
      GITHUB_SIGNATURE.replace("sha256=", "sha1=")))
      .isFalse();
    assertThat(WebhookSignatures.githubMatches(GITHUB_KEY, GITHUB_PAYLOAD, "sha256=zz")).isFalse();
    assertThat(WebhookSignatures.githubMatches(GITHUB_KEY, GITHUB_PAYLOAD, "sha256=")).isFalse();
  }
}
