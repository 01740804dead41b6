package dev.pump.config;

import dev.pump.PumpApplication;
import dev.pump.trigger.WebhookTrigger;
import dev.pump.trigger.WebhookTrigger.RateLimit;
import dev.pump.trigger.WebhookTrigger.Signature;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The webhook keys of a trigger entry and the server limits of {@code http}, bound and validated. */
class WebhookConfigTest {

  private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final Map<String, String> ENV = Map.of("HOOK_SECRET", "env-s3cr3t", "EMPTY", "",
    "HOOK_TOKEN", "env-t0ken");

  private static JsonObject withTrigger(JsonObject trigger) {
    return new JsonObject().put("pipelines", new JsonArray().add(new JsonObject()
      .put("id", "p")
      .put("source", new JsonObject().put("type", "clock"))
      .put("triggers", new JsonArray().add(trigger))
      .put("sink", new JsonObject().put("type", "log"))));
  }

  private static JsonObject webhook(Object... keysAndValues) {
    JsonObject trigger = new JsonObject().put("type", "webhook").put("id", "hook");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      trigger.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return trigger;
  }

  private static PumpConfig bind(JsonObject root) {
    return new ConfigBinder(Map.of()).withEnvironment(ENV::get).bind(root);
  }

  private static TriggerConfig.Webhook bindWebhook(Object... keysAndValues) {
    return (TriggerConfig.Webhook) bind(withTrigger(webhook(keysAndValues))).pipelines().get(0).triggers().get(0);
  }

  private static List<String> problems(Object... keysAndValues) {
    try {
      bind(withTrigger(webhook(keysAndValues)));
    } catch (InvalidConfigException e) {
      return e.problems();
    }
    throw new AssertionError("the configuration was accepted");
  }

  @Test
  void checkReadsSecretEnvFromTheEnvironmentItIsGiven(@TempDir Path dir) throws IOException {
    Path config = Files.writeString(dir.resolve("c.yaml"), """
      pipelines:
        - id: p
          source: { type: clock }
          triggers:
            - { type: webhook, id: hook, secretEnv: HOOK_SECRET }
          sink: { type: log }
      """);

    assertThat(ConfigValidationTest.execute(Map.of("HOOK_SECRET", "s3cret"), "check", config.toString()).status())
      .isZero();
    assertThat(ConfigValidationTest.execute(Map.of(), "check", config.toString()).err())
      .containsExactly("pipelines[0].triggers[0].secretEnv: environment variable HOOK_SECRET is not set");
  }

  @Test
  void aWebhookWithoutSettingsChecksNothingButTheDefaultRateLimit() {
    assertThat(bindWebhook()).isEqualTo(new TriggerConfig.Webhook("hook", "hook", "", Signature.NONE,
      Duration.ofMinutes(5), "", new RateLimit(100, Duration.ofSeconds(1), 100)));
  }

  @Test
  void everySettingIsBound() {
    assertThat(bindWebhook("secret", WHSEC, "tolerance", "2m", "token", "t0ken", "rateLimit", "10/m", "burst", 5))
      .isEqualTo(new TriggerConfig.Webhook("hook", "hook", WHSEC, Signature.STANDARD, Duration.ofMinutes(2), "t0ken",
        new RateLimit(10, Duration.ofMinutes(1), 5)));
    assertThat(bindWebhook("secret", "gh", "signature", "github").signature()).isEqualTo(Signature.GITHUB);
    assertThat(bindWebhook("rateLimit", "5/30s").rateLimit()).isEqualTo(new RateLimit(5, Duration.ofSeconds(30), 5));
    assertThat(bindWebhook("rateLimit", "off").rateLimit()).isNull();
    assertThat(bindWebhook("burst", 500).rateLimit()).isEqualTo(new RateLimit(100, Duration.ofSeconds(1), 500));
  }

  @Test
  void secretsComeFromTheEnvironmentWhenNamed() {
    TriggerConfig.Webhook hook = bindWebhook("secretEnv", "HOOK_SECRET", "tokenEnv", "HOOK_TOKEN");

    assertThat(hook.secret()).isEqualTo("env-s3cr3t");
    assertThat(hook.signature()).isEqualTo(Signature.STANDARD);
    assertThat(hook.token()).isEqualTo("env-t0ken");
  }

  @Test
  void aMissingOrEmptyVariableIsAProblemNamingIt() {
    assertThat(problems("secretEnv", "NO_SUCH_SECRET")).containsExactly(
      "pipelines[0].triggers[0].secretEnv: environment variable NO_SUCH_SECRET is not set");
    assertThat(problems("tokenEnv", "EMPTY")).containsExactly(
      "pipelines[0].triggers[0].tokenEnv: environment variable EMPTY is empty");
    assertThat(problems("secretEnv", "not a name")).containsExactly(
      "pipelines[0].triggers[0].secretEnv: must be the name of an environment variable (letters, digits, '_'), "
        + "got \"not a name\"");
  }

