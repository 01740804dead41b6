package dev.pump.config;

import dev.pump.PumpApplication;
import dev.pump.pipeline.Durability;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipeline key {@code durability: none|journal}. */
class DurabilityConfigTest {

  @TempDir
  Path dir;

  private static PumpConfig bind(JsonObject pipeline) {
    JsonObject root = new JsonObject().put("pipelines", JsonArray.of(pipeline
      .put("id", "p")
      .put("source", new JsonObject().put("type", "clock"))
      .put("triggers", JsonArray.of(new JsonObject().put("type", "webhook").put("id", "hook")))
      .put("sink", new JsonObject().put("type", "log"))));
    return new ConfigBinder(Map.of()).bind(root);
  }

  @Test
  void aPipelineIsJournaledUnlessItSaysNone() {
    assertThat(bind(new JsonObject()).pipelines().get(0).durability()).isEqualTo(Durability.JOURNAL);
    assertThat(bind(new JsonObject().put("durability", "journal")).pipelines().get(0).durability())
      .isEqualTo(Durability.JOURNAL);
    assertThat(bind(new JsonObject().put("durability", "none")).pipelines().get(0).durability())
      .isEqualTo(Durability.NONE);
  }

  @Test
  void theAssembledPipelineCarriesItsDurability() throws Exception {
    PumpConfig config = bind(new JsonObject().put("durability", "none"));
    PumpApplication app = PumpAssembler.assemble(config, PumpApplication.builder());
    try {
      assertThat(app.pipeline("p").orElseThrow().durability()).isEqualTo(Durability.NONE);
    } finally {
      app.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void checkRejectsAnUnknownDurabilityNamingTheChoices() throws IOException {
    Path config = Files.writeString(dir.resolve("d.yaml"), """
      pipelines:
        - id: p
          durability: jounral
          source: { type: clock }
          triggers:
            - { type: runonce, id: once }
          sink: { type: log }
      """);

    ConfigValidationTest.Result result = ConfigValidationTest.execute(Map.of(), "check", config.toString());

    assertThat(result.err()).containsExactly(
      "pipelines[0].durability: must be none or journal, got \"jounral\" (did you mean 'journal'?)");
    assertThat(result.status()).isEqualTo(2);
  }
}
