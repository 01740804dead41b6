package dev.pump.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code url} or {@code urlEnv} of the http sink and the http-get source, never shown with its secrets. */
class SinkUrlConfigTest {

  private static final String SECRET_URL = "https://ops:pw1@example.com/in?api_key=k1&team=ops";
  private static final Map<String, String> ENV = Map.of("SINK_URL", SECRET_URL, "EMPTY", "");

  private static JsonObject withSink(JsonObject sink) {
    return new JsonObject().put("pipelines", new JsonArray().add(new JsonObject()
      .put("id", "p")
      .put("source", new JsonObject().put("type", "clock"))
      .put("triggers", new JsonArray().add(new JsonObject().put("type", "runonce").put("id", "once")))
      .put("sink", sink)));
  }

  private static PumpConfig bind(JsonObject root) {
    return new ConfigBinder(Map.of()).withEnvironment(ENV::get).bind(root);
  }

  private static List<String> problems(JsonObject sink) {
    try {
      bind(withSink(sink));
    } catch (InvalidConfigException e) {
      return e.problems();
    }
    throw new AssertionError("the configuration was accepted");
  }

  @Test
  void urlEnvReadsTheUrlFromTheEnvironment() {
    SinkConfig.Http http = (SinkConfig.Http) bind(withSink(new JsonObject().put("type", "http").put("urlEnv", "SINK_URL")))
      .pipelines().get(0).sink();

    assertThat(http.url()).isEqualTo(SECRET_URL);
    assertThat(http.toJson().getString("url")).isEqualTo("https://***@example.com/in?api_key=***&team=ops");
    assertThat(http.toString()).doesNotContain("pw1").doesNotContain("k1");
  }

  @Test
  void urlAndUrlEnvTogetherOrAMissingVariableAreRefused() {
    assertThat(problems(new JsonObject().put("type", "http").put("url", SECRET_URL).put("urlEnv", "SINK_URL")))
      .containsExactly("pipelines[0].sink.urlEnv: give url or urlEnv, not both");
    assertThat(problems(new JsonObject().put("type", "http").put("urlEnv", "NOPE")))
      .containsExactly("pipelines[0].sink.urlEnv: environment variable NOPE is not set");
    assertThat(problems(new JsonObject().put("type", "http").put("urlEnv", "EMPTY")))
      .containsExactly("pipelines[0].sink.urlEnv: environment variable EMPTY is empty");
  }

  @Test
  void aBadUrlIsReportedRedacted() {
    assertThat(problems(new JsonObject().put("type", "http").put("url", "ftp://ops:pw1@example.com/?token=k1")))
      .singleElement().asString().contains("ftp://***@example.com/?token=***").doesNotContain("pw1");
  }

  @Test
  void theEffectiveConfigurationShowsTheSourceUrlRedacted() {
    JsonObject root = withSink(new JsonObject().put("type", "log"));
    root.getJsonArray("pipelines").getJsonObject(0)
      .put("source", new JsonObject().put("type", "http-get").put("urlEnv", "SINK_URL"));
    PumpConfig config = bind(root);

    assertThat(config.pipelines().get(0).source().toString()).doesNotContain("pw1").doesNotContain("k1");
    assertThat(config.pipelines().get(0).toRedactedJson().encode()).doesNotContain("pw1").doesNotContain("k1");
  }
}
