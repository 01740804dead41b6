package dev.pump.journal;

import dev.pump.trigger.TriggerEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * An append-only, fsync'd journal of accepted fires in a directory of its own, so that a fire
 * answered 202 survives {@code kill -9}, an OOM kill or a power cut.
 *
 * <p>Each accepted fire is one record naming the event and the sources that must run it
 * ({@link #append}); each source that is done with it adds a record of its own ({@link #complete}).
 * One writer thread takes whatever records are waiting, writes them in one go and forces them
 * with ONE {@code fsync} (group commit): many concurrent accepts share a force, so the cost of
 * durability is one force per batch, not per fire. {@link #append} completes once its record is
 * forced; completion records are not forced by themselves (losing one replays a fire that ran:
 * at least once, never lost).
 *
 * <p>Records go to segment files {@code segment-<n>.log}, a new one past {@code segmentBytes}
 * and at every open. A segment is deleted once every fire it accepted is done and every older
 * segment is gone (completion records of older segments' fires live in younger ones).
 *
 * <p>An event that flow control holds (debounce, batch, throttle) is journaled the same way before its
 * answer ({@link #hold}): one record naming its trigger, forced with the accepts; it is owed until
 * {@link #released} says it went into a fire (itself journaled by then) or the flow rules dropped it.
 *
 * <p>A record is a line {@code <crc32 hex> <json>}. At {@link #open}, the segments are read in
 * order: a torn last line (the write a crash cut short) and a line whose checksum does not match
 * are skipped with a warning; every fire accepted and not completed is in {@link #recovered()},
 * every event held and not released in {@link #recoveredHeld()}.
 */
public final class FireJournal implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FireJournal.class);
  private static final Pattern SEGMENT = Pattern.compile("segment-(\\d{12})\\.log");
  /** 16 MiB: a few seconds of webhooks at full speed, and a small file to read back at start. */
  public static final long DEFAULT_SEGMENT_BYTES = 16L * 1024 * 1024;
  private static final int MAX_BATCH = 4096;
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  /** How long the writer waits at most for more fires before a force: a quarter of the last force, at most 1 ms. */
  private static final long MAX_LINGER_NANOS = 1_000_000;
  private static final long LINGER_STEP_NANOS = 100_000;

  /** Why a source is done with a journaled fire; written in the completion record, for the reader. */
  public enum Outcome {
    /** Its cycle ran and succeeded. */
    RAN,
    /** Its cycle ran and failed (recorded as any failed cycle). */
    FAILED,
    /** Absorbed by a later fire whose cycle ran ({@code overlap: merge}). */
    MERGED,
    /** Refused by {@code overlap: skip} because a cycle was running. */
    SKIPPED,
    /**
     * Dropped by a full {@code overlap: queue}, or because its source no longer exists; for a held event:
     * dropped by the flow rules (a full throttle, an evicted key), or because its trigger no longer exists.
     */
    DROPPED,
    /** A held event went into a fire that is journaled (or needs no journal). */
    RELEASED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A fire accepted before the last stop and not run by {@code source}. */
  public record Recovered(String source, TriggerEvent event) {
  }

  /** Prefix of the key of a held event, which no source id can start with. */
  private static final String HELD_KEY = "\u0000held\n";

  /** An accepted fire still owed to one source; {@code segment} holds its accept record. */
  private record Open(long segment) {
  }

  private sealed interface Op permits Accept, Done, Barrier {
  }

  /**
   * An accepted fire (its keys: one per source), or a held event ({@code held}: its one key). An accepted fire's
   * record is encoded by the writer thread, off the caller's event loop: nothing changes a fire's event between
   * its accept and its publication, which waits for the force. A held event's args stay in flow control, which
   * may add to them: its line is encoded at once.
   */
  private record Accept(JsonObject record, byte[] encoded, List<String> keys, boolean held,
                        CompletableFuture<Void> forced) implements Op {
    byte[] line() {
      return encoded != null ? encoded : FireJournal.line(record);
    }
  }

  /** A source done with a fire, or a held event released: encoded by the writer, and only if still owed. */
  private record Done(JsonObject record, String key) implements Op {
    byte[] line() {
      return FireJournal.line(record);
    }
  }

  /** Completes once every record queued before it has been written; for tests and close. */
  private record Barrier(CompletableFuture<Void> reached, boolean stop) implements Op {
  }

  private final Path dir;
  private final long segmentBytes;
  private final List<Recovered> recovered;
  private final List<TriggerEvent> recoveredHeld = new ArrayList<>();
  private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final AtomicLong sizeBytes = new AtomicLong();
  private final AtomicLong backlog = new AtomicLong();
  private final AtomicLong forces = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong held = new AtomicLong();
  private long lastForceNanos;
  private volatile String failure;
  private volatile Instant failingSince;
  private volatile boolean closed;

  // confined to the writer thread (and to the constructor before it starts)
  private final Map<String, ArrayDeque<Open>> open = new HashMap<>();
  /** Accepts not yet completed, by segment number; every segment on disk has an entry, in order. */
  private final TreeMap<Long, long[]> openBySegment = new TreeMap<>();
  private final Map<Long, Long> segmentSizes = new HashMap<>();
  private FileChannel channel;
  private long activeSegment;

  private FireJournal(Path dir, long segmentBytes) throws IOException {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    Files.createDirectories(dir);
    this.recovered = readSegments();
    deleteDonePrefix();
    openNewSegment(openBySegment.isEmpty() ? 1 : openBySegment.lastKey() + 1);
    this.writer = new Thread(this::writeLoop, "pump-journal");
    writer.setDaemon(true);
    writer.start();
    if (!recovered.isEmpty()) {
      LOG.info("Fire journal {}: {} accepted fire(s) not run before the last stop will run again", dir,
        recovered.size());
    }
    if (!recoveredHeld.isEmpty()) {
      LOG.info("Fire journal {}: {} event(s) held by flow control and not released before the last stop go back "
        + "into their triggers' flow", dir, recoveredHeld.size());
    }
  }

  /** Like {@link #open(Path, long)} with segments of {@link #DEFAULT_SEGMENT_BYTES}. */
  public static FireJournal open(Path dir) throws IOException {
    return open(dir, DEFAULT_SEGMENT_BYTES);
  }

  /**
   * Opens (creating it if need be) the journal in {@code dir}, reads back what it holds and starts
   * its writer thread. Blocking: call it off any event loop.
   *
   * @param segmentBytes a segment past this size is closed and a new one started; at least 1
   * @throws IOException when the directory cannot be created, read or written
   */
  public static FireJournal open(Path dir, long segmentBytes) throws IOException {
    Objects.requireNonNull(dir, "dir");
    if (segmentBytes < 1) {
      throw new IllegalArgumentException("segmentBytes must be at least 1, got " + segmentBytes);
    }
    return new FireJournal(dir, segmentBytes);
  }

  /** @return the fires accepted before the journal was opened and not completed, oldest first */
  public List<Recovered> recovered() {
    return recovered;
  }

  /**
   * @return the events flow control held before the journal was opened and did not release, in arrival
   *     order; each as it arrived: its trigger, args, arrival time ({@code firedAt}) and id ({@code firing})
   */
  public List<TriggerEvent> recoveredHeld() {
    return List.copyOf(recoveredHeld);
  }

  /**
   * Records an accepted fire that {@code sources} must each run, and forces it to disk together
   * with whatever else is waiting. Any thread; never blocks.
   *
   * @return completes on the writer thread once the record is on disk; fails with an
   *     {@link IOException} naming the file when it could not be written or forced
   */
  public CompletableFuture<Void> append(TriggerEvent event, List<String> sources) {
    Objects.requireNonNull(event, "event");
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("a journaled fire needs at least one source");
    }
    JsonObject record = new JsonObject().put("accept", event.toJson()).put("sources", new JsonArray(List.copyOf(sources)));
    List<String> keys = sources.stream().map(source -> key(source, event.firing())).toList();
    return enqueue(record, null, keys, false);
  }

  /**
   * Records an event that flow control holds for later (its trigger in {@code event.trigger()}, its id in
   * {@code event.firing()}), forced to disk like {@link #append}; it is owed until {@link #released}. Any
   * thread; never blocks.
   *
   * @return completes once the record is on disk; fails with an {@link IOException} naming the file
   */
  public CompletableFuture<Void> hold(TriggerEvent event) {
    Objects.requireNonNull(event, "event");
    byte[] line = line(new JsonObject().put("hold", event.toJson()));
    return enqueue(null, line, List.of(heldKey(event.trigger(), event.firing())), true);
  }

  private CompletableFuture<Void> enqueue(JsonObject record, byte[] encoded, List<String> keys, boolean heldEvent) {
    CompletableFuture<Void> forced = new CompletableFuture<>();
    if (closed) {
      forced.completeExceptionally(new IOException("fire journal " + dir + " is closed"));
      return forced;
    }
    queue.add(new Accept(record, encoded, keys, heldEvent, forced));
    return forced;
  }

  /**
   * Records that the event {@code heldId} of trigger {@code trigger} is no longer held: released into a fire
   * (journaled by then), or dropped. An id the journal does not hold is ignored. Not forced by itself (losing
   * it offers the event again after a restart: at least once). Any thread; never blocks.
   */
  public void released(String trigger, String heldId, Outcome outcome) {
    if (closed) {
      return;
    }
    JsonObject record = new JsonObject().put("released", heldId).put("trigger", trigger).put("outcome", outcome.label());
    queue.add(new Done(record, heldKey(trigger, heldId)));
  }

  /**
   * Records that {@code source} is done with fire {@code firing}: the oldest such accepted fire
   * stops being owed. A firing the journal does not hold for that source (a time trigger's slot, a
   * pipeline with {@code durability: none}) is ignored. Any thread; never blocks.
   */
  public void complete(String source, String firing, Outcome outcome) {
    if (closed) {
      return;
    }
    JsonObject record = new JsonObject().put("done", firing).put("source", source).put("outcome", outcome.label());
    queue.add(new Done(record, key(source, firing)));
  }

  /** @return completes once every record handed over before this call has been written (or failed) */
  public CompletableFuture<Void> flushed() {
    CompletableFuture<Void> reached = new CompletableFuture<>();
    if (closed) {
      reached.complete(null);
    } else {
      queue.add(new Barrier(reached, false));
    }
    return reached;
  }

  /** @return the directory the segments are in */
  public Path directory() {
    return dir;
  }

  /** @return the bytes of every segment on disk */
  public long sizeBytes() {
    return sizeBytes.get();
  }

  /**
   * @return fire-and-source pairs accepted and not completed, plus events held by flow control and not
   *     released (recovered ones included)
   */
  public long backlog() {
    return backlog.get();
  }

  /** @return events held by flow control and not released (recovered ones included); part of {@link #backlog()} */
  public long heldEvents() {
    return held.get();
  }

  /** @return {@code fsync}s of records so far: with group commit, fewer than {@link #acceptedFires()} under load */
  public long forces() {
    return forces.get();
  }

  /** @return fires appended and forced since open */
  public long acceptedFires() {
    return accepted.get();
  }

  /** @return why the last write or force failed, until one succeeds again; empty while writable */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** @return what {@code /health} shows of the journal */
  public JsonObject snapshot() {
    String reason = failure;
    return new JsonObject()
      .put("dir", dir.toString())
      .put("sizeBytes", sizeBytes.get())
      .put("backlog", backlog.get())
      .put("held", held.get())
      .put("writable", reason == null)
      .put("error", reason)
      .put("failingSince", reason == null || failingSince == null ? null : failingSince.toString());
  }

  /** Writes what is queued, stops the writer thread and closes the active segment; fires appended later fail. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    queue.add(new Barrier(stopped, true));
    stopped.join();
    try {
      writer.join(); // the segment is closed once it ends
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------------------------------
  // writer thread

  private void writeLoop() {
    List<Op> batch = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      linger(batch);
      stop = writeBatch(batch);
      batch.clear();
    }
    closeQuietly();
  }

  /**
   * Under load, fires answered by the last force come back as a burst of new requests spread over
   * a fraction of a millisecond: forcing the first few at once would split the burst over two
   * forces. So before a force, while more fires keep arriving, wait a little (a quarter of the
   * last force's time, at most 1 ms; nothing when idle: the last force took no time to wait for).
   */
  private void linger(List<Op> batch) {
    if (lastForceNanos == 0 || batch.stream().noneMatch(Accept.class::isInstance)) {
      return;
    }
    long deadline = System.nanoTime() + Math.min(MAX_LINGER_NANOS, lastForceNanos / 4);
    int quietSteps = 0;
    while (batch.size() < MAX_BATCH && System.nanoTime() < deadline && quietSteps < 2) {
      LockSupport.parkNanos(LINGER_STEP_NANOS);
      int before = batch.size();
      queue.drainTo(batch, MAX_BATCH - batch.size());
      quietSteps = batch.size() == before ? quietSteps + 1 : 0; // two quiet steps: the burst is over
    }
  }

  /** @return whether a stop barrier was in the batch */
  private boolean writeBatch(List<Op> batch) {
    boolean accepts = false;
    List<byte[]> lines = new ArrayList<>(batch.size());
    int bytes = 0;
    // (a fire is published, so completed, only once its accept's batch is written; a held event that its trigger
    // drops at once, paused, may be completed in the batch that holds it)
    Set<String> acceptedHere = new HashSet<>();
    Map<Accept, RuntimeException> unwritable = new IdentityHashMap<>(0); // not a record's equals: it hashes the event
    for (Op op : batch) {
      if (op instanceof Accept a) {
        byte[] line;
        try {
          line = a.line();
        } catch (RuntimeException e) {
          unwritable.put(a, e); // args that are not JSON (put there by Java code): this fire only is refused
          continue;
        }
        accepts = true;
        acceptedHere.addAll(a.keys());
        lines.add(line);
        bytes += line.length;
      } else if (op instanceof Done d && (open.containsKey(d.key()) || acceptedHere.contains(d.key()))) {
        byte[] line = d.line();
        lines.add(line);
        bytes += line.length;
      }
    }
    IOException failed = null;
    if (bytes > 0) {
      try {
        write(lines, bytes, accepts);
      } catch (IOException e) {
        failed = e;
      }
    }
    for (Op op : batch) {
      if (op instanceof Accept a && failed == null && !unwritable.containsKey(a)) {
        (a.held() ? held : accepted).incrementAndGet();
        for (String key : a.keys()) {
          open.computeIfAbsent(key, k -> new ArrayDeque<>(1)).addLast(new Open(activeSegment));
          openBySegment.get(activeSegment)[0]++;
          backlog.incrementAndGet();
        }
      } else if (op instanceof Done d) {
        completeKey(d.key()); // in memory even if its record failed: after a restart it runs again, at least once
      }
    }
    if (failed == null) {
      try {
        if (segmentSizes.get(activeSegment) >= segmentBytes) {
          openNewSegment(activeSegment + 1);
        }
        deleteDonePrefix();
      } catch (IOException e) {
        failing(named(e));
      }
    }
    // last, so that whoever waits sees the segments rolled and compacted
    boolean stop = false;
    for (Op op : batch) {
      if (op instanceof Accept a) {
        RuntimeException notJson = unwritable.get(a);
        if (notJson != null) {
          a.forced().completeExceptionally(new IllegalArgumentException(
            "its args cannot be written as JSON: " + notJson.getMessage(), notJson));
        } else if (failed == null) {
          a.forced().complete(null);
        } else {
          a.forced().completeExceptionally(failed);
        }
      } else if (op instanceof Barrier b) {
        stop |= b.stop();
        b.reached().complete(null);
      }
    }
    return stop;
  }

  private void write(List<byte[]> lines, int bytes, boolean force) throws IOException {
    if (channel == null) {
      try {
        openNewSegment(activeSegment + 1); // the last segment failed, or rolling over did: start afresh
      } catch (IOException e) {
        throw failing(named(e));
      }
    }
    ByteBuffer buffer = ByteBuffer.allocate(bytes);
    lines.forEach(buffer::put);
    buffer.flip();
    long before = segmentSizes.get(activeSegment);
    try {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      if (force) {
        long forceStart = System.nanoTime();
        channel.force(false);
        lastForceNanos = System.nanoTime() - forceStart;
        forces.incrementAndGet();
      }
    } catch (IOException e) {
      // cut the batch off again, so that a fire answered 503 is not replayed; if even that fails,
      // leave the segment (its tail is torn or unforced) and write the next batch to a new one
      try {
        channel.truncate(before);
      } catch (IOException again) {
        closeQuietly();
      }
      throw failing(named(e));
    }
    segmentSizes.put(activeSegment, before + bytes);
    sizeBytes.addAndGet(bytes);
    if (failure != null) {
      LOG.info("Fire journal {} is writable again", dir);
      failure = null;
      failingSince = null;
    }
  }

  private IOException named(IOException e) {
    return new IOException("fire journal " + dir + " cannot be written: " + e, e);
  }

  /** Records why writes fail (logged once, until a write succeeds again); returns {@code e}. */
  private IOException failing(IOException e) {
    if (failure == null) {
      LOG.warn("{}; fires that need it are refused with 503 until it can", e.getMessage());
      failingSince = Instant.now();
    }
    failure = e.getMessage();
    return e;
  }

  private void completeKey(String key) {
    ArrayDeque<Open> owed = open.get(key);
    if (owed == null) {
      return; // never journaled for this source
    }
    Open entry = owed.removeFirst();
    if (owed.isEmpty()) {
      open.remove(key);
    }
    long[] count = openBySegment.get(entry.segment());
    if (count != null) {
      count[0]--;
    }
    backlog.decrementAndGet();
    if (key.startsWith(HELD_KEY)) {
      held.decrementAndGet();
    }
  }

  private void openNewSegment(long number) throws IOException {
    closeQuietly();
    Path path = segmentPath(number);
    channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    activeSegment = number;
    openBySegment.put(number, new long[1]);
    segmentSizes.put(number, 0L);
    forceDirectory(dir);
  }

  private void closeQuietly() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("Closing fire journal segment failed: {}", e.toString());
      }
      channel = null;
    }
  }

  /** Deletes the oldest segments while every fire they accepted is done; never the active one. */
  private void deleteDonePrefix() throws IOException {
    boolean deleted = false;
    while (!openBySegment.isEmpty() && openBySegment.firstKey() != activeSegment
      && openBySegment.firstEntry().getValue()[0] <= 0) {
      long number = openBySegment.pollFirstEntry().getKey();
      Files.deleteIfExists(segmentPath(number));
      Long size = segmentSizes.remove(number);
      sizeBytes.addAndGet(-(size == null ? 0 : size));
      deleted = true;
    }
    if (deleted) {
      forceDirectory(dir);
    }
  }

  private Path segmentPath(long number) {
    return dir.resolve(String.format(Locale.ROOT, "segment-%012d.log", number));
  }

  // ------------------------------------------------------------------------------------------------
  // reading back

  /** An accept record read back, still owed to {@code source} (a held event: to its trigger) unless {@code done}. */
  private static final class ReadEntry {
    final String source;
    final TriggerEvent event;
    final long segment;
    final boolean held;
    boolean done;

    ReadEntry(String source, TriggerEvent event, long segment, boolean held) {
      this.source = source;
      this.event = event;
      this.segment = segment;
      this.held = held;
    }

    String owedKey() {
      return held ? heldKey(source, event.firing()) : key(source, event.firing());
    }
  }

  private List<Recovered> readSegments() throws IOException {
    List<Path> segments;
    try (Stream<Path> files = Files.list(dir)) {
      segments = files.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
        .sorted(Comparator.comparing(p -> p.getFileName().toString()))
        .toList();
    }
    List<ReadEntry> entries = new ArrayList<>();
    Map<String, ArrayDeque<ReadEntry>> owed = new HashMap<>();
    for (Path segment : segments) {
      Matcher m = SEGMENT.matcher(segment.getFileName().toString());
      m.matches();
      long number = Long.parseLong(m.group(1));
      long size = readSegment(segment, number, entries, owed);
      openBySegment.put(number, new long[1]);
      segmentSizes.put(number, size);
      sizeBytes.addAndGet(size);
    }
    List<Recovered> pending = new ArrayList<>();
    for (ReadEntry entry : entries) {
      if (!entry.done) {
        if (entry.held) {
          recoveredHeld.add(entry.event);
          held.incrementAndGet();
        } else {
          pending.add(new Recovered(entry.source, entry.event));
        }
        open.computeIfAbsent(entry.owedKey(), k -> new ArrayDeque<>(1)).addLast(new Open(entry.segment));
        openBySegment.get(entry.segment)[0]++;
        backlog.incrementAndGet();
      }
    }
    return List.copyOf(pending);
  }

  /** @return the segment's size in bytes */
  private static long readSegment(Path segment, long number, List<ReadEntry> entries,
                                  Map<String, ArrayDeque<ReadEntry>> owed) throws IOException {
    byte[] content = Files.readAllBytes(segment);
    int start = 0;
    int lineNumber = 0;
    while (start < content.length) {
      lineNumber++;
      int end = indexOf(content, (byte) '\n', start);
      if (end < 0) {
        LOG.warn("Fire journal {}: ignoring a torn record at its end (line {}, {} bytes): a write cut short by a crash",
          segment, lineNumber, content.length - start);
        break;
      }
      String line = new String(content, start, end - start, StandardCharsets.UTF_8);
      start = end + 1;
      JsonObject record = parse(line);
      if (record == null) {
        LOG.warn("Fire journal {}: ignoring line {}, whose checksum or JSON is broken", segment, lineNumber);
        continue;
      }
      try {
        apply(record, number, entries, owed);
      } catch (RuntimeException e) {
        LOG.warn("Fire journal {}: ignoring line {}: {}", segment, lineNumber, e.getMessage());
      }
    }
    return content.length;
  }

  private static void apply(JsonObject record, long number, List<ReadEntry> entries,
                            Map<String, ArrayDeque<ReadEntry>> owed) {
    JsonObject accept = record.getJsonObject("accept");
    if (accept != null) {
      TriggerEvent event = TriggerEvent.fromJson(accept);
      for (Object source : record.getJsonArray("sources")) {
        addEntry(new ReadEntry((String) source, event, number, false), entries, owed);
      }
      return;
    }
    JsonObject hold = record.getJsonObject("hold");
    if (hold != null) {
      TriggerEvent event = TriggerEvent.fromJson(hold);
      addEntry(new ReadEntry(event.trigger(), event, number, true), entries, owed);
      return;
    }
    String key;
    if (record.getString("done") != null) {
      key = key(record.getString("source"), record.getString("done"));
    } else if (record.getString("released") != null) {
      key = heldKey(record.getString("trigger"), record.getString("released"));
    } else {
      throw new IllegalArgumentException("neither an accept, a hold, a done nor a released record");
    }
    ArrayDeque<ReadEntry> waiting = owed.get(key);
    if (waiting != null && !waiting.isEmpty()) {
      waiting.removeFirst().done = true;
    }
  }

  private static void addEntry(ReadEntry entry, List<ReadEntry> entries, Map<String, ArrayDeque<ReadEntry>> owed) {
    entries.add(entry);
    owed.computeIfAbsent(entry.owedKey(), k -> new ArrayDeque<>(1)).addLast(entry);
  }

  private static int indexOf(byte[] content, byte b, int from) {
    for (int i = from; i < content.length; i++) {
      if (content[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** @return the record of a line {@code <crc32 hex> <json>}, or {@code null} when it is broken */
  private static JsonObject parse(String line) {
    int space = line.indexOf(' ');
    if (space != 8) {
      return null;
    }
    String json = line.substring(space + 1);
    try {
      long expected = Long.parseLong(line.substring(0, space), 16);
      if (crc(json.getBytes(StandardCharsets.UTF_8)) != expected) {
        return null;
      }
      return new JsonObject(json);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static byte[] line(JsonObject record) {
    byte[] json = record.encode().getBytes(StandardCharsets.UTF_8);
    // "%08x " by hand: String.format (a Formatter and its regex per record) was a tenth of a journaled fire's CPU
    byte[] line = new byte[9 + json.length + 1];
    long crc = crc(json);
    for (int i = 7; i >= 0; i--, crc >>>= 4) {
      line[i] = (byte) HEX[(int) (crc & 0xf)];
    }
    line[8] = ' ';
    System.arraycopy(json, 0, line, 9, json.length);
    line[line.length - 1] = '\n';
    return line;
  }

  private static long crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }

  private static String key(String source, String firing) {
    return source + '\n' + firing;
  }

  private static String heldKey(String trigger, String heldId) {
    return HELD_KEY + trigger + '\n' + heldId;
  }

  /**
   * Forces a directory's entries (a file created, renamed or deleted in it) to disk. Linux allows
   * it by opening the directory for reading; where the platform refuses, there is nothing more to do.
   */
  public static void forceDirectory(Path dir) throws IOException {
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException e) {
      if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
        return; // Windows cannot open a directory as a file
      }
      throw e;
    }
  }
}