  @Test
  void brokenSettingsAreProblemsThatNeverShowASecret() {
    assertThat(problems("secret", "s", "secretEnv", "HOOK_SECRET")).containsExactly(
      "pipelines[0].triggers[0].secretEnv: give secret or secretEnv, not both");
    assertThat(problems("secret", "whsec_s3cr3t!")).containsExactly(
      "pipelines[0].triggers[0].secret: a secret starting with whsec_ must continue in base64");
    assertThat(problems("secret", 123456789)).containsExactly(
      "pipelines[0].triggers[0].secret: must be a string (put it in quotes)");
    assertThat(problems("token", "two words")).containsExactly(
      "pipelines[0].triggers[0].token: must be visible ASCII characters without spaces");
    assertThat(problems("signature", "github")).containsExactly(
      "pipelines[0].triggers[0].signature: needs a secret or secretEnv to check signatures with");
    assertThat(problems("secret", "s", "signature", "githb")).containsExactly(
      "pipelines[0].triggers[0].signature: must be standard (Standard Webhooks) or github, got \"githb\" "
        + "(did you mean 'github'?)");
    assertThat(problems("tolerance", "500ms")).containsExactly(
      "pipelines[0].triggers[0].tolerance: must be at least 1s, got \"500ms\"");
    assertThat(problems("rateLimit", "100")).containsExactly(
      "pipelines[0].triggers[0].rateLimit: must be <requests>/<period> such as 100/s, 600/m or 5/30s, or off; got "
        + "\"100\"");
    assertThat(problems("rateLimit", "0/s")).hasSize(1);
    assertThat(problems("rateLimit", "1/0s")).hasSize(1);
    assertThat(problems("rateLimit", "off", "burst", 5)).containsExactly(
      "pipelines[0].triggers[0].burst: has no meaning with rateLimit: off");
    assertThat(problems("burst", 0)).containsExactly(
      "pipelines[0].triggers[0].burst: must be between 1 and 1000000, got 0");
    assertThat(problems("sekret", "x")).singleElement().asString().contains("did you mean 'secret'?");
  }

  @Test
  void theEffectiveConfigurationShowsSettingsButNoSecret() {
    PumpConfig config = bind(withTrigger(webhook("secretEnv", "HOOK_SECRET", "token", "t0ken-xyz")));

    String shown = config.toRedactedJson().encode() + config;

    assertThat(shown).doesNotContain("env-s3cr3t", "t0ken-xyz");
    JsonObject hook = config.toRedactedJson().getJsonArray("pipelines").getJsonObject(0).getJsonArray("triggers")
      .getJsonObject(0);
    assertThat(hook).isEqualTo(new JsonObject().put("type", "webhook").put("id", "hook").put("name", "hook")
      .put("secret", "<redacted>").put("signature", "standard").put("tolerance", "5m").put("token", "<redacted>")
      .put("rateLimit", "100/s").put("burst", 100));
  }

  @Test
  void theServerLimitsHaveSafeDefaultsAndBounds() {
    PumpConfig defaults = bind(withTrigger(webhook()));
    assertThat(defaults.http().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.http().maxHeaderBytes()).isEqualTo(8192);

    JsonObject root = withTrigger(webhook()).put("http", new JsonObject().put("idleTimeout", "5s")
      .put("maxHeaderBytes", 16384));
    HttpConfig http = bind(root).http();
    assertThat(http.idleTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(http.serverOptions().getIdleTimeout()).isEqualTo(5000);
    assertThat(http.serverOptions().getMaxHeaderSize()).isEqualTo(16384);

    JsonObject broken = withTrigger(webhook()).put("http", new JsonObject().put("idleTimeout", "10ms")
      .put("maxHeaderBytes", 100));
    assertThatThrownBy(() -> bind(broken)).isInstanceOfSatisfying(InvalidConfigException.class, e ->
      assertThat(e.problems()).containsExactly(
        "http.idleTimeout: must be at least 100ms, got \"10ms\"",
        "http.maxHeaderBytes: must be between 1024 and 1048576, got 100"));
  }

  @Test
  void theAssemblerBuildsTheTriggerWithEverySetting() {
    PumpConfig config = bind(withTrigger(webhook("secret", "gh", "signature", "github", "tolerance", "1m",
      "token", "t0ken", "rateLimit", "off")));
    PumpApplication app = PumpApplication.create();
    try {
      PumpAssembler.addPipelines(app, config.pipelines());
      WebhookTrigger hook = app.webhook("hook").orElseThrow();
      assertThat(hook.signature()).isEqualTo(Signature.GITHUB);
      assertThat(hook.signingKey()).hasValueSatisfying(key -> assertThat(new String(key)).isEqualTo("gh"));
      assertThat(hook.tokenMatches("t0ken")).isTrue();
      assertThat(hook.tolerance()).isEqualTo(Duration.ofMinutes(1));
      assertThat(hook.rateLimit()).isEmpty();
    } finally {
      app.close().await();
    }
  }
}
