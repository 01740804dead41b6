package dev.pump.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code check} on files made to hurt: bounded in what they may cost, and every mistake named. */
class ConfigHostileInputTest {

  @TempDir
  Path dir;

  private ConfigValidationTest.Result check(String yaml) throws IOException {
    Path config = Files.writeString(dir.resolve("config.yaml"), yaml);
    return ConfigValidationTest.execute(Map.of(), "check", config.toString());
  }

  private static String pipeline(String sink) {
    return """
      pipelines:
        - id: p
          source: { type: clock }
          triggers: [ { type: runonce, id: once } ]
          sink: %s
      """.formatted(sink);
  }

  @Test
  void anAliasBombUnderTheAliasLimitIsRefusedBeforeItExpands() throws IOException {
    // 9 levels of 4 aliases each: 36 aliases, 4^9 = 262 144 values once expanded
    StringBuilder yaml = new StringBuilder("l0: &l0 {a: 1}\n");
    for (int level = 1; level <= 9; level++) {
      String previous = "*l" + (level - 1);
      yaml.append("l").append(level).append(": &l").append(level).append(" {a: ").append(previous)
        .append(", b: ").append(previous).append(", c: ").append(previous).append(", d: ").append(previous)
        .append("}\n");
    }

    ConfigValidationTest.Result result = check(yaml.toString());

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).singleElement().asString().contains("expands to more than 100000 values");
  }

  @Test
  void aDuplicateKeyIsRefusedWithTheLinesOfBoth() throws IOException {
    ConfigValidationTest.Result result = check("""
      dataDir: %s
      shutdownGrace: 5s
      dataDir: %s
      """.formatted(dir.resolve("a"), dir.resolve("b")) + pipeline("{ type: log }"));

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).singleElement().asString()
      .contains("line 3: key 'dataDir' is given twice in the same mapping (first at line 1)");
  }

  @Test
  void aDuplicateKeyDeepInsideIsFoundToo() throws IOException {
    ConfigValidationTest.Result result = check(pipeline("{ type: file, path: a.jsonl, path: b.jsonl }"));

    assertThat(result.err()).singleElement().asString().contains("key 'path' is given twice");
  }

  @Test
  void nestingBeyondTheLimitIsRefused() throws IOException {
    ConfigValidationTest.Result result = check("a: " + "[".repeat(60) + "]".repeat(60) + "\n");

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).singleElement().asString().containsIgnoringCase("nesting");
  }

  @Test
  void aDocumentOverTheSizeLimitIsRefused() throws IOException {
    ConfigValidationTest.Result result = check("# " + "x".repeat(YamlReader.MAX_CODE_POINTS + 10) + "\n");

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).singleElement().asString().contains("characters long; at most 1048576 are read");
  }

  @Test
  void rateLimitOffUnquotedIsAccepted() throws IOException {
    ConfigValidationTest.Result result = check("""
      pipelines:
        - id: p
          source: { type: clock }
          triggers: [ { type: webhook, id: hook, rateLimit: off } ]
          sink: { type: log }
      """);

    assertThat(result.err()).isEmpty();
    assertThat(result.status()).isZero();
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void aSinkPathUnderProcFailsCheck() throws IOException {
    ConfigValidationTest.Result result = check(pipeline("{ type: file, path: /proc/pump-events.jsonl }"));

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).singleElement().asString()
      .startsWith("pipelines[0].sink.path: cannot write to /proc/pump-events.jsonl: directory not writable: /proc");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void aDataDirThatCannotBeWrittenFailsCheck() throws IOException {
    ConfigValidationTest.Result result = check("dataDir: /proc/pump-data\n" + pipeline("{ type: log }"));

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).singleElement().asString()
      .startsWith("dataDir: \"/proc/pump-data\" cannot be written to: directory not writable: /proc");
  }

  @Test
  void aWritableConfigurationStillPasses() throws IOException {
    ConfigValidationTest.Result result = check("dataDir: " + dir.resolve("data") + "\n"
      + pipeline("{ type: file, path: " + dir.resolve("out/e.jsonl") + " }"));

    assertThat(result.err()).isEqualTo(List.of());
    assertThat(result.status()).isZero();
    assertThat(dir.resolve("out")).doesNotExist();
  }
}
