package dev.pump.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts of their own on one machine: {@code n} Linux network namespaces, each with a veth pair whose
 * outer end is on one bridge, addresses {@code 10.213.<s>.1..n/24} (the bridge {@code .254}); every name
 * carries a random tag so runs never meet. {@link #cut(int)} takes a host's outer veth down: its
 * packets vanish, nobody gets a reset, exactly a pulled cable. {@link #close()} deletes everything it made,
 * whatever state it is in; a JVM shutdown hook does the same if the test never gets there.
 * <pre>{@code
 * try (NetNamespaces hosts = NetNamespaces.create(3)) {   // fails with the reason when it cannot
 *   new ProcessBuilder(hosts.exec(0, "java", "-jar", ...)).start();   // runs in host 0
 *   hosts.cut(0); ... hosts.heal(0);
 * }
 * }</pre>
 * Needs root (CAP_NET_ADMIN) and iproute2: {@link #unavailable()} says why not, for a test's assumption.
 *
 * <p>Public, and packaged in the test-jar ({@code vertx-pump-<version>-tests.jar}, this class only): the
 * benchmarks ({@code bench/}, failover after a silent cut) make their hosts with it too.
 */
public final class NetNamespaces implements AutoCloseable {

  private static final long COMMAND_SECONDS = 20;

  private final String tag;
  private final int subnet;
  private final int hosts;
  private final List<List<String>> undo = new ArrayList<>(); // run in reverse order by close()
  private final Thread cleanupOnExit = new Thread(this::deleteAll, "netns-cleanup");
  private boolean closed; // guarded by this

  private NetNamespaces(int hosts) {
    this.tag = "pp" + Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xefff));
    this.subnet = 100 + ThreadLocalRandom.current().nextInt(150);
    this.hosts = hosts;
  }

  /**
   * @return why namespaces cannot be made here (not root, no {@code ip}, a kernel or container that refuses
   *     them), or null when they can: it makes one and deletes it
   */
  public static String unavailable() {
    String probe = "pp-probe-" + ProcessHandle.current().pid();
    try {
      String failure = run(List.of("ip", "netns", "add", probe));
      if (failure != null) {
        return "cannot create a network namespace (needs root and iproute2): " + failure;
      }
      run(List.of("ip", "netns", "del", probe));
      return null;
    } catch (IOException e) {
      return "cannot run ip (iproute2): " + e.getMessage();
    }
  }

  /** Makes the bridge and {@code n} namespaces, each reachable from the others; on a failure deletes what it made. */
  public static NetNamespaces create(int n) throws IOException {
    NetNamespaces made = new NetNamespaces(n);
    Runtime.getRuntime().addShutdownHook(made.cleanupOnExit);
    try {
      made.setUp();
      return made;
    } catch (IOException | RuntimeException e) {
      made.close();
      throw e;
    }
  }

  private void setUp() throws IOException {
    String bridge = tag + "br";
    must(List.of("ip", "link", "add", bridge, "type", "bridge"), List.of("ip", "link", "del", bridge));
    must(List.of("ip", "addr", "add", "10.213." + subnet + ".254/24", "dev", bridge), null);
    must(List.of("ip", "link", "set", bridge, "up"), null);
    for (int i = 0; i < hosts; i++) {
      String ns = namespace(i);
      String outer = outerVeth(i);
      String inner = tag + "i" + i;
      must(List.of("ip", "netns", "add", ns), List.of("ip", "netns", "del", ns));
      must(List.of("ip", "link", "add", outer, "type", "veth", "peer", "name", inner), List.of("ip", "link", "del", outer));
      must(List.of("ip", "link", "set", inner, "netns", ns), null);
      must(List.of("ip", "link", "set", outer, "master", bridge), null);
      must(List.of("ip", "link", "set", outer, "up"), null);
      must(List.of("ip", "netns", "exec", ns, "ip", "addr", "add", address(i) + "/24", "dev", inner), null);
      must(List.of("ip", "netns", "exec", ns, "ip", "link", "set", inner, "up"), null);
      must(List.of("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"), null);
    }
  }

  /** @return host {@code i}'s address, {@code 10.213.<s>.<i + 1>} */
  public String address(int i) {
    return "10.213." + subnet + "." + (i + 1);
  }

  /** @return host {@code i}'s namespace name, for {@code ip netns exec} */
  public String namespace(int i) {
    return tag + "n" + i;
  }

  /** @return {@code command} prefixed to run inside host {@code i} */
  public List<String> exec(int i, String... command) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace(i)));
    all.addAll(List.of(command));
    return all;
  }

  /** Takes host {@code i}'s cable out: its outer veth goes down, packets are dropped, no reset is sent. */
  public void cut(int i) throws IOException {
    must(List.of("ip", "link", "set", outerVeth(i), "down"), null);
  }

  /** Puts host {@code i}'s cable back. */
  public void heal(int i) throws IOException {
    must(List.of("ip", "link", "set", outerVeth(i), "up"), null);
  }

  private String outerVeth(int i) {
    return tag + "o" + i;
  }

  @Override
  public void close() {
    deleteAll();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook runs (or ran) deleteAll, which does nothing twice
    }
  }

  private synchronized void deleteAll() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = undo.size() - 1; i >= 0; i--) {
      try {
        run(undo.get(i)); // best effort: a namespace's processes may still hold it; del only unlinks the name
      } catch (IOException e) {
        System.err.println("netns cleanup: " + undo.get(i) + ": " + e.getMessage());
      }
    }
    undo.clear();
  }

  /** Runs {@code command}; when it succeeds and {@code undoWith} is given, remembers how to undo it. */
  private void must(List<String> command, List<String> undoWith) throws IOException {
    String failure = run(command);
    if (failure != null) {
      throw new IOException(String.join(" ", command) + " failed: " + failure);
    }
    if (undoWith != null) {
      synchronized (this) {
        undo.add(undoWith);
      }
    }
  }

  /** @return null on exit status 0, else the status and what the command printed */
  private static String run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "no answer within " + COMMAND_SECONDS + " s";
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while running " + command, e);
    }
  }
}
