package dev.pump.http;

import dev.pump.trigger.Backfill;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /api/triggers/{id}/backfill} on the fixture's cron trigger {@code daily} (09:00 in Prague), the
 * clock moved by hand: the pace is decided by the injected clock, so nothing here waits for real time.
 */
@ExtendWith(VertxExtension.class)
class BackfillRoutesTest {

  /** Ten days: 09:00 in Prague on 20 to 29 March 2026 (CET until the 29th, then CEST). */
  private static final String TEN_DAYS = "{\"from\": \"2026-03-20T00:00:00Z\", \"to\": \"2026-03-30T00:00:00Z\"}";

  private PumpFixture pump;
  private final List<TriggerEvent> fired = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    pump = PumpFixture.start(vertx, f -> {
      ManagementApi.mount(ApiRouter.mount(f.app.router(), vertx, ApiAuth.create(null)), f.app, 1024, null);
      f.app.onFire((trigger, event) -> fired.add(event));
    });
  }

  @AfterEach
  void stop() {
    pump.close();
  }

  private Backfill backfill() {
    return pump.cron.lastBackfill().orElseThrow();
  }

  /** Moves the clock and lets the backfill fire what the rate allows by then. */
  private void after(Duration duration) throws Exception {
    pump.clock.tick(duration);
    backfill().advance().await();
  }

  /** Waits until {@code count} slots have fired; the clock does not move, so no more come. */
  private void firedUntil(int count) {
    await().atMost(PumpFixture.DEADLINE).until(() -> fired.size() >= count);
    assertThat(fired).hasSize(count);
  }

  private HttpResponse<Buffer> delete(String path) {
    return pump.send(HttpMethod.DELETE, path, null);
  }

  @Test
  void aBackfillFiresEverySlotOfTheRangeOnceOldestFirstAtTheRate() throws Exception {
    HttpResponse<Buffer> response = pump.post("/api/triggers/daily/backfill", TEN_DAYS);

    assertThat(response.statusCode()).isEqualTo(202);
    JsonObject started = response.bodyAsJsonObject();
    assertThat(started.getString("state")).isEqualTo("running");
    assertThat(started.getInteger("slots")).isEqualTo(10);
    assertThat(started.getInteger("rate")).isEqualTo(10);
    // one slot at once, then at most 10 a second on the injected clock, which has not moved
    firedUntil(1);
    after(Duration.ofMillis(500));
    firedUntil(6);
    after(Duration.ofMillis(500));
    await().atMost(PumpFixture.DEADLINE).until(() -> backfill().state() == Backfill.State.DONE);

    assertThat(fired).extracting(TriggerEvent::firing).containsExactly(
      "daily@2026-03-20T08:00:00Z", "daily@2026-03-21T08:00:00Z", "daily@2026-03-22T08:00:00Z",
      "daily@2026-03-23T08:00:00Z", "daily@2026-03-24T08:00:00Z", "daily@2026-03-25T08:00:00Z",
      "daily@2026-03-26T08:00:00Z", "daily@2026-03-27T08:00:00Z", "daily@2026-03-28T08:00:00Z",
      "daily@2026-03-29T07:00:00Z");
    assertThat(fired.get(0).args()).isEqualTo(new JsonObject().put("backfill", "daily-backfill-1"));
    JsonObject done = pump.get("/api/triggers/daily/backfill").bodyAsJsonObject();
    assertThat(done.getString("state")).isEqualTo("done");
    assertThat(done.getLong("fired")).isEqualTo(10);
    assertThat(done.getLong("left")).isZero();
    assertThat(pump.get("/api/triggers/daily").bodyAsJsonObject().getJsonObject("backfill").getString("state"))
      .isEqualTo("done");
  }

  @Test
  void aRepeatedBackfillOfTheSameRangeFiresNothingTwice() throws Exception {
    pump.post("/api/triggers/daily/backfill", "{\"from\": \"2026-03-25T00:00:00Z\", \"to\": \"2026-03-30T00:00:00Z\"}");
    after(Duration.ofSeconds(1));
    await().atMost(PumpFixture.DEADLINE).until(() -> backfill().state() == Backfill.State.DONE);
    assertThat(fired).hasSize(5);

    // overlapping: 20 to 29 March; the last five were backfilled already
    assertThat(pump.post("/api/triggers/daily/backfill", TEN_DAYS).statusCode()).isEqualTo(202);
    after(Duration.ofSeconds(1));
    await().atMost(PumpFixture.DEADLINE).until(() -> backfill().state() == Backfill.State.DONE);

    assertThat(fired).hasSize(10);
    assertThat(fired.stream().map(TriggerEvent::firing).distinct()).hasSize(10);
    JsonObject second = pump.get("/api/triggers/daily/backfill").bodyAsJsonObject();
    assertThat(second.getLong("fired")).isEqualTo(5);
    assertThat(second.getLong("alreadyFired")).isEqualTo(5);
  }

  @Test
  void aCancelledBackfillFiresNoMore() throws Exception {
    pump.post("/api/triggers/daily/backfill", TEN_DAYS.replace("}", ", \"rate\": 1}"));
    firedUntil(1);

    HttpResponse<Buffer> cancelled = delete("/api/triggers/daily/backfill");
    assertThat(cancelled.statusCode()).isEqualTo(200);
    assertThat(cancelled.bodyAsJsonObject().getString("state")).isEqualTo("cancelled");
    assertThat(cancelled.bodyAsJsonObject().getLong("left")).isEqualTo(9);
    after(Duration.ofMinutes(1));
    assertThat(fired).hasSize(1);
  }

  @Test
  void aSecondBackfillWhileOneRunsIsAConflict() {
    pump.post("/api/triggers/daily/backfill", TEN_DAYS);
    HttpResponse<Buffer> second = pump.post("/api/triggers/daily/backfill", TEN_DAYS);
    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(second.bodyAsJsonObject().getString("error"))
      .isEqualTo("backfill daily-backfill-1 of cron trigger 'daily' is still running: cancel it first");
  }

  @Test
  void aPausedTriggersBackfillWaits() throws Exception {
    pump.cron.pause();
    pump.post("/api/triggers/daily/backfill", TEN_DAYS);
    after(Duration.ofSeconds(5));
    assertThat(fired).isEmpty();
    assertThat(pump.get("/api/triggers/daily/backfill").bodyAsJsonObject().getBoolean("waitingWhilePaused")).isTrue();

    pump.cron.resume();
    backfill().advance().await();
    firedUntil(1);
    assertThat(backfill().fired()).isEqualTo(1);
  }

  @Test
  void withoutABackfillGetAndDeleteAre404() {
    for (HttpResponse<Buffer> response : List.of(pump.get("/api/triggers/daily/backfill"),
      delete("/api/triggers/daily/backfill"))) {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("trigger 'daily' has no backfill");
    }
    assertThat(pump.get("/api/triggers/nope/backfill").statusCode()).isEqualTo(404);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
    '[1]'                                                            | body must be a JSON object, got an array
    '{"to": "2026-03-30T00:00:00Z"}'                                 | from: required (an ISO-8601 instant such as 2026-03-30T07:00:00Z or 2026-03-30T09:00:00+02:00)
    '{"from": "yesterday", "to": "2026-03-30T00:00:00Z"}'            | from: 'yesterday' is not an ISO-8601 instant such as 2026-03-30T07:00:00Z or 2026-03-30T09:00:00+02:00
    '{"from": "2026-03-20T00:00:00Z", "to": 5}'                      | to: must be an ISO-8601 instant such as 2026-03-30T07:00:00Z or 2026-03-30T09:00:00+02:00 in a string, got 5
    '{"from": "2026-03-20T00:00:00Z", "to": "2026-03-20T00:00:00Z"}' | to (2026-03-20T00:00:00Z) must be after from (2026-03-20T00:00:00Z)
    '{"from": "2026-03-20T00:00:00Z", "to": "2026-04-20T00:00:00Z"}' | to (2026-04-20T00:00:00Z) must not be after now (2026-03-30T06:59:00Z): a backfill fires past slots
    '{"from": "1990-01-01T00:00:00Z", "to": "2026-03-20T00:00:00Z"}' | from/to: the range from 1990-01-01T00:00:00Z to 2026-03-20T00:00:00Z holds more than 10000 slots: backfill it in parts
    '{"from": "2026-03-20T00:00:00Z", "to": "2026-03-21T00:00:00Z", "rate": 0}'   | rate: must be a whole number of slots per second from 1 to 1000, got 0
    '{"from": "2026-03-20T00:00:00Z", "to": "2026-03-21T00:00:00Z", "speed": 5}'  | speed: unknown field (known fields: from, to, rate)
    """)
  void aBadBodyIs400NamingTheField(String body, String error) {
    HttpResponse<Buffer> response = pump.post("/api/triggers/daily/backfill", body);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo(error);
    assertThat(fired).isEmpty();
  }

  @Test
  void onlyTimeTriggersHaveSlotsToBackfill() {
    HttpResponse<Buffer> response = pump.post("/api/triggers/hook/backfill", TEN_DAYS);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("error"))
      .isEqualTo("trigger 'hook' is a webhook trigger: only time triggers (cron, periodic) have slots to backfill");
  }
}
