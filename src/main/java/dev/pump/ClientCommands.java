package dev.pump;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The command line's client of a running service ({@code /api/*}): {@code triggers}, {@code pipelines},
 * {@code fire ID [--args JSON]}, {@code pause ID}, {@code resume ID}, {@code backfill ID --from ISO --to ISO}
 * and {@code backfill ID --cancel}. Each takes {@code --url} (default
 * {@code http://127.0.0.1:8080}) and {@code --token} (default {@code PUMP_API_TOKEN}, the variable the service
 * reads its token from). Exit status: 0 done; 2 refused (bad input here, or a 4xx answer: unknown id, bad
 * token, paused trigger), with the service's {@code error} on stderr; 1 service unreachable or a 5xx answer.
 */
final class ClientCommands {

  static final String DEFAULT_URL = "http://127.0.0.1:8080";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private ClientCommands() {
  }

  static void addTo(CommandLine cli, Main.Io io) {
    cli.addSubcommand(new Triggers(io));
    cli.addSubcommand(new Pipelines(io));
    cli.addSubcommand(new Fire(io));
    cli.addSubcommand(new Pause(io));
    cli.addSubcommand(new Resume(io));
    cli.addSubcommand(new BackfillCommand(io));
  }

  /** {@code --url} and {@code --token}, shared by every client command. */
  static final class Service {
    @Option(names = "--url", paramLabel = "URL", defaultValue = DEFAULT_URL,
      description = "the service (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN",
      description = "the service's http.apiToken (default: $PUMP_API_TOKEN; none: the service must be on this machine)")
    String token;
  }

  /** What every client command does: checks --url, sends one request, reports the answer. */
  private abstract static class ClientCommand implements Callable<Integer> {
    final Main.Io io;

    @Spec
    CommandSpec spec;

    @Mixin
    Service service;

    ClientCommand(Main.Io io) {
      this.io = io;
    }

    /** @return the exit status; prints the answer, or why there is none */
    int send(String method, String path, String body, Function<String, List<String>> print) {
      String name = spec.name();
      URI base;
      try {
        base = new URI(service.url.endsWith("/") ? service.url.substring(0, service.url.length() - 1) : service.url);
      } catch (URISyntaxException e) {
        base = null;
      }
      if (base == null || base.getHost() == null
          || !("http".equals(base.getScheme()) || "https".equals(base.getScheme()))) {
        return Main.usageError(spec.commandLine(), name + ": --url must be an http or https URL such as "
          + DEFAULT_URL + ", got \"" + service.url + "\"");
      }
      String token = service.token != null ? service.token : io.env().getOrDefault("PUMP_API_TOKEN", "");
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      if (body != null) {
        request.header("Content-Type", "application/json");
      }
      if (!token.isEmpty()) {
        request.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> response;
      try {
        response = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()
          .send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        String why = e instanceof ConnectException && e.getMessage() == null ? "connection refused"
          : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        io.err().println(name + ": cannot reach the service at " + base + ": " + why);
        return Main.FAILED;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Main.FAILED;
      }
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        print.apply(response.body()).forEach(io.out()::println);
        return Main.OK;
      }
      io.err().println(name + ": " + errorOf(response.body()) + " (HTTP " + status + ")");
      return status >= 500 ? Main.FAILED : Main.INVALID;
    }

    static String errorOf(String body) {
      try {
        String error = new JsonObject(body).getString("error");
        return error != null ? error : body;
      } catch (DecodeException | ClassCastException e) {
        return body.isBlank() ? "no explanation" : body.strip();
      }
    }

    static String segment(String id) {
      return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
  }

  @Command(name = "triggers", description = "Lists the triggers of a running service: id, type, paused, fires, "
    + "last and next fire time.")
  static final class Triggers extends ClientCommand {
    @Option(names = "--json", description = "print the service's JSON instead of a table")
    boolean json;

    Triggers(Main.Io io) {
      super(io);
    }

    @Override
    public Integer call() {
      return send("GET", "/api/triggers", null, body -> json ? List.of(new JsonArray(body).encodePrettily())
        : table(new JsonArray(body), List.of("ID", "TYPE", "PAUSED", "FIRES", "LAST FIRED", "NEXT FIRE"),
          t -> List.of(t.getString("id"), t.getString("type"), t.getBoolean("paused", false) ? "yes" : "no",
            String.valueOf(t.getLong("fireCount", 0L)), orDash(t.getString("lastFiredAt")),
            orDash(t.getString("nextFireAt")))));
    }
  }

  @Command(name = "pipelines", description = "Lists the pipelines of a running service: ready, events in and "
    + "out, errors, and why one is not ready.")
  static final class Pipelines extends ClientCommand {
    @Option(names = "--json", description = "print the service's JSON instead of a table")
    boolean json;

    Pipelines(Main.Io io) {
      super(io);
    }

    @Override
    public Integer call() {
      return send("GET", "/api/pipelines", null, body -> json ? List.of(new JsonArray(body).encodePrettily())
        : table(new JsonArray(body), List.of("ID", "READY", "EVENTS IN", "EVENTS OUT", "ERRORS", "WHY NOT READY"),
          p -> {
            JsonObject counters = p.getJsonObject("counters", new JsonObject());
            return List.of(p.getString("id"), p.getBoolean("ready", false) ? "yes" : "no",
              String.valueOf(counters.getLong("eventsIn", 0L)), String.valueOf(counters.getLong("eventsOut", 0L)),
              String.valueOf(counters.getLong("errors", 0L)), whyNotReady(p));
          }));
    }

    private static String whyNotReady(JsonObject pipeline) {
      List<String> reasons = new ArrayList<>();
      JsonObject error = pipeline.getJsonObject("error");
      if (error != null) {
        reasons.add("error: " + error.getString("message"));
      }
      JsonArray throttles = pipeline.getJsonArray("throttles", new JsonArray());
      if (!throttles.isEmpty()) {
        reasons.add("throttled by " + String.join(", ", throttles.stream().map(String::valueOf).toList()));
      }
      return reasons.isEmpty() ? "-" : String.join("; ", reasons);
    }
  }

  @Command(name = "fire", description = "Fires a trigger of a running service now; prints the firing's id.")
  static final class Fire extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "the trigger's id")
    String id;

    @Option(names = "--args", paramLabel = "JSON", description = "a JSON object, the event's args (default: {})")
    String args;

    Fire(Main.Io io) {
      super(io);
    }

    @Override
    public Integer call() {
      String body = "{}";
      if (args != null) {
        try {
          body = new JsonObject(args).encode();
        } catch (DecodeException | ClassCastException e) {
          return Main.usageError(spec.commandLine(), "fire: --args must be a JSON object such as '{\"by\": \"me\"}', "
            + "got " + args);
        }
      }
      return send("POST", "/api/triggers/" + segment(id) + "/fire", body, answer -> {
        JsonObject fired = new JsonObject(answer);
        return List.of("fired " + fired.getString("trigger") + ": firing " + fired.getString("firing"));
      });
    }
  }

  /** {@code pause ID} and {@code resume ID}. */
  private abstract static class PauseOrResume extends ClientCommand {
    private final boolean pause;

    @Parameters(paramLabel = "ID", description = "the trigger's id")
    String id;

    PauseOrResume(Main.Io io, boolean pause) {
      super(io);
      this.pause = pause;
    }

    @Override
    public Integer call() {
      return send("POST", "/api/triggers/" + segment(id) + (pause ? "/pause" : "/resume"), "", answer ->
        List.of((pause ? "paused " : "resumed ") + new JsonObject(answer).getString("id")));
    }
  }

  @Command(name = "pause", description = "Pauses a trigger of a running service: its fires are skipped until resumed.")
  static final class Pause extends PauseOrResume {
    Pause(Main.Io io) {
      super(io, true);
    }
  }

  @Command(name = "resume", description = "Resumes a paused trigger of a running service.")
  static final class Resume extends PauseOrResume {
    Resume(Main.Io io) {
      super(io, false);
    }
  }

  @Command(name = "backfill", description = {"Fires every slot of a time trigger of a running service in [--from, "
    + "--to) once, oldest first, at --rate slots per second; a repeated backfill fires nothing twice. Prints the "
    + "progress until it is done (exit 0) or cancelled (exit 1); --no-wait prints the backfill's id and returns.",
    "backfill ID --cancel cancels the trigger's running backfill."})
  static final class BackfillCommand extends ClientCommand {
    /** How often a waiting backfill asks for the progress. */
    static final Duration POLL_EVERY = Duration.ofMillis(500);

    @Parameters(paramLabel = "ID", description = "the time trigger's id")
    String id;

    @Option(names = "--from", paramLabel = "ISO", description = "the first instant of the range, e.g. 2026-03-01T00:00:00Z")
    String from;

    @Option(names = "--to", paramLabel = "ISO", description = "the end of the range (excluded), not in the future")
    String to;

    @Option(names = "--rate", paramLabel = "N", description = "slots per second, 1-1000 (default: the service's, 10)")
    Integer rate;

    @Option(names = "--no-wait", description = "print the backfill's id and return at once")
    boolean noWait;

    @Option(names = "--cancel", description = "cancel the trigger's running backfill instead")
    boolean cancel;

    /** The last answer of the service, kept by the print functions. */
    private JsonObject progress;

    BackfillCommand(Main.Io io) {
      super(io);
    }

    @Override
    public Integer call() throws InterruptedException {
      String path = "/api/triggers/" + segment(id) + "/backfill";
      if (cancel) {
        if (from != null || to != null || rate != null || noWait) {
          return Main.usageError(spec.commandLine(), "backfill: --cancel takes no --from, --to, --rate or --no-wait");
        }
        return send("DELETE", path, null, answer -> {
          JsonObject done = new JsonObject(answer);
          String state = done.getString("state");
          // the trigger's last backfill may have ended before the request: say so rather than "cancelled"
          return List.of(("cancelled".equals(state) ? "cancelled backfill " : "backfill ") + done.getString("id")
            + " of " + done.getString("trigger") + ("cancelled".equals(state) ? "" : " had already ended (" + state + ")")
            + ": " + counts(done));
        });
      }
      if (from == null || to == null) {
        return Main.usageError(spec.commandLine(), "backfill: --from and --to are required (ISO-8601 instants such as "
          + "2026-03-01T00:00:00Z), or --cancel");
      }
      JsonObject body = new JsonObject().put("from", from).put("to", to);
      if (rate != null) {
        body.put("rate", rate);
      }
      int status = send("POST", path, body.encode(), answer -> {
        progress = new JsonObject(answer);
        return List.of("backfill " + progress.getString("id") + " of " + progress.getString("trigger") + ": "
          + progress.getLong("slots") + " slot(s) from " + progress.getString("from") + " to " + progress.getString("to")
          + " at " + progress.getInteger("rate") + "/s" + (noWait ? "" : "; waiting (Ctrl-C stops waiting, not the backfill)"));
      });
      if (status != Main.OK || noWait) {
        return status;
      }
      String started = progress.getString("id");
      String shown = counts(progress);
      while ("running".equals(progress.getString("state"))) {
        Thread.sleep(POLL_EVERY.toMillis());
        status = send("GET", path, null, answer -> {
          progress = new JsonObject(answer);
          return List.of();
        });
        if (status != Main.OK) {
          return status;
        }
        if (!started.equals(progress.getString("id"))) {
          io.err().println("backfill: backfill " + started + " was replaced by backfill " + progress.getString("id"));
          return Main.FAILED;
        }
        String now = counts(progress);
        if (!now.equals(shown) && "running".equals(progress.getString("state"))) {
          io.out().println(now + (progress.getBoolean("waitingWhilePaused", false) ? " (waiting: the trigger is paused)" : ""));
          shown = now;
        }
      }
      String state = progress.getString("state");
      io.out().println("backfill " + started + " " + state + ": " + counts(progress));
      return "done".equals(state) ? Main.OK : Main.FAILED;
    }

    private static String counts(JsonObject progress) {
      return progress.getLong("fired", 0L) + " fired, " + progress.getLong("alreadyFired", 0L) + " already fired, "
        + progress.getLong("notClaimed", 0L) + " not claimed, " + progress.getLong("excluded", 0L) + " excluded, "
        + progress.getLong("left", 0L) + " left of " + progress.getLong("slots", 0L);
    }
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }

  /** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
  static List<String> table(JsonArray rows, List<String> headings, Function<JsonObject, List<String>> cells) {
    List<List<String>> lines = new ArrayList<>();
    lines.add(headings);
    rows.forEach(row -> lines.add(cells.apply((JsonObject) row)));
    int[] widths = new int[headings.size()];
    for (List<String> line : lines) {
      for (int i = 0; i < line.size(); i++) {
        widths[i] = Math.max(widths[i], line.get(i).length());
      }
    }
    List<String> out = new ArrayList<>();
    for (List<String> line : lines) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < line.size(); i++) {
        text.append(i == line.size() - 1 ? line.get(i) : String.format("%-" + widths[i] + "s  ", line.get(i)));
      }
      out.add(text.toString().stripTrailing());
    }
    return out;
  }
}
