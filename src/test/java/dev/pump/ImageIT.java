package dev.pump;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The container image that {@code mvn -Pimage package} writes ({@code target/vertx-pump-image.tar}, what
 * {@code docker save} writes and {@code docker load} reads), checked without a Docker engine: its configuration
 * (a non-root numeric user, an entrypoint running the fat jar, the ports, the volumes, JVM flags sized for a
 * container, the OCI labels) and its files (the jar this build made, the example {@code conf/}, a {@code data/}
 * the user's group can write, the {@code java} the entrypoint names). Without the profile there is no tar and
 * every test is skipped, saying so; with it ({@code pump.imageRequired}), a missing tar fails.
 */
class ImageIT {

  private static final String APP_JAR = "app/vertx-pump.jar";

  private static Path tar;
  private static JsonObject manifest;
  private static JsonObject config;
  /** Every path of every layer, without a leading slash, with what the upper-most layer holding it says. */
  private static Map<String, TarEntry> files;

  @BeforeAll
  static void readTheImage() throws IOException {
    tar = Path.of(System.getProperty("pump.imageTar", "target/vertx-pump-image.tar"));
    if (!Files.exists(tar)) {
      if (Boolean.getBoolean("pump.imageRequired")) {
        fail("the profile image is on but " + tar + " was not written");
      }
      return;
    }
    Map<String, Long[]> outer = index(tar);
    JsonArray manifests = new JsonArray(new String(read(tar, outer, "manifest.json"), StandardCharsets.UTF_8));
    assertThat(manifests).as("images in the tar").hasSize(1);
    manifest = manifests.getJsonObject(0);
    config = new JsonObject(new String(read(tar, outer, manifest.getString("Config")), StandardCharsets.UTF_8));
    files = new LinkedHashMap<>();
    for (Object layer : manifest.getJsonArray("Layers")) {
      Long[] at = outer.get((String) layer);
      assertThat(at).as("layer " + layer + " in the tar").isNotNull();
      try (FileChannel channel = FileChannel.open(tar)) {
        InputStream in = new BufferedInputStream(bounded(Channels.newInputStream(channel.position(at[0])), at[1]));
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        readLayer(gzip ? new GZIPInputStream(in, 1 << 16) : in, files);
      }
    }
  }

  /** Each test, not the class, is skipped: a skipped class would count no test at all. */
  @BeforeEach
  void skipWithoutTheImage() {
    assumeTrue(config != null, "no image at " + tar + ": only `mvn -Pimage package` builds it (docs/operations.md)");
  }

  @Test
  void theTarNamesTheImageAsComposeAndKubernetesDo() {
    assertThat(strings(manifest.getJsonArray("RepoTags"))).containsExactly("vertx-pump:" + BuildInfo.version());
  }

  @Test
  void runsTheFatJarAsANonRootNumericUser() {
    JsonObject container = config.getJsonObject("config");

    String user = container.getString("User");
    assertThat(user).as("User").matches("\\d+(:\\d+)?");
    assertThat(Integer.parseInt(user.split(":")[0])).as("uid").isNotZero();
    assertThat(strings(container.getJsonArray("Entrypoint"))).containsExactly("java", "-jar", "/" + APP_JAR);
    assertThat(strings(container.getJsonArray("Cmd"))).containsExactly("run", "/app/conf/config.yaml");
    assertThat(container.getString("WorkingDir")).isEqualTo("/app");
  }

  @Test
  void exposesHttpAndHazelcastAndDeclaresConfAndDataVolumes() {
    JsonObject container = config.getJsonObject("config");

    assertThat(container.getJsonObject("ExposedPorts").fieldNames()).containsExactlyInAnyOrder("8080/tcp", "5701/tcp");
    assertThat(container.getJsonObject("Volumes").fieldNames()).containsExactlyInAnyOrder("/app/conf", "/app/data");
  }

  @Test
  void sizesTheHeapFromTheContainersLimitAndListensOnEveryInterface() {
    Map<String, String> env = env();

    assertThat(env.get("JAVA_TOOL_OPTIONS")).as("JAVA_TOOL_OPTIONS")
      .containsPattern("-XX:MaxRAMPercentage=\\d+").contains("-XX:+ExitOnOutOfMemoryError")
      .doesNotContain("-Xmx");
    assertThat(env).containsEntry("PUMP_HTTP_HOST", "0.0.0.0").containsEntry("PUMP_DATA_DIR", "/app/data");
  }

  @Test
  void carriesTheOciLabelsOfThisBuild() throws Exception {
    Map<String, Object> labels = config.getJsonObject("config").getJsonObject("Labels").getMap();

    assertThat(labels).containsEntry("org.opencontainers.image.version", BuildInfo.version())
      .containsEntry("org.opencontainers.image.title", "vertx-pump")
      .containsKeys("org.opencontainers.image.source", "org.opencontainers.image.description");
    assertThat(labels.values()).as("label values").allSatisfy(value ->
      assertThat((String) value).isNotBlank().doesNotContain("${"));
    String revision = (String) labels.get("org.opencontainers.image.revision");
    Optional<String> head = gitHead();
    if (head.isPresent()) {
      assertThat(revision).as("the revision label against git rev-parse HEAD (an image of an older commit? "
        + "mvn -Pimage package rebuilds it)").isEqualTo(head.get());
    } else {
      // built where git cannot tell (no git, or a source archive): the build says so rather than guessing
      assertThat(revision).as("the revision label where git knows no HEAD").isEqualTo("unknown");
    }
  }

  @Test
  void holdsTheJarThisBuildMadeTheExampleConfigurationAndADataDirectoryItsUserCanWrite() throws Exception {
    Path jar = Path.of(System.getProperty("pump.jar", "target/vertx-pump.jar"));
    assertThat(files.get(APP_JAR)).as(APP_JAR).isNotNull();
    assertThat(files.get(APP_JAR).sha256).as("the image's jar against " + jar).isEqualTo(sha256(Files.readAllBytes(jar)));
    assertThat(files).containsKeys("app/conf/config.yaml", "app/conf/cluster.yaml");
    assertThat(files.keySet()).as("Jib's exploded copy of the classes, dropped: the image runs the fat jar")
      .noneMatch(path -> path.startsWith("app/libs/") || path.startsWith("app/classes/"));

    TarEntry data = files.get("app/data");
    assertThat(data).as("app/data").isNotNull();
    assertThat(data.type).as("app/data's type").isEqualTo('5');
    String[] user = config.getJsonObject("config").getString("User").split(":");
    int gid = user.length > 1 ? Integer.parseInt(user[1]) : 0;
    boolean byOwner = data.uid == Integer.parseInt(user[0]) && (data.mode & 0300) == 0300;
    boolean byGroup = data.gid == gid && (data.mode & 030) == 030;
    assertThat(byOwner || byGroup).as("app/data (uid %d gid %d mode %o) writable by %s", data.uid, data.gid,
      data.mode, String.join(":", user)).isTrue();
  }

  @Test
  void theEntrypointsJavaIsOnTheImagesPath() {
    String path = env().get("PATH");
    assertThat(path).as("PATH").isNotBlank();

    assertThat(Arrays.stream(path.split(":")).map(dir -> (dir + "/java").substring(1)).filter(files::containsKey))
      .as("java in one of " + path).isNotEmpty();
  }

  /**
   * The image as a container engine would start it, without one: its layers unpacked into a folder, its entrypoint
   * and arguments run there by chroot as its user, with its environment and working directory, a private /proc
   * (the JVM finds its libraries through /proc/self/exe) and the host's network (so the port is moved off 8080).
   * Needs root and util-linux's unshare; skipped, saying so, without them.
   */
  @Test
  void startsAsItsUserFromItsOwnFilesAndWritesItsDataDirectory(@TempDir Path dir) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")) && onPath("unshare") && onPath("chroot"),
      "running the image without an engine needs root, unshare and chroot (a Linux machine, as CI is)");
    Path root = Files.createDirectory(dir.resolve("root"));
    Map<String, Long[]> outer = index(tar);
    for (Object layer : manifest.getJsonArray("Layers")) {
      Process untar = new ProcessBuilder("tar", "-xzf", "-", "-C", root.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("tar.log").toFile()).start();
      Long[] at = outer.get((String) layer);
      try (FileChannel channel = FileChannel.open(tar); var out = untar.getOutputStream()) {
        bounded(Channels.newInputStream(channel.position(at[0])), at[1]).transferTo(out);
      }
      assertThat(untar.waitFor(120, TimeUnit.SECONDS) && untar.exitValue() == 0).as(Files.readString(dir.resolve("tar.log"))).isTrue();
    }
    JsonObject container = config.getJsonObject("config");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Map<String, String> env = env();
    env.put("PUMP_HTTP_HOST", "127.0.0.1");   // the host's network: loopback only
    env.put("PUMP_HTTP_PORT", String.valueOf(port));
    List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child=SIGTERM",
      "--mount-proc=" + root.resolve("proc"), "chroot", "--userspec=" + container.getString("User"), root.toString(),
      "/usr/bin/env", "-i", "-C", container.getString("WorkingDir")));
    env.forEach((name, value) -> command.add(name + "=" + value));
    container.getJsonArray("Entrypoint").forEach(arg -> command.add((String) arg));
    container.getJsonArray("Cmd").forEach(arg -> command.add((String) arg));
    Path log = dir.resolve("container.log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + port);
      await().atMost(Duration.ofSeconds(180)).ignoreExceptions().until(() -> http.send(
        HttpRequest.newBuilder(base.resolve("/health/live")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);

      // Compose's healthcheck, run in the image as it would be (bash and its /dev/tcp), on the moved port
      List<String> healthcheck = composeHealthcheck();
      assertThat(healthcheck.subList(0, 3)).containsExactly("CMD", "bash", "-c");
      Process probe = new ProcessBuilder("chroot", "--userspec=" + container.getString("User"), root.toString(),
        "bash", "-c", healthcheck.get(3).replace("/127.0.0.1/8080", "/127.0.0.1/" + port))
        .redirectErrorStream(true).start();
      String probeOutput = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0).as("healthcheck: " + probeOutput).isTrue();

      HttpResponse<String> fired = http.send(HttpRequest.newBuilder(base.resolve("/webhooks/heartbeat"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"who\":\"ImageIT\"}")).header("Content-Type", "application/json")
        .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(fired.statusCode()).as(fired.body()).isEqualTo(202);
      Path written = root.resolve("app/data/heartbeat.jsonl");
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(written) && Files.readString(written).contains("ImageIT"));
      assertThat(Files.getAttribute(written, "unix:uid")).as("owner of " + written)
        .isEqualTo(Integer.parseInt(container.getString("User").split(":")[0]));
    } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + Files.readString(log), e);
    } finally {
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** {@code git rev-parse HEAD} here, or nothing without git or outside a repository. */
  private static Optional<String> gitHead() throws InterruptedException {
    try {
      Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0 ? Optional.of(head) : Optional.empty();
    } catch (IOException noGit) {
      return Optional.empty();
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> composeHealthcheck() throws IOException {
    Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions()))
      .load(Files.readString(Path.of("docker-compose.yml")));
    Map<String, Object> pump = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("pump");
    return (List<String>) ((Map<String, Object>) pump.get("healthcheck")).get("test");
  }

  private static boolean onPath(String name) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
      .anyMatch(dir -> Files.isExecutable(Path.of(dir, name)));
  }

  private static List<String> strings(JsonArray array) {
    return array.stream().map(String.class::cast).toList();
  }

  private static Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (Object entry : config.getJsonObject("config").getJsonArray("Env")) {
      String[] pair = ((String) entry).split("=", 2);
      env.put(pair[0], pair[1]);
    }
    return env;
  }

  // --- a tar reader: ustar headers, with GNU and PAX long names (enough for docker-archive tars and their layers)

  private record TarEntry(char type, int mode, int uid, int gid, String sha256) {
  }

  /** Name to {offset of the data, size} of every entry of the (outer) tar. */
  private static Map<String, Long[]> index(Path tar) throws IOException {
    Map<String, Long[]> entries = new LinkedHashMap<>();
    try (FileChannel channel = FileChannel.open(tar)) {
      long at = 0;
      byte[] header = new byte[512];
      while (at + 512 <= channel.size()) {
        channel.read(java.nio.ByteBuffer.wrap(header), at);
        if (header[0] == 0) {
          break;
        }
        long size = octal(header, 124, 12);
        entries.put(text(header, 0, 100), new Long[] {at + 512, size});
        at += 512 + (size + 511) / 512 * 512;
      }
    }
    return entries;
  }

  private static byte[] read(Path tar, Map<String, Long[]> index, String name) throws IOException {
    Long[] at = index.get(name);
    assertThat(at).as(name + " in " + tar).isNotNull();
    try (FileChannel channel = FileChannel.open(tar)) {
      return bounded(Channels.newInputStream(channel.position(at[0])), at[1]).readAllBytes();
    }
  }

  /** Adds every entry of a layer to {@code files}, replacing what lower layers said of the same path. */
  private static void readLayer(InputStream in, Map<String, TarEntry> files) throws IOException {
    byte[] header = new byte[512];
    String longName = null;
    while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
      long size = octal(header, 124, 12);
      char type = (char) header[156];
      if (type == 'L' || type == 'x' || type == 'g') {
        byte[] body = in.readNBytes((int) size);
        in.skipNBytes(pad(size));
        if (type == 'L') {
          longName = new String(body, StandardCharsets.UTF_8).replace("\0", "");
        } else if (type == 'x') {
          String path = paxPath(body);
          longName = path != null ? path : longName;
        }
        continue;
      }
      String path = (longName != null ? longName : ustarName(header))
        .replaceFirst("^\\./", "").replaceFirst("^/", "").replaceFirst("/$", "");
      longName = null;
      String sha = null;
      if (size > 0) {
        if (path.equals(APP_JAR)) {
          sha = sha256(in.readNBytes((int) size));
        } else {
          in.skipNBytes(size);
        }
        in.skipNBytes(pad(size));
      }
      if (!path.isEmpty()) {
        files.put(path, new TarEntry(type == '\0' ? '0' : type, (int) octal(header, 100, 8),
          (int) octal(header, 108, 8), (int) octal(header, 116, 8), sha));
      }
    }
  }

  private static String ustarName(byte[] header) {
    String name = text(header, 0, 100);
    boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    String prefix = ustar ? text(header, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** The {@code path} record of a PAX extended header ("LEN path=VALUE\n" records), or null. */
  private static String paxPath(byte[] body) {
    for (String record : new String(body, StandardCharsets.UTF_8).split("\n")) {
      String keyValue = record.substring(record.indexOf(' ') + 1);
      if (keyValue.startsWith("path=")) {
        return keyValue.substring("path=".length());
      }
    }
    return null;
  }

  private static long pad(long size) {
    return (512 - size % 512) % 512;
  }

  private static String text(byte[] header, int from, int length) {
    int end = from;
    while (end < from + length && header[end] != 0) {
      end++;
    }
    return new String(header, from, end - from, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] header, int from, int length) {
    if ((header[from] & 0x80) != 0) {   // GNU base-256, for sizes past 8 GiB
      long value = 0;
      for (int i = from + 1; i < from + length; i++) {
        value = (value << 8) | (header[i] & 0xff);
      }
      return value;
    }
    String digits = text(header, from, length).trim();
    return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
  }

  private static InputStream bounded(InputStream in, long size) {
    return new InputStream() {
      long left = size;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        left--;
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }
    };
  }

  private static String sha256(byte[] bytes) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
  }
}
