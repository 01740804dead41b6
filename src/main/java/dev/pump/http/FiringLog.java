package dev.pump.http;

import dev.pump.trigger.Trigger;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The most recent firings of every trigger, as seen on the event bus: what the dashboard lists and
 * charts.
 *
 * <p>{@link #start()} consumes {@code pump.trigger.<id>} of every trigger of the view with ordinary
 * (not local) consumers, so in a cluster the log also sees the fires of the other nodes. Each fire
 * becomes an entry:
 * <pre>{@code
 * {"trigger": "every-5-min", "type": "cron", "scheduledAt": "2026-03-30T07:05:00Z",
 *  "firedAt": "2026-03-30T07:05:00.001Z", "node": "node-a", "firing": "every-5-min@2026-03-30T07:05:00Z",
 *  "latenessMs": 1, "outcome": "fired"}
 * }</pre>
 * {@code latenessMs} is {@code firedAt - scheduledAt}, null when nothing was scheduled; {@code outcome} is
 * {@code "fired"} until someone reports more with {@link #recordOutcome(String, String)}.
 *
 * <p>Memory is bounded: the last {@code capacity} entries, plus per trigger one counter per minute of
 * the last hour ({@link #timeline(Instant)}), which stays exact however many fires the hour had.
 * All methods are thread-safe.
 */
public final class FiringLog {

  private static final Logger LOG = LoggerFactory.getLogger(FiringLog.class);

  /** A capacity that keeps the dashboard's 50 rows with room for per-trigger views. */
  public static final int DEFAULT_CAPACITY = 1000;
  private static final int EARLY_OUTCOMES = 1000;
  /** Minutes the {@link #timeline(Instant)} covers. */
  static final int TIMELINE_MINUTES = 60;

  private final Vertx vertx;
  private final PumpView view;
  private final int capacity;
  private final List<Consumer<JsonObject>> listeners = new CopyOnWriteArrayList<>();

  // guarded by this
  private final ArrayDeque<JsonObject> entries;
  private final Map<String, MinuteCounts> perMinute = new LinkedHashMap<>();
  private final Map<String, MessageConsumer<JsonObject>> consumers = new HashMap<>();
  /** Outcomes reported before their firing reached the log (a cycle can end before delivery). */
  private final Map<String, String> earlyOutcomes = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > EARLY_OUTCOMES;
    }
  };

  /**
   * @param vertx whose event bus carries the fires
   * @param view the triggers to follow
   * @param capacity how many entries are kept, at least 1
   */
  public FiringLog(Vertx vertx, PumpView view, int capacity) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.view = Objects.requireNonNull(view, "view");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.entries = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  /**
   * Starts following every trigger of the view.
   *
   * @return completes once every consumer is registered (in a cluster: known to the other nodes)
   */
  public Future<Void> start() {
    return refresh();
  }

  /**
   * Follows triggers added to the view since the last call and lets go of triggers that left it. The
   * set of triggers is fixed once an application has started, so this is needed only by code that
   * adds triggers later.
   *
   * @return completes once the new consumers are registered
   */
  Future<Void> refresh() {
    Set<String> wanted = view.triggers().stream().map(Trigger::id).collect(Collectors.toSet());
    List<Future<Void>> changes = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Map.Entry<String, MessageConsumer<JsonObject>>> it = consumers.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, MessageConsumer<JsonObject>> entry = it.next();
        if (!wanted.contains(entry.getKey())) {
          changes.add(entry.getValue().unregister());
          it.remove();
        }
      }
      for (String id : wanted) {
        if (!consumers.containsKey(id)) {
          MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Trigger.address(id), this::onFire);
          consumers.put(id, consumer);
          changes.add(consumer.completion());
        }
      }
    }
    return Future.all(changes).mapEmpty();
  }

  /** Stops following triggers; the entries stay readable. */
  public Future<Void> stop() {
    List<Future<Void>> unregistered = new ArrayList<>();
    synchronized (this) {
      consumers.values().forEach(consumer -> unregistered.add(consumer.unregister()));
      consumers.clear();
    }
    return Future.all(unregistered).mapEmpty();
  }

  /**
   * @param n how many entries, at least 0
   * @return copies of the {@code n} most recent entries, newest first
   */
  public List<JsonObject> recent(int n) {
    return recent(null, n);
  }

  /**
   * @param triggerId the trigger whose entries are wanted; {@code null} for every trigger
   * @param n how many entries, at least 0
   * @return copies of the {@code n} most recent entries of that trigger, newest first
   */
  public List<JsonObject> recent(String triggerId, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    List<JsonObject> result = new ArrayList<>(Math.min(n, capacity));
    synchronized (this) {
      for (Iterator<JsonObject> it = entries.descendingIterator(); it.hasNext() && result.size() < n; ) {
        JsonObject entry = it.next();
        if (triggerId == null || triggerId.equals(entry.getString("trigger"))) {
          result.add(entry.copy());
        }
      }
    }
    return result;
  }

  /**
   * Fires per trigger and minute over the hour up to {@code now}:
   * {@code {"from": ISO, "to": ISO, "bucketSeconds": 60, "counts": {"<trigger>": [60 numbers, oldest first]}}},
   * where {@code from} is the start of the oldest minute and {@code to} the end of the current one. Every
   * trigger of the view has a row, fired or not.
   */
  JsonObject timeline(Instant now) {
    long nowMinute = Math.floorDiv(now.getEpochSecond(), 60);
    long firstMinute = nowMinute - TIMELINE_MINUTES + 1;
    JsonObject counts = new JsonObject();
    for (Trigger trigger : view.triggers()) {
      counts.put(trigger.id(), zeros());
    }
    synchronized (this) {
      perMinute.forEach((trigger, minutes) -> counts.put(trigger, minutes.counts(firstMinute)));
    }
    return new JsonObject()
      .put("from", Instant.ofEpochSecond(firstMinute * 60).toString())
      .put("to", Instant.ofEpochSecond((nowMinute + 1) * 60).toString())
      .put("bucketSeconds", 60)
      .put("counts", counts);
  }

  /**
   * Tells the log how a firing ended ({@code "ok"}, {@code "failed"}, {@code "merged"} ...). The entry, if
   * still kept, gets {@code "outcome"} set and listeners are called with it again.
   *
   * @return whether the firing was in the log; if not yet, the outcome is kept for when it arrives
   */
  public boolean recordOutcome(String firing, String outcome) {
    Objects.requireNonNull(firing, "firing");
    Objects.requireNonNull(outcome, "outcome");
    JsonObject updated = null;
    synchronized (this) {
      for (Iterator<JsonObject> it = entries.descendingIterator(); it.hasNext(); ) {
        JsonObject entry = it.next();
        if (firing.equals(entry.getString("firing"))) {
          entry.put("outcome", outcome);
          updated = entry.copy();
          break;
        }
      }
      if (updated == null) {
        earlyOutcomes.put(firing, outcome);
      }
    }
    if (updated != null) {
      notifyListeners(updated);
    }
    return updated != null;
  }

  /**
   * Calls {@code listener} with a copy of every new entry (and of entries whose outcome changed), on the
   * event loop of the consumer that saw the fire. A listener must not block.
   */
  void addListener(Consumer<JsonObject> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  void removeListener(Consumer<JsonObject> listener) {
    listeners.remove(listener);
  }

  // -------------------------------------------------------------------------------------------------

  private void onFire(Message<JsonObject> message) {
    TriggerEvent event;
    try {
      event = TriggerEvent.fromJson(message.body());
    } catch (IllegalArgumentException | ClassCastException e) {
      LOG.debug("Ignored a message on {} that is not a trigger event: {}", message.address(), e.getMessage());
      return;
    }
    record(event);
  }

  /** Adds the entry for {@code event}; {@link #start()} does this for every fire on the bus. */
  void record(TriggerEvent event) {
    JsonObject entry = entry(event);
    synchronized (this) {
      String outcome = earlyOutcomes.remove(event.firing());
      if (outcome != null) {
        entry.put("outcome", outcome);
      }
      if (entries.size() == capacity) {
        entries.removeFirst();
      }
      entries.addLast(entry);
      perMinute.computeIfAbsent(event.trigger(), id -> new MinuteCounts()).add(event.firedAt());
    }
    notifyListeners(entry.copy());
  }

  static JsonObject entry(TriggerEvent event) {
    Long lateness = event.scheduledAt() == null ? null
      : Duration.between(event.scheduledAt(), event.firedAt()).toMillis();
    return new JsonObject()
      .put("trigger", event.trigger())
      .put("type", event.type())
      .put("scheduledAt", event.scheduledAt() == null ? null : event.scheduledAt().toString())
      .put("firedAt", event.firedAt().toString())
      .put("node", event.node())
      .put("firing", event.firing())
      .put("latenessMs", lateness)
      .put("outcome", "fired");
  }

  private void notifyListeners(JsonObject entry) {
    for (Consumer<JsonObject> listener : listeners) {
      try {
        listener.accept(entry);
      } catch (RuntimeException e) {
        LOG.warn("A firing-log listener failed", e);
      }
    }
  }

  private static JsonArray zeros() {
    JsonArray zeros = new JsonArray();
    for (int i = 0; i < TIMELINE_MINUTES; i++) {
      zeros.add(0);
    }
    return zeros;
  }

  /** Fires per minute of one trigger, in a ring of {@link #TIMELINE_MINUTES} slots keyed by epoch minute. */
  private static final class MinuteCounts {
    private final long[] minute = new long[TIMELINE_MINUTES];
    private final int[] count = new int[TIMELINE_MINUTES];

    MinuteCounts() {
      Arrays.fill(minute, Long.MIN_VALUE);
    }

    void add(Instant firedAt) {
      long m = Math.floorDiv(firedAt.getEpochSecond(), 60);
      int slot = Math.floorMod(m, TIMELINE_MINUTES);
      if (minute[slot] != m) {
        if (m < minute[slot]) {
          return; // older than the hour this slot holds now: outside the window anyway
        }
        minute[slot] = m;
        count[slot] = 0;
      }
      count[slot]++;
    }

    JsonArray counts(long firstMinute) {
      JsonArray counts = new JsonArray();
      for (long m = firstMinute; m < firstMinute + TIMELINE_MINUTES; m++) {
        int slot = Math.floorMod(m, TIMELINE_MINUTES);
        counts.add(minute[slot] == m ? count[slot] : 0);
      }
      return counts;
    }
  }
}
