package dev.pump.http;

import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@ExtendWith(VertxExtension.class)
class ManagementApiTest {

  private PumpFixture pump;

  @BeforeEach
  void start(Vertx vertx) {
    pump = PumpFixture.start(vertx,
      f -> ManagementApi.mount(ApiRouter.mount(f.app.router(), vertx, ApiAuth.create(null)), f.app, 64, null));
  }

  @AfterEach
  void stop() {
    pump.close();
  }

  @Test
  void mountRefusesANegativeBodyLimit() {
    assertThatIllegalArgumentException()
      .isThrownBy(() -> ManagementApi.mount(pump.app.router(), pump.app, -1, null))
      .withMessage("maxBodyBytes must be >= 0, got -1");
  }

  @Test
  void listsEveryTriggerWithItsSnapshot() {
    HttpResponse<Buffer> response = pump.get("/api/triggers");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    JsonArray triggers = response.bodyAsJsonArray();
    assertThat(triggers.stream().map(t -> ((JsonObject) t).getString("id"))).containsExactly("hook", "daily", "forced");
    JsonObject cron = triggers.getJsonObject(1);
    assertThat(cron.getString("type")).isEqualTo("cron");
    assertThat(cron.getString("spec")).isEqualTo("0 9 * * *");
    assertThat(cron.getString("zone")).isEqualTo("Europe/Prague");
    assertThat(cron.getBoolean("paused")).isFalse();
    assertThat(cron.getString("nextFireAt")).isEqualTo("2026-03-30T07:00:00Z");
    assertThat(cron.getLong("fireCount")).isZero();
    assertThat(cron.getJsonArray("sources")).containsExactly("collector");
  }

