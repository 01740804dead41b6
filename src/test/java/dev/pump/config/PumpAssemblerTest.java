package dev.pump.config;

import dev.pump.PumpApplication;
import dev.pump.pipeline.Durability;
import dev.pump.pipeline.FileSink;
import dev.pump.pipeline.LogSink;
import dev.pump.pipeline.Pipeline;
import dev.pump.source.ClockSource;
import dev.pump.source.Overlap;
import dev.pump.source.TriggerSource;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.PeriodicTrigger;
import dev.pump.trigger.Trigger;
import dev.pump.trigger.WebhookTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A configuration becomes the objects a developer would have built by hand. */
@ExtendWith(VertxExtension.class)
class PumpAssemblerTest {

  @TempDir
  Path dir;

  private PumpApplication app;

  @AfterEach
  void closeTheApplication() throws Exception {
    if (app != null) {
      app.close().await(20, TimeUnit.SECONDS);
    }
  }

  private PumpApplication assemble(Vertx vertx, String json) {
    PumpConfig config = PumpConfig.fromJson(new JsonObject(json.replace("$DIR", dir.toString())
      .replace("$PLUGINS", TestPlugins.PREFIX)));
    app = PumpAssembler.assemble(config, PumpApplication.builder().vertx(vertx));
    return app;
  }

  @Test
  void triggersKeepTheirIdsAndARefSharesOneTrigger(Vertx vertx) {
    assemble(vertx, """
      {"pipelines": [
        {"id": "a", "source": {"type": "clock"}, "sink": {"type": "log"},
         "triggers": [{"type": "cron", "id": "every-5-min", "schedule": "*/5 * * * *", "zone": "Europe/Prague"},
                      {"type": "webhook", "id": "hook", "name": "deploy"}]},
        {"id": "b", "source": {"type": "clock"}, "sink": {"type": "log"},
         "triggers": [{"ref": "every-5-min"}, {"type": "periodic", "id": "tick", "interval": "10s"}]}]}
      """);

    assertThat(app.triggers()).extracting(Trigger::id).containsExactly("every-5-min", "hook", "tick");
    CronTrigger cron = (CronTrigger) app.trigger("every-5-min").orElseThrow();
    assertThat(cron.zone()).contains(ZoneId.of("Europe/Prague"));
    assertThat(cron.sources()).containsExactlyInAnyOrder("a", "b");
    assertThat(((WebhookTrigger) app.trigger("hook").orElseThrow()).name()).isEqualTo("deploy");
    assertThat(((PeriodicTrigger) app.trigger("tick").orElseThrow()).interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(app.webhook("deploy")).isPresent();
  }

  @Test
  void eachPipelineGetsItsSourceNamedAfterIt(Vertx vertx) {
    assemble(vertx, """
      {"pipelines": [{"id": "heartbeat", "source": {"type": "clock"}, "sink": {"type": "log", "name": "beats"},
                      "triggers": [{"type": "runonce", "id": "start"}]}]}
      """);

    TriggerSource source = app.sources().get(0);
    assertThat(source).isInstanceOf(ClockSource.class);
    assertThat(source.id()).isEqualTo("heartbeat");
    assertThat(source.triggers()).extracting(Trigger::id).containsExactly("start");
    Pipeline pipeline = app.pipeline("heartbeat").orElseThrow();
    assertThat(((LogSink) pipeline.sink()).loggerName()).isEqualTo("dev.pump.sink.beats");
  }

  @Test
  void classesReceiveTheirConfig(Vertx vertx) throws Exception {
    assemble(vertx, """
      {"pipelines": [{"id": "p",
        "source": {"type": "class", "class": "$PLUGINSConfiguredSource", "config": {"region": "eu"}},
        "processors": [{"class": "$PLUGINSTaggingProcessor", "config": {"field": "env", "value": "prod"}},
                       {"class": "$PLUGINSPassProcessor"}],
        "sink": {"type": "log"},
        "triggers": [{"type": "runonce", "id": "start"}]}]}
      """);

    TestPlugins.ConfiguredSource source = (TestPlugins.ConfiguredSource) app.sources().get(0);
    assertThat(source.config).isEqualTo(new JsonObject().put("region", "eu"));
    Pipeline pipeline = app.pipeline("p").orElseThrow();
    assertThat(pipeline.processors().get(0).process(new JsonObject())).isEqualTo(new JsonObject().put("env", "prod"));
    assertThat(pipeline.processors().get(1)).isInstanceOf(TestPlugins.PassProcessor.class);
  }

  @Test
  void fileSinksOfOneFileShareOneWriter(Vertx vertx) {
    assemble(vertx, """
      {"pipelines": [
        {"id": "a", "source": {"type": "clock"}, "sink": {"type": "file", "path": "$DIR/events.jsonl"},
         "triggers": [{"type": "runonce", "id": "start"}]},
        {"id": "b", "source": {"type": "clock"}, "sink": {"type": "file", "path": "$DIR/./events.jsonl"},
         "triggers": [{"ref": "start"}]}]}
      """);

    FileSink a = (FileSink) app.pipeline("a").orElseThrow().sink();
    assertThat(app.pipeline("b").orElseThrow().sink()).isSameAs(a);
    assertThat(a.path()).isEqualTo(dir.resolve("events.jsonl"));
  }

  @Test
  void aConstructorThatThrowsIsReportedWithItsKeyPath(Vertx vertx) {
    InvalidConfigException failure = catchThrowableOfType(InvalidConfigException.class, () -> assemble(vertx, """
      {"pipelines": [{"id": "p", "source": {"type": "clock"},
        "sink": {"type": "class", "class": "$PLUGINSExplodingSink"},
        "triggers": [{"type": "runonce", "id": "start"}]}]}
      """));

    assertThat(failure.problems()).containsExactly("pipelines[0].sink.class: the constructor of '" + TestPlugins.PREFIX
        + "ExplodingSink' failed: IllegalStateException: no disk today");
  }

  @Test
  void anEntryWhoseKindIsNotOnTheClasspathIsReportedWithItsKeyPath(Vertx vertx) {
    TriggerConfig ofNoKind = new TriggerConfig() {     // built by hand, for a kind that is not on the classpath
      @Override
      public String type() {
        return "doorbell";
      }

      @Override
      public String id() {
        return "bell";
      }
    };
    PumpConfig config = new PumpConfig(HttpConfig.defaults(), dir, Duration.ZERO, ClusterConfig.defaults(),
      List.of(new PipelineConfig("p", new SourceConfig.Clock(), Overlap.MERGE, List.of(ofNoKind), List.of(),
        new SinkConfig.Log("p"), Durability.JOURNAL)));

    InvalidConfigException failure = catchThrowableOfType(InvalidConfigException.class,
      () -> PumpAssembler.assemble(config, PumpApplication.builder().vertx(vertx)));

    assertThat(failure.problems()).containsExactly("pipelines[0].triggers[0].type: unknown trigger type 'doorbell' "
      + "(known types are: cron, periodic, pubsub, webhook, opportunistic, runonce)");
  }
}
