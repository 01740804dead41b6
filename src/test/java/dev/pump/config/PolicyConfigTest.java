package dev.pump.config;

import dev.pump.source.Overlap;
import dev.pump.trigger.CatchUp;
import dev.pump.trigger.CronSchedule;
import dev.pump.trigger.FiringMode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The scheduling policy keys: on time triggers (catch-up, jitter ...) and on sources (overlap). */
class PolicyConfigTest {

  @TempDir
  Path dir;

  private PipelineConfig bindOnlyPipeline(String source, String trigger) {
    JsonObject root = new JsonObject(Map.of("pipelines", io.vertx.core.json.JsonArray.of(new JsonObject()
      .put("id", "p")
      .put("source", new JsonObject(source))
      .put("triggers", io.vertx.core.json.JsonArray.of(new JsonObject(trigger)))
      .put("sink", new JsonObject().put("type", "log")))));
    return new ConfigBinder(Map.of()).bind(root).pipelines().get(0);
  }

  @Test
  void timeTriggersTakeEveryPolicyKey() {
    PipelineConfig pipeline = bindOnlyPipeline("{\"type\":\"clock\"}", """
      {"type": "cron", "id": "c", "schedule": "*/5 * * * *", "mode": "every-node", "catchUp": "all",
       "catchUpLimit": 3, "startingDeadline": "1h", "jitter": "30s", "spread": "10s"}""");

    TimePolicy policy = ((TriggerConfig.Cron) pipeline.triggers().get(0)).policy();
    assertThat(policy).isEqualTo(new TimePolicy(FiringMode.EVERY_NODE, CatchUp.ALL, 3,
      Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofSeconds(10)));
  }

  @Test
  void timeTriggersDefaultToClusterOnceWithoutCatchUp() {
    PipelineConfig pipeline = bindOnlyPipeline("{\"type\":\"clock\"}",
      "{\"type\": \"periodic\", \"id\": \"p\", \"interval\": \"10s\"}");
    assertThat(((TriggerConfig.Periodic) pipeline.triggers().get(0)).policy()).isEqualTo(TimePolicy.DEFAULT);
    assertThat(pipeline.overlap()).isEqualTo(Overlap.MERGE);
  }

  @Test
  void cronTriggersTakeADaylightSavingPolicy() {
    PipelineConfig pipeline = bindOnlyPipeline("{\"type\":\"clock\"}", """
      {"type": "cron", "id": "c", "schedule": "30 2 * * *", "zone": "Europe/Prague",
       "dst": {"gap": "skip", "overlap": "both"}}""");

    CronSchedule schedule = ((TriggerConfig.Cron) pipeline.triggers().get(0)).schedule();
    assertThat(schedule.dst()).isEqualTo(
      new CronSchedule.DstPolicy(CronSchedule.GapPolicy.SKIP, CronSchedule.OverlapPolicy.BOTH));
    // 02:30 does not exist on 2026-03-29 in Prague: skipped, not shifted to 03:00
    assertThat(schedule.nextAfter(Instant.parse("2026-03-28T02:00:00Z")))
      .contains(Instant.parse("2026-03-30T00:30:00Z"));
  }

  @Test
  void sourcesTakeAnOverlapPolicyWithItsLimit() {
    String trigger = "{\"type\": \"runonce\", \"id\": \"once\"}";
    assertThat(bindOnlyPipeline("{\"type\":\"clock\",\"overlap\":\"skip\"}", trigger).overlap()).isEqualTo(Overlap.SKIP);
    assertThat(bindOnlyPipeline("{\"type\":\"clock\",\"overlap\":\"queue\",\"queueLimit\":7}", trigger).overlap())
      .isEqualTo(Overlap.queue(7));
    assertThat(bindOnlyPipeline("{\"type\":\"clock\",\"overlap\":\"concurrent\"}", trigger).overlap())
      .isEqualTo(Overlap.concurrent(2));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
    catchUp: lates                          | pipelines[0].triggers[0].catchUp: must be none or latest or all, got "lates" (did you mean 'latest'?)
    mode: once                              | pipelines[0].triggers[0].mode: must be cluster-once or every-node, got "once"
    catchUpLimit: 0                         | pipelines[0].triggers[0].catchUpLimit: must be between 1 and 100000, got 0
    startingDeadline: soon                  | pipelines[0].triggers[0].startingDeadline: must be a duration like 500ms, 10s, 5m, 1h or 1d, got "soon"
    jitter: 30                              | pipelines[0].triggers[0].jitter: must be a duration like 500ms, 10s, 5m, 1h or 1d, got 30
    spred: 10s                              | pipelines[0].triggers[0].spred: unknown key (did you mean 'spread'?)
    'dst: { gap: jump }'                    | pipelines[0].triggers[0].dst.gap: must be shift or skip, got "jump"
    'dst: { overlap: twice }'               | pipelines[0].triggers[0].dst.overlap: must be first or both, got "twice"
    """)
  void checkRejectsABrokenTimePolicy(String key, String expected) throws IOException {
    Path config = Files.writeString(dir.resolve("c.yaml"), """
      pipelines:
        - id: p
          source: { type: clock }
          triggers:
            - { type: cron, id: c, schedule: "* * * * *", %s }
          sink: { type: log }
      """.formatted(key));

    ConfigValidationTest.Result result = ConfigValidationTest.execute(Map.of(), "check", config.toString());

    assertThat(result.err()).containsExactly(expected);
    assertThat(result.status()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
    overlap: queu                           | pipelines[0].source.overlap: must be merge or skip or queue or concurrent, got "queu" (did you mean 'queue'?)
    overlap: merge, queueLimit: 5           | pipelines[0].source.queueLimit: applies only to overlap: queue, not merge
    overlap: queue, maxConcurrent: 5        | pipelines[0].source.maxConcurrent: applies only to overlap: concurrent, not queue
    overlap: queue, queueLimit: 0           | pipelines[0].source.queueLimit: must be between 1 and 1000000, got 0
    overlap: concurrent, maxConcurrent: 999 | pipelines[0].source.maxConcurrent: must be between 1 and 256, got 999
    """)
  void checkRejectsABrokenOverlapPolicy(String keys, String expected) throws IOException {
    Path config = Files.writeString(dir.resolve("o.yaml"), """
      pipelines:
        - id: p
          source: { type: clock, %s }
          triggers:
            - { type: runonce, id: once }
          sink: { type: log }
      """.formatted(keys));

    ConfigValidationTest.Result result = ConfigValidationTest.execute(Map.of(), "check", config.toString());

    assertThat(result.err()).containsExactly(expected);
    assertThat(result.status()).isEqualTo(2);
  }
}
