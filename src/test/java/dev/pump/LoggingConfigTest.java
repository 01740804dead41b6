package dev.pump;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's logback.xml ({@code src/main/service}, in the fat jar only) read as Logback reads it, with {@code PUMP_LOG_FORMAT} given as the property it
 * would find in the environment, and what it prints on standard output.
 */
class LoggingConfigTest {

  /** The service's, not on the library's class path: the shade step puts it in the fat jar. */
  static final Path SERVICE_CONFIG = Path.of("src/main/service/logback.xml");

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

  @AfterEach
  void restoreTheTestConfiguration() throws Exception {
    configure(getClass().getResource("/logback-test.xml"), null);
  }

  @Test
  void theDefaultFormatIsOneLineOfText() throws Exception {
    List<String> lines = logged(null);

    assertThat(lines).singleElement().asString().matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  dev\\.pump\\.PumpService "
      + "- vertx-pump listening on 127\\.0\\.0\\.1:8080 \\(\"quoted\"\\)");
  }

  @Test
  void jsonPrintsOneJsonObjectPerEventWithTheFormattedMessage() throws Exception {
    List<String> lines = logged("json");

    assertThat(lines).hasSize(1);
    JsonObject event = new JsonObject(lines.get(0));
    assertThat(event.getString("level")).isEqualTo("INFO");
    assertThat(event.getString("loggerName")).isEqualTo("dev.pump.PumpService");
    assertThat(event.getString("formattedMessage")).isEqualTo("vertx-pump listening on 127.0.0.1:8080 (\"quoted\")");
    assertThat(event.getLong("timestamp")).isPositive();
    assertThat(event.fieldNames()).doesNotContain("message", "arguments", "sequenceNumber", "context");
  }

  @Test
  void textCanBeAskedForByName() throws Exception {
    assertThat(logged("text")).singleElement().asString().contains(" INFO  dev.pump.PumpService - vertx-pump listening");
  }

  /** Configures Logback from logback.xml with the format, logs one event and returns what reached stdout. */
  private List<String> logged(String format) throws Exception {
    configure(format);
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      LoggerFactory.getLogger(PumpService.class).info("vertx-pump listening on {}:{} ({})", "127.0.0.1", 8080,
        "\"quoted\"");
    } finally {
      System.setOut(stdout);
    }
    return Arrays.stream(captured.toString(StandardCharsets.UTF_8).split("\n")).filter(l -> !l.isBlank()).toList();
  }

  private void configure(String format) throws Exception {
    configure(SERVICE_CONFIG.toUri().toURL(), format);
  }

  private void configure(URL config, String format) throws Exception {
    assertThat(config).as("a Logback configuration").isNotNull();
    context.reset();
    if (format != null) {
      context.putProperty("PUMP_LOG_FORMAT", format);
    }
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    long since = System.currentTimeMillis();
    configurator.doConfigure(config);
    // a warning or an error makes Logback print its whole status report at every start
    assertThat(new StatusUtil(context).getHighestLevel(since)).as("Logback's status").isLessThan(Status.WARN);
  }
}
