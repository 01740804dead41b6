package dev.pump.http;

import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.pump.http.WebhookFixture.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many concurrent clients fire one webhook whose source is slow. Not in the default suite; run it with
 * {@code mvn -B verify -Dgroups=load -DexcludedGroups=} (see README, "Webhook security").
 * <ul>
 *   <li>no 5xx;</li>
 *   <li>every 202 is accounted for: fires == cycles + merged + dropped once the source is quiet
 *       (nothing is still pending then), and fires == the number of 202s;</li>
 *   <li>the heap after the run (after GC) exceeds the heap before it by less than a fixed bound that
 *       does not depend on the number of requests: merged fires cost no memory.</li>
 * </ul>
 */
@Tag("load")
@ExtendWith(VertxExtension.class)
class WebhookLoadTest {

  private static final int REQUESTS = Integer.getInteger("pump.load.requests", 20_000);
  private static final int CONCURRENCY = Integer.getInteger("pump.load.concurrency", 64);
  private static final Duration SLOW_CYCLE = Duration.ofMillis(Long.getLong("pump.load.cycleMillis", 50));
  private static final long HEAP_BOUND_BYTES = 64L * 1024 * 1024;
  private static final Duration RUN_DEADLINE = Duration.ofMinutes(3);

  private WebhookFixture pump;
  private WebhookTrigger hook;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx) {
    pump = WebhookFixture.start(vertx, app -> List.of(
      hook = new WebhookTrigger(app, "load").withId("load").withoutRateLimit()));
    pump.source.beforeEachCycle(() -> {
      try {
        Thread.sleep(SLOW_CYCLE.toMillis());     // the slow source: a cycle that does I/O
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(pump.port)
      .setKeepAliveTimeout(1), new PoolOptions().setHttp1MaxSize(CONCURRENCY));
  }

  @AfterEach
  void stop() {
    client.close();
    pump.close();
  }

  @Test
  void concurrentClientsFiringASlowSourceLoseNothingAndHoldNoMemory() {
    // warm up, so that class loading and JIT caches are in the "before" heap
    run(2_000, CONCURRENCY);
    awaitQuiet();
    long heapBefore = settledHeap();
    long firesBefore = hook.fireCount();

    long started = System.nanoTime();
    Map<Integer, Integer> statuses = run(REQUESTS, CONCURRENCY);
    double seconds = (System.nanoTime() - started) / 1e9;
    awaitQuiet();
    long heapAfter = settledHeap();

    long fires = hook.fireCount();
    long cycles = pump.source.cycles();
    long merged = pump.source.firesMerged();
    long dropped = pump.source.firesDropped();
    System.out.printf("webhook load: %d requests, concurrency %d, %.1f s (%.0f req/s); statuses %s; "
        + "fires %d = cycles %d + merged %d + dropped %d; heap before %d MiB, after %d MiB%n",
      REQUESTS, CONCURRENCY, seconds, REQUESTS / seconds, statuses, fires, cycles, merged, dropped,
      heapBefore >> 20, heapAfter >> 20);

    assertThat(statuses.keySet()).as("statuses").allMatch(status -> status < 500);
    assertThat(statuses.getOrDefault(202, 0)).as("every request was accepted").isEqualTo(REQUESTS);
    assertThat(fires - firesBefore).as("fires of this run == its 202s").isEqualTo((long) statuses.get(202));
    assertThat(cycles + merged + dropped).as("cycles + merged + dropped == fires").isEqualTo(fires);
    assertThat(cycles).as("the slow source ran far fewer cycles than it got fires").isLessThan(fires);
    assertThat(heapAfter - heapBefore).as("heap growth over the run").isLessThan(HEAP_BOUND_BYTES);
  }

  /** Sends {@code count} webhook requests, at most {@code concurrency} at a time; @return count by status */
  private Map<Integer, Integer> run(int count, int concurrency) {
    AtomicInteger next = new AtomicInteger();
    Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    AtomicInteger failures = new AtomicInteger();
    Promise<Void> done = Promise.promise();
    AtomicInteger workers = new AtomicInteger(concurrency);
    Buffer body = Buffer.buffer("{\"load\":true}");
    for (int w = 0; w < concurrency; w++) {
      pump.vertx.runOnContext(v -> sendNext(next, count, statuses, failures, body, () -> {
        if (workers.decrementAndGet() == 0) {
          done.complete();
        }
      }));
    }
    try {
      done.future().await(RUN_DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the run did not finish within " + RUN_DEADLINE, e);
    }
    assertThat(failures.get()).as("requests that got no answer at all").isZero();
    Map<Integer, Integer> result = new TreeMap<>();
    statuses.forEach((status, n) -> result.put(status, (int) n.get()));
    return result;
  }

  private void sendNext(AtomicInteger next, int count, Map<Integer, AtomicLong> statuses, AtomicInteger failures,
                        Buffer body, Runnable finished) {
    if (next.getAndIncrement() >= count) {
      finished.run();
      return;
    }
    Future<?> sent = client.post("/webhooks/load").putHeader("Content-Type", "application/json").sendBuffer(body)
      .onSuccess(response -> statuses.computeIfAbsent(response.statusCode(), s -> new AtomicLong()).incrementAndGet())
      .onFailure(e -> failures.incrementAndGet());
    sent.onComplete(ar -> sendNext(next, count, statuses, failures, body, finished));
  }

  /** Waits until every fire is accounted for: nothing pending, no cycle running. */
  private void awaitQuiet() {
    await().atMost(RUN_DEADLINE).until(() -> !pump.source.isCycling()
      && pump.source.cycles() + pump.source.firesMerged() + pump.source.firesDropped() == hook.fireCount());
  }

  /** Used heap after garbage collection, once two collections in a row agree within 1 MiB. */
  private static long settledHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong last = new AtomicLong(Long.MAX_VALUE);
    AtomicLong settled = new AtomicLong();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
      System.gc();
      long used = memory.getHeapMemoryUsage().getUsed();
      boolean stable = Math.abs(used - last.getAndSet(used)) < (1 << 20);
      settled.set(used);
      return stable;
    });
    return settled.get();
  }
}
