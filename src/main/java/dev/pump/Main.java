package dev.pump;

import dev.pump.config.ConfigLoader;
import dev.pump.config.InvalidConfigException;
import dev.pump.config.PumpConfig;
import dev.pump.trigger.CronSchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * The command line of the fat jar (docs/interface.md, "Command line"):
 * <pre>
 * java -jar vertx-pump.jar [run [PATH]]     run the service (default conf/config.yaml)
 * java -jar vertx-pump.jar check PATH       validate a configuration
 * java -jar vertx-pump.jar next "EXPR" [--zone ZONE] [--from ISO_INSTANT] [-n N]
 * </pre>
 * Exit status: 0 ok, 1 failed start (one line on stderr) or unexpected failure, 2 invalid input (every
 * problem on stderr, one per line).
 * {@link #execute} does the work and returns the status, so tests run every command in-process;
 * only {@link #main} calls {@link System#exit}.
 */
public final class Main {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int INVALID = 2;

  static final int DEFAULT_NEXT = 5;
  static final int MAX_NEXT = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  static final String USAGE = String.join(System.lineSeparator(),
    "Usage: java -jar vertx-pump.jar [COMMAND]",
    "",
    "Commands:",
    "  run [PATH]      run the service with the configuration at PATH (default " + ConfigLoader.DEFAULT_PATH
      + " in the working directory, else next to the jar);",
    "                  SIGTERM or SIGINT stops it gracefully",
    "  check PATH      validate a configuration: exit 0 when valid, 2 with every problem on stderr",
    "  next \"EXPR\" [--zone ZONE] [--from ISO_INSTANT] [-n N]",
    "                  print the next N (default 5) fire times of a cron expression, one per line,",
    "                  as ISO-8601 with the offset of ZONE (default: the system zone); a slot moved",
    "                  out of a daylight-saving gap is marked \"(shifted: ...)\"",
    "  --help          print this help",
    "  --version       print the version",
    "",
    "Environment overrides: PUMP_HTTP_HOST, PUMP_HTTP_PORT, PUMP_API_TOKEN, PUMP_DATA_DIR,",
    "  PUMP_CLUSTER_ENABLED, PUMP_CLUSTER_HOST, PUMP_CLUSTER_PORT, PUMP_CLUSTER_MEMBERS (comma separated)",
    "Exit status: 0 ok, 1 failed start or unexpected failure (one line on stderr), 2 invalid input");

  private Main() {
  }

  public static void main(String[] args) {
    int status = execute(args, System.out, System.err, System.getenv());
    // never reached from an event loop: this is the main thread
    System.exit(status);
  }

  /**
   * Runs one command.
   *
   * @param env where the {@code PUMP_*} overrides are read from
   * @return the exit status: 0 ok, 1 unexpected failure, 2 invalid input
   */
  public static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    String command = rest.isEmpty() ? "run" : rest.remove(0);
    try {
      return switch (command) {
        case "run" -> run(rest, err, env);
        case "check" -> check(rest, out, err, env);
        case "next" -> next(rest, out, err);
        case "--help", "-h", "help" -> {
          out.println(USAGE);
          yield OK;
        }
        case "--version", "-V" -> {
          out.println("vertx-pump " + version());
          yield OK;
        }
        default -> usageError(err, "unknown command '" + command + "'");
      };
    } catch (RuntimeException e) {
      LOG.error("Unexpected failure", e);
      err.println("vertx-pump: unexpected failure: " + describe(e));
      return FAILED;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // run and check

  private static int run(List<String> args, PrintStream err, Map<String, String> env) {
    if (args.size() > 1) {
      return usageError(err, "run: expected at most one PATH, got " + args.size() + " arguments");
    }
    Path path;
    if (args.isEmpty()) {
      List<Path> tried = defaultConfigCandidates(Path.of("").toAbsolutePath(), jarFolder());
      Optional<Path> found = tried.stream().filter(Files::isRegularFile).findFirst();
      if (found.isEmpty()) {
        err.println("run: no configuration given, and none at " + tried.stream().map(Path::toString)
          .collect(Collectors.joining(", ")) + "; give one: run PATH");
        return INVALID;
      }
      path = found.get();
      LOG.info("Configuration: {}", path);
    } else {
      path = path(args.get(0));
      if (path == null) {
        return usageError(err, "run: not a valid path: " + args.get(0));
      }
    }
    PumpConfig config;
    try {
      config = new ConfigLoader(env).load(path);
    } catch (InvalidConfigException e) {
      e.problems().forEach(err::println);
      return INVALID;
    }
    PumpService service;
    try {
      service = PumpService.start(config).toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof InvalidConfigException invalid) {
        invalid.problems().forEach(err::println);
        return INVALID;
      }
      // ONE line says why (the start has undone itself by now); the stack trace is for debugging only
      Throwable cause = e.getCause();
      LOG.debug("vertx-pump failed to start", cause);
      err.println("vertx-pump: failed to start: " + describe(cause));
      return FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FAILED;
    }
    service.closeOnShutdown();
    try {
      service.awaitClosed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return OK;
  }

  /**
   * Where {@code run} without a PATH looks, in order: {@code conf/config.yaml} in the working
   * directory, then next to the jar ({@code <jar folder>/conf/}) and in the folder above it (the
   * checkout, for {@code target/vertx-pump.jar}), so the jar runs from any directory.
   */
  static List<Path> defaultConfigCandidates(Path workingDir, Optional<Path> jarFolder) {
    List<Path> candidates = new ArrayList<>();
    candidates.add(workingDir.resolve(ConfigLoader.DEFAULT_PATH));
    jarFolder.ifPresent(folder -> {
      candidates.add(folder.resolve(ConfigLoader.DEFAULT_PATH));
      if (folder.getParent() != null) {
        candidates.add(folder.getParent().resolve(ConfigLoader.DEFAULT_PATH));
      }
    });
    return candidates.stream().map(Path::normalize).distinct().toList();
  }

  /** @return the folder holding the jar (or the classes folder) this class was loaded from */
  private static Optional<Path> jarFolder() {
    try {
      CodeSource source = Main.class.getProtectionDomain().getCodeSource();
      return source == null ? Optional.empty()
        : Optional.ofNullable(Path.of(source.getLocation().toURI()).toAbsolutePath().getParent());
    } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
      return Optional.empty();
    }
  }

  private static int check(List<String> args, PrintStream out, PrintStream err, Map<String, String> env) {
    if (args.size() != 1) {
      return usageError(err, args.isEmpty() ? "check: missing PATH" : "check: expected one PATH, got "
        + args.size() + " arguments");
    }
    Path path = path(args.get(0));
    if (path == null) {
      return usageError(err, "check: not a valid path: " + args.get(0));
    }
    try {
      PumpConfig config = new ConfigLoader(env).load(path);
      long triggers = config.pipelines().stream().mapToLong(p -> p.triggers().size()).sum();
      out.println(path + ": valid (" + config.pipelines().size() + " pipeline(s), " + triggers + " trigger(s))");
      return OK;
    } catch (InvalidConfigException e) {
      e.problems().forEach(err::println);
      return INVALID;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // next

  private static int next(List<String> args, PrintStream out, PrintStream err) {
    String expression = null;
    String zoneText = null;
    String fromText = null;
    String countText = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String option = arg.contains("=") && arg.startsWith("-") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (option.equals("--zone") || option.equals("--from") || option.equals("-n")) {
        String value;
        if (!option.equals(arg)) {
          value = arg.substring(arg.indexOf('=') + 1);
        } else if (i + 1 < args.size()) {
          value = args.get(++i);
        } else {
          return usageError(err, "next: " + option + " needs a value");
        }
        switch (option) {
          case "--zone" -> zoneText = value;
          case "--from" -> fromText = value;
          default -> countText = value;
        }
      } else if (arg.startsWith("-") && arg.length() > 1) {
        return usageError(err, "next: unknown option '" + arg + "'");
      } else if (expression == null) {
        expression = arg;
      } else {
        return usageError(err, "next: expected ONE cron expression in quotes, e.g. next \"*/5 * * * *\"; "
          + "got a second argument '" + arg + "'");
      }
    }
    if (expression == null) {
      return usageError(err, "next: missing the cron expression, e.g. next \"*/5 * * * *\"");
    }
    List<String> problems = new ArrayList<>();
    ZoneId zone = ZoneId.systemDefault();
    if (zoneText != null) {
      try {
        zone = ZoneId.of(zoneText);
      } catch (DateTimeException e) {
        problems.add("--zone: unknown time zone \"" + zoneText + "\" (use a region such as Europe/Prague, UTC, "
          + "or an offset such as +02:00)");
      }
    }
    Instant from = Instant.now();
    if (fromText != null) {
      from = instant(fromText);
      if (from == null) {
        problems.add("--from: must be an ISO-8601 instant such as 2026-03-30T07:00:00Z, got \"" + fromText + "\"");
      }
    }
    int count = DEFAULT_NEXT;
    if (countText != null) {
      count = countText.matches("\\d{1,4}") ? Integer.parseInt(countText) : -1;
      if (count < 1 || count > MAX_NEXT) {
        problems.add("-n: must be a whole number from 1 to " + MAX_NEXT + ", got \"" + countText + "\"");
      }
    }
    CronSchedule schedule = null;
    try {
      schedule = CronSchedule.parse(expression, zone);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      problems.forEach(err::println);
      return INVALID;
    }
    // parse refuses a schedule that never fires; with the default policy, one that fires does until Instant.MAX
    for (Instant instant : schedule.next(from, count)) {
      String time = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atZone(zone));
      out.println(schedule.isShifted(instant) ? time + " (shifted: the slot's local time does not exist that day)" : time);
    }
    return OK;
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException again) {
        return null;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static int usageError(PrintStream err, String message) {
    err.println(message);
    err.println(USAGE);
    return INVALID;
  }

  private static Path path(String text) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  /** @return the build's version ({@link BuildInfo}) */
  static String version() {
    return BuildInfo.version();
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