  @Test
  void getsOneTriggerById() {
    HttpResponse<Buffer> response = pump.get("/api/triggers/hook");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("type")).isEqualTo("webhook");
    assertThat(response.bodyAsJsonObject().getString("spec")).isEqualTo("/webhooks/hook");
  }

  @Test
  void unknownTriggerIdsAre404InEveryRoute() {
    for (HttpResponse<Buffer> response : List.of(pump.get("/api/triggers/nope"), pump.post("/api/triggers/nope/fire"),
      pump.post("/api/triggers/nope/pause"), pump.post("/api/triggers/nope/resume"))) {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", "no trigger 'nope'"));
    }
  }

  @Test
  void fireHandsTheBodyAsArgsToTheSourcesCycle() throws InterruptedException {
    HttpResponse<Buffer> response = pump.post("/api/triggers/forced/fire", "{\"key\": \"value\"}");

    assertThat(response.statusCode()).isEqualTo(202);
    JsonObject answer = response.bodyAsJsonObject();
    assertThat(answer.getString("trigger")).isEqualTo("forced");
    TriggerEvent event = pump.source.nextEvent();
    assertThat(event.firing()).isEqualTo(answer.getString("firing"));
    assertThat(event.trigger()).isEqualTo("forced");
    assertThat(event.args()).isEqualTo(new JsonObject().put("key", "value"));
    assertThat(event.scheduledAt()).isNull();
    assertThat(event.firedAt()).isEqualTo(PumpFixture.START);
    assertThat(pump.get("/api/triggers/forced").bodyAsJsonObject().getLong("fireCount")).isEqualTo(1);
  }

  @Test
  void fireWithAnEmptyBodyHasEmptyArgs() throws InterruptedException {
    assertThat(pump.post("/api/triggers/daily/fire").statusCode()).isEqualTo(202);

    TriggerEvent event = pump.source.nextEvent();
    assertThat(event.trigger()).isEqualTo("daily");
    assertThat(event.args()).isEqualTo(new JsonObject());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "[1, 2]      | body must be a JSON object, got an array",
    "\"text\"    | body must be a JSON object, got a string",
    "{\"open\":  | body is not valid JSON"})
  void fireRefusesABodyThatIsNotAJsonObject(String body, String message) {
    HttpResponse<Buffer> response = pump.post("/api/triggers/hook/fire", body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo(message);
    assertThat(pump.webhook.fireCount()).isZero();
  }

  @Test
  void fireRefusesABodyOverTheLimitWith413() {
    HttpResponse<Buffer> response = pump.post("/api/triggers/hook/fire", "{\"pad\": \"" + "x".repeat(100) + "\"}");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("request body too large");
    assertThat(pump.webhook.fireCount()).isZero();
  }

  @Test
  void aPausedTriggerAnswers409UntilResumed() throws InterruptedException {
    HttpResponse<Buffer> paused = pump.post("/api/triggers/hook/pause");
    assertThat(paused.statusCode()).isEqualTo(200);
    assertThat(paused.bodyAsJsonObject().getBoolean("paused")).isTrue();

    HttpResponse<Buffer> refused = pump.post("/api/triggers/hook/fire");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("trigger 'hook' is paused");

    HttpResponse<Buffer> resumed = pump.post("/api/triggers/hook/resume");
    assertThat(resumed.statusCode()).isEqualTo(200);
    assertThat(resumed.bodyAsJsonObject().getBoolean("paused")).isFalse();
    assertThat(pump.post("/api/triggers/hook/fire").statusCode()).isEqualTo(202);
    assertThat(pump.source.nextEvent().trigger()).isEqualTo("hook");
  }

  @Test
  void listsPipelinesWithTheirSources() {
    HttpResponse<Buffer> response = pump.get("/api/pipelines");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonArray pipelines = response.bodyAsJsonArray();
    assertThat(pipelines).hasSize(1);
    JsonObject main = pipelines.getJsonObject(0);
    assertThat(main.getString("id")).isEqualTo("main");
    assertThat(main.getBoolean("ready")).isTrue();
    assertThat(main.getJsonObject("counters").getLong("eventsIn")).isZero();
    JsonObject source = main.getJsonArray("sources").getJsonObject(0);
    assertThat(source.getString("id")).isEqualTo("collector");
    assertThat(source.getJsonArray("triggers")).containsExactly("hook", "daily", "forced");
    assertThat(pump.get("/api/pipelines/main").bodyAsJsonObject()).isEqualTo(main);
  }

  @Test
  void unknownPipelineIdsAre404() {
    for (HttpResponse<Buffer> response : List.of(pump.get("/api/pipelines/nope"),
      pump.post("/api/pipelines/nope/clear-error"))) {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", "no pipeline 'nope'"));
    }
  }

  @Test
  void clearErrorMakesAFailedPipelineReadyAgain() throws InterruptedException {
    pump.source.failNext = new IllegalStateException("database is down");
    pump.post("/api/triggers/hook/fire");
    assertThat(pump.nextCycleFailed()).isTrue();

    JsonObject failed = pump.get("/api/pipelines/main").bodyAsJsonObject();
    assertThat(failed.getBoolean("ready")).isFalse();
    assertThat(failed.getJsonObject("error").getString("message")).isEqualTo("IllegalStateException: database is down");
    assertThat(failed.getJsonObject("error").getString("at")).isEqualTo(PumpFixture.START.toString());
    assertThat(failed.getJsonObject("counters").getLong("errors")).isEqualTo(1);

    HttpResponse<Buffer> cleared = pump.post("/api/pipelines/main/clear-error");
    assertThat(cleared.statusCode()).isEqualTo(200);
    assertThat(cleared.bodyAsJsonObject().getBoolean("ready")).isTrue();
    assertThat(cleared.bodyAsJsonObject().getValue("error")).isNull();
  }

  @Test
  void cronNextListsFireTimesWithTheOffsetOfTheZone() {
    HttpResponse<Buffer> response = pump.get(
      "/api/cron/next?expr=0+9+*+*+*&zone=Europe/Prague&from=2026-03-28T00:00:00Z&n=3");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("expr", "0 9 * * *")
      .put("zone", "Europe/Prague")
      .put("next", new JsonArray()
        .add("2026-03-28T09:00:00+01:00").add("2026-03-29T09:00:00+02:00").add("2026-03-30T09:00:00+02:00")));
  }

  @Test
  void cronNextUnderstandsTheQuartzDayForms() {
    JsonObject answer = pump.get("/api/cron/next?expr=0+10+%3F+*+MON%231&zone=UTC&from=2026-01-01T00:00:00Z&n=3")
      .bodyAsJsonObject();

    assertThat(answer.getString("expr")).isEqualTo("0 10 ? * MON#1");
    assertThat(answer.getJsonArray("next")).containsExactly(
      "2026-01-05T10:00:00Z", "2026-02-02T10:00:00Z", "2026-03-02T10:00:00Z");
  }

  @Test
  void cronNextListsSlotsShiftedOutOfADaylightSavingGap() {
    JsonObject answer = pump.get("/api/cron/next?expr=30+2+*+*+*&zone=Europe/Prague&from=2026-03-28T00:00:00Z&n=3")
      .bodyAsJsonObject();

    assertThat(answer.getJsonArray("next")).containsExactly(
      "2026-03-28T02:30:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00");
    assertThat(answer.getJsonArray("shifted")).containsExactly("2026-03-29T03:00:00+02:00");
  }

  @Test
  void cronNextCountsFromTheApplicationClockAndGivesFiveTimesByDefault() {
    JsonObject answer = pump.get("/api/cron/next?expr=%40hourly&zone=UTC").bodyAsJsonObject();

    assertThat(answer.getString("zone")).isEqualTo("UTC");
    assertThat(answer.getJsonArray("next")).containsExactly("2026-03-30T07:00:00Z", "2026-03-30T08:00:00Z",
      "2026-03-30T09:00:00Z", "2026-03-30T10:00:00Z", "2026-03-30T11:00:00Z");
  }

  @Test
  void cronNextDefaultsToTheSystemZone() {
    JsonObject answer = pump.get("/api/cron/next?expr=0+9+*+*+*&n=1").bodyAsJsonObject();

    assertThat(answer.getString("zone")).isEqualTo(ZoneId.systemDefault().getId());
    assertThat(answer.getJsonArray("next")).hasSize(1);
  }

  @Test
  void cronNextReadsAnUnencodedPlusAsPlus() {
    JsonObject answer = pump.get("/api/cron/next?expr=0+9+*+*+*&zone=+02:00&from=2026-03-30T09:00:00+02:00&n=1")
      .bodyAsJsonObject();

    assertThat(answer.getString("zone")).isEqualTo("+02:00");
    assertThat(answer.getJsonArray("next")).containsExactly("2026-03-31T09:00:00+02:00");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "zone=UTC                              | query parameter 'expr' is required",
    "expr=61+*+*+*+*                       | expr: \"61 * * * *\": minute 61 is out of range 0-59",
    "expr=0+0+30+2+*                       | expr: \"0 0 30 2 *\": never fires: February has no day 30",
    "expr=0+0+L-30+2+*                     | expr: \"0 0 L-30 2 *\": never fires: no day of February matches",
    "expr=%40daily&zone=Mars/Olympus_Mons  | zone: unknown time zone 'Mars/Olympus_Mons'",
    "expr=%40daily&from=yesterday          | from: 'yesterday' is not an ISO-8601 instant",
    "expr=%40daily&n=0                     | n: must be a whole number from 1 to 1000, got '0'",
    "expr=%40daily&n=1001                  | n: must be a whole number from 1 to 1000, got '1001'",
    "expr=%40daily&n=five                  | n: must be a whole number from 1 to 1000, got 'five'"})
  void cronNextAnswers400NamingTheInvalidParameter(String query, String message) {
    HttpResponse<Buffer> response = pump.get("/api/cron/next?" + query);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("error")).startsWith(message);
  }

  @Test
  void cronNextGivesAtMostAThousandTimes() {
    JsonObject answer = pump.get("/api/cron/next?expr=*+*+*+*+*&zone=UTC&n=1000").bodyAsJsonObject();

    assertThat(answer.getJsonArray("next")).hasSize(1000);
  }

  @Test
  void unknownRoutesAndWrongMethodsAreJsonErrors() {
    HttpResponse<Buffer> unknown = pump.get("/api/nothing-here");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject().getString("error")).isEqualTo("not found");

    HttpResponse<Buffer> wrongMethod = pump.send(HttpMethod.DELETE, "/api/triggers", null);
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.bodyAsJsonObject().getString("error")).isEqualTo("method not allowed");
  }
}
