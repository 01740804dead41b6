package dev.pump;

import dev.pump.config.ConfigLoader;
import dev.pump.config.InvalidConfigException;
import dev.pump.config.PumpConfig;
import dev.pump.trigger.CronSchedule;
import dev.pump.trigger.Zones;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * The command line of the fat jar (docs/interface.md, "Command line"), on picocli:
 * <pre>
 * java -jar vertx-pump.jar [run [PATH]]     run the service (default conf/config.yaml)
 * java -jar vertx-pump.jar check PATH       validate a configuration
 * java -jar vertx-pump.jar next "EXPR" [--zone ZONE] [--from ISO_INSTANT] [-n N]
 * java -jar vertx-pump.jar triggers|pipelines|fire ID|pause ID|resume ID [--url URL] [--token TOKEN]
 * </pre>
 * Every command answers {@code --help}; {@code --version} prints the build's version. Exit status: 0 ok, 1
 * failed start, unreachable service or unexpected failure (one line on stderr), 2 invalid input (every
 * problem on stderr, one per line). The client commands are in {@link ClientCommands}.
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
   * @param env where the {@code PUMP_*} overrides (and the client commands' default token) are read from
   * @return the exit status: 0 ok, 1 failure, 2 invalid input
   */
  public static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    return commandLine(out, err, env).execute(args);
  }

  /** The whole command tree, writing to {@code out} and {@code err}. */
  static CommandLine commandLine(PrintStream out, PrintStream err, Map<String, String> env) {
    Io io = new Io(out, err, env);
    CommandLine cli = new CommandLine(new Root(io));
    cli.addSubcommand(new Run(io));
    cli.addSubcommand(new Check(io));
    cli.addSubcommand(new Next(io));
    ClientCommands.addTo(cli, io);
    cli.addSubcommand(new CommandLine.HelpCommand());
    // set after the subcommands inherited the root's attributes: theirs are generated
    cli.getCommandSpec().usageMessage().customSynopsis("java -jar vertx-pump.jar [COMMAND]");
    for (CommandLine withEnvironment : List.of(cli, cli.getSubcommands().get("run"), cli.getSubcommands().get("check"))) {
      withEnvironment.getCommandSpec().usageMessage().footer(footer());
    }
    // "@daily" is a cron macro, not a file of arguments
    cli.setExpandAtFiles(false);
    cli.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cli.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    cli.setUsageHelpWidth(100);
    cli.setParameterExceptionHandler((e, args) -> {
      CommandLine where = e.getCommandLine();
      boolean top = where.getParent() == null;
      String message = top && e instanceof CommandLine.UnmatchedArgumentException unmatched
        && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")
        ? "unknown command '" + unmatched.getUnmatched().get(0) + "'"
        : (top ? "" : where.getCommandName() + ": ") + e.getMessage();
      return usageError(where, message);
    });
    cli.setExecutionExceptionHandler((e, where, parsed) -> {
      LOG.error("Unexpected failure", e);
      where.getErr().println("vertx-pump: unexpected failure: " + describe(e));
      return FAILED;
    });
    return cli;
  }

  /** Where a command writes, and the environment it reads. */
  record Io(PrintStream out, PrintStream err, Map<String, String> env) {
  }

  /** Prints the message and the command's usage on stderr; returns {@link #INVALID}. */
  static int usageError(CommandLine command, String message) {
    command.getErr().println(message);
    command.usage(command.getErr());
    return INVALID;
  }

  /** Lines for the usage's footer: every {@code PUMP_*} variable and what it sets, then the exit codes. */
  static String[] footer() {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("Environment (run and check):");
    ConfigLoader.environmentVariables().forEach((variable, what) ->
      lines.add(String.format("  %-29s %s", variable, what.startsWith("log format") ? what : "overrides " + what
        + (variable.equals("PUMP_CLUSTER_MEMBERS") ? " (comma separated)" : ""))));
    lines.add("");
    lines.add("Exit status: 0 ok, 1 failed start, unreachable service or unexpected failure (one line on stderr),");
    lines.add("  2 invalid input (every problem on stderr, one per line)");
    return lines.toArray(String[]::new);
  }

  /** {@code --version} of every command. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vertx-pump " + version()};
    }
  }

  @Command(name = "java -jar vertx-pump.jar", scope = CommandLine.ScopeType.INHERIT, mixinStandardHelpOptions = true,
    versionProvider = Version.class, sortOptions = false, synopsisSubcommandLabel = "[COMMAND]",
    description = "Triggers, sources and pipelines on Vert.x. Without a command: run.",
    commandListHeading = "%nCommands:%n")
  static final class Root implements Callable<Integer> {
    private final Io io;

    @Spec
    CommandSpec spec;

    Root(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      return Run.run(spec.commandLine(), null, io.env());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // run and check

  @Command(name = "run", description = {"Runs the service with the configuration at PATH (default "
    + "conf/config.yaml in the working directory, else next to the jar).",
    "SIGTERM or SIGINT stops it gracefully."})
  static final class Run implements Callable<Integer> {
    private final Io io;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "PATH", description = "the configuration (YAML)")
    String path;

    Run(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      return run(spec.commandLine(), path, io.env());
    }

    static int run(CommandLine command, String pathText, Map<String, String> env) {
      PrintWriter err = command.getErr();
      Path path;
      if (pathText == null) {
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
        path = path(pathText);
        if (path == null) {
          return usageError(command, "run: not a valid path: " + pathText);
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

  @Command(name = "check", description = "Validates a configuration: exit 0 when valid, 2 with every problem on stderr.")
  static final class Check implements Callable<Integer> {
    private final Io io;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "PATH", description = "the configuration (YAML)")
    String path;

    Check(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      if (path == null) {
        return usageError(spec.commandLine(), "check: missing PATH");
      }
      Path file = path(path);
      if (file == null) {
        return usageError(spec.commandLine(), "check: not a valid path: " + path);
      }
      try {
        PumpConfig config = new ConfigLoader(io.env()).load(file);
        long triggers = config.pipelines().stream().mapToLong(p -> p.triggers().size()).sum();
        io.out().println(file + ": valid (" + config.pipelines().size() + " pipeline(s), " + triggers
          + " trigger(s))");
        return OK;
      } catch (InvalidConfigException e) {
        e.problems().forEach(io.err()::println);
        return INVALID;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // next

  @Command(name = "next", description = {"Prints the next N fire times of a cron expression, one per line, as "
    + "ISO-8601 with the offset of ZONE; a slot moved out of a daylight-saving gap is marked \"(shifted: ...)\".",
    "Example: next \"0 9 * * 1-5\" --zone Europe/Prague -n 3"})
  static final class Next implements Callable<Integer> {
    private final Io io;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "\"EXPR\"", description = "the cron expression, in quotes")
    List<String> expression = new ArrayList<>();

    @Option(names = "--zone", paramLabel = "ZONE", description = "a region or an offset (default: the system zone)")
    String zoneText;

    @Option(names = "--from", paramLabel = "ISO_INSTANT", description = "start after this instant (default: now)")
    String fromText;

    @Option(names = "-n", paramLabel = "N", description = "how many (default " + DEFAULT_NEXT + ", at most "
      + MAX_NEXT + ")")
    String countText;

    Next(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      if (expression.isEmpty()) {
        return usageError(spec.commandLine(), "next: missing the cron expression, e.g. next \"*/5 * * * *\"");
      }
      if (expression.size() > 1) {
        return usageError(spec.commandLine(), "next: expected ONE cron expression in quotes, e.g. next "
          + "\"*/5 * * * *\"; got a second argument '" + expression.get(1) + "'");
      }
      return next(expression.get(0), zoneText, fromText, countText, io.out(), io.err());
    }
  }

  private static int next(String expression, String zoneText, String fromText, String countText, PrintStream out,
                          PrintStream err) {
    List<String> problems = new ArrayList<>();
    ZoneId zone = ZoneId.systemDefault();
    if (zoneText != null) {
      try {
        zone = Zones.parse(zoneText);
      } catch (IllegalArgumentException e) {
        problems.add("--zone: " + e.getMessage());
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

  /** Instant.parse takes an offset as well as Z (Java 12+), as {@code /api/cron/next} does: one rule for both. */
  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------

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
