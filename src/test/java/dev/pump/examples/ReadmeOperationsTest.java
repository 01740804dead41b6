package dev.pump.examples;

import dev.pump.Main;
import dev.pump.PumpService;
import dev.pump.config.ConfigLoader;
import dev.pump.config.PumpConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's examples of README.md ("Probes", "API description", the client commands), run against the service started from the shipped
 * {@code conf/config.yaml} (on a free port, with a temporary {@code dataDir}): each {@code curl} line there
 * must answer what its comment says.
 */
@ExtendWith(VertxExtension.class)
class ReadmeOperationsTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final Pattern CURL = Pattern.compile("^curl -s localhost:8080(/\\S*)\\s+#\\s*(\\d{3})\\W");

  @TempDir
  Path dataDir;

  private PumpService service;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    PumpConfig config = new ConfigLoader(Map.of("PUMP_HTTP_PORT", "0", "PUMP_DATA_DIR", dataDir.toString()))
      .load(Path.of("conf/config.yaml"));
    service = PumpService.start(config).await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    service.close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void theProbesAnswerAsTheReadmeSays() throws Exception {
    List<String[]> probes = curlLines("### Probes");
    assertThat(probes).extracting(p -> p[0]).containsExactly("/health/live", "/health/ready");

    for (String[] probe : probes) {
      HttpResponse<Buffer> response = client.get(service.port(), "127.0.0.1", probe[0]).send()
        .await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(probe[0]).isEqualTo(Integer.parseInt(probe[1]));
      assertThat(response.bodyAsJsonObject().getString("outcome")).as(probe[0]).isEqualTo("UP");
    }
  }

  @Test
  void theOpenApiDocumentIsWhereTheReadmeSays() throws Exception {
    List<String[]> lines = curlLines("### API description");
    assertThat(lines).extracting(l -> l[0]).containsExactly("/openapi.json");

    HttpResponse<Buffer> response = client.get(service.port(), "127.0.0.1", lines.get(0)[0]).send()
      .await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(Integer.parseInt(lines.get(0)[1]));
    assertThat(response.bodyAsJsonObject().getString("openapi")).isEqualTo("3.1.0");
  }

  @Test
  void theClientCommandsWorkAsTheReadmeShows() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int at = readme.indexOf("The client commands talk to a running service");
    assertThat(at).isNotNegative();
    int open = readme.indexOf("```sh\n", at);
    List<String> lines = readme.substring(open + 6, readme.indexOf("```", open + 6)).lines().toList();
    assertThat(lines).hasSize(6);

    for (String line : lines) {
      String command = line.substring(0, line.indexOf(" #")).strip();
      String comment = line.substring(line.indexOf(" #") + 2).strip();
      assertThat(command).startsWith("java -jar target/vertx-pump.jar ");
      List<String> args = new ArrayList<>(words(command.substring("java -jar target/vertx-pump.jar ".length())));
      args.addAll(List.of("--url", "http://127.0.0.1:" + service.port()));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status = Main.execute(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());

      assertThat(status).as(line + "\n" + err).isZero();
      String printed = out.toString(StandardCharsets.UTF_8);
      if (comment.startsWith("a table")) {
        assertThat(printed).as(line).startsWith("ID ");
      } else if (comment.startsWith("prints its progress until done")) {
        assertThat(printed).as(line).startsWith("backfill ").contains(" done: 3 fired, 0 already fired,");
      } else if (comment.startsWith("ready")) {
        assertThat(printed).as(line).contains("READY").contains("heartbeat");
      } else {
        assertThat(printed).as(line).startsWith(comment.replace("...", "").strip());
      }
    }
  }

  /** Splits a command line at spaces, keeping single-quoted words whole (what the shell would pass). */
  private static List<String> words(String command) {
    List<String> words = new ArrayList<>();
    Matcher m = Pattern.compile("'([^']*)'|(\\S+)").matcher(command);
    while (m.find()) {
      words.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return words;
  }

  /** The {@code curl -s localhost:8080/PATH  # STATUS ...} lines of the first sh block under {@code heading}. */
  static List<String[]> curlLines(String heading) throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int at = readme.indexOf("\n" + heading + "\n");
    assertThat(at).as("README has a section '%s'", heading).isNotNegative();
    int open = readme.indexOf("```sh\n", at);
    String block = readme.substring(open + 6, readme.indexOf("```", open + 6));
    List<String[]> lines = new ArrayList<>();
    for (String line : block.split("\n")) {
      Matcher m = CURL.matcher(line);
      if (m.find()) {
        lines.add(new String[] {m.group(1), m.group(2)});
      }
    }
    return lines;
  }
}
