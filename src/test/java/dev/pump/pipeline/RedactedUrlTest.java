package dev.pump.pipeline;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactedUrlTest {

  @Test
  void userInfoIsHidden() {
    assertThat(RedactedUrl.of("https://user:p%40ss@example.com:8443/hook"))
      .isEqualTo("https://***@example.com:8443/hook");
    assertThat(RedactedUrl.of("http://a:b@c@example.com/x")).isEqualTo("http://***@example.com/x");
  }

  @Test
  void secretLookingQueryValuesAreHiddenOthersKept() {
    assertThat(RedactedUrl.of("https://example.com/in?api_key=abc&team=ops&TOKEN=t&sig=s&password=p&x-Secret=1#frag"))
      .isEqualTo("https://example.com/in?api_key=***&team=ops&TOKEN=***&sig=***&password=***&x-Secret=***#frag");
    assertThat(RedactedUrl.of("https://example.com/in?key=k&access_token=a&flag"))
      .isEqualTo("https://example.com/in?key=***&access_token=***&flag");
  }

  @Test
  void aUrlWithoutSecretsIsUnchanged() {
    assertThat(RedactedUrl.of("https://example.com/path/@user?page=2")).isEqualTo("https://example.com/path/@user?page=2");
    assertThat(RedactedUrl.of(null)).isNull();
  }

  @Test
  void aMessageQuotingTheUrlIsRedacted() {
    String url = "https://u:pw@example.com/?token=t";
    assertThat(RedactedUrl.in("POST " + url + " gave up", url)).isEqualTo("POST https://***@example.com/?token=*** gave up");
  }

  @Test
  void aMessageQuotingOnlyPartOfTheUrlIsScrubbedToo() {
    String url = "http://127.0.0.1:9/in?api_key=k1&team=ops";
    assertThat(RedactedUrl.in("The timeout period of 10ms has been exceeded while executing POST /in?api_key=k1&team=ops "
      + "for server 127.0.0.1:9", url))
      .isEqualTo("The timeout period of 10ms has been exceeded while executing POST /in?api_key=***&team=ops "
        + "for server 127.0.0.1:9");
    assertThat(RedactedUrl.scrub("see https://u:p@h/x and ?token=abc")).isEqualTo("see https://***@h/x and ?token=***");
  }
}
