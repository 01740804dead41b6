package dev.pump.config;

import dev.pump.trigger.FlowControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code flow} key of event triggers: rateLimit, debounce, batch, throttle, key, maxKeys. */
class FlowConfigTest {

  @TempDir
  Path dir;

  private Path write(String trigger) throws IOException {
    return ScheduleBoundsConfigTest.writeOneTrigger(dir, trigger);
  }

  @Test
  void aWebhookTakesFlowControlNextToItsRequestRateLimit() throws IOException {
    TriggerConfig.Webhook hook = (TriggerConfig.Webhook) new ConfigLoader(Map.of()).load(write("""
      { type: webhook, id: hook, rateLimit: 100/s,
                flow: { key: /account_id, rateLimit: { limit: 5, period: 1m },
                        debounce: { period: 10s, maxWait: 1m }, throttle: { limit: 2, period: 1s }, maxKeys: 50 } }"""))
      .pipelines().get(0).triggers().get(0);

    assertThat(hook.rateLimit().requests()).isEqualTo(100);
    assertThat(hook.flow()).isEqualTo(new FlowControl("/account_id", new FlowControl.Rate(5, Duration.ofMinutes(1)),
      new FlowControl.Debounce(Duration.ofSeconds(10), Duration.ofMinutes(1)), null,
      new FlowControl.Throttle(2, Duration.ofSeconds(1), FlowControl.DEFAULT_MAX_WAITING), 50));
  }

  @Test
  void aPubSubTriggerTakesABatchAndADebounceWaitsTenPeriodsAtMostByDefault() throws IOException {
    TriggerConfig.PubSub batched = (TriggerConfig.PubSub) new ConfigLoader(Map.of()).load(write(
      "{ type: pubsub, id: t, topic: x, flow: { batch: { maxSize: 100, maxWait: 5s } } }")).pipelines().get(0)
      .triggers().get(0);
    assertThat(batched.flow().batch()).isEqualTo(new FlowControl.Batch(100, Duration.ofSeconds(5)));
    assertThat(batched.flow().maxKeys()).isEqualTo(FlowControl.DEFAULT_MAX_KEYS);

    TriggerConfig.PubSub debounced = (TriggerConfig.PubSub) new ConfigLoader(Map.of()).load(write(
      "{ type: pubsub, id: t, topic: x, flow: { debounce: { period: 2s } } }")).pipelines().get(0).triggers().get(0);
    assertThat(debounced.flow().debounce()).isEqualTo(new FlowControl.Debounce(Duration.ofSeconds(2), Duration.ofSeconds(20)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
    'flow: { }'                                              | pipelines[0].triggers[0].flow: flow control needs at least one of rateLimit, debounce, batch, throttle
    'flow: { rateLimit: { limit: 5 } }'                      | pipelines[0].triggers[0].flow.rateLimit.period: required (a duration such as 10s)
    'flow: { throttle: { limit: 0, period: 1s } }'           | pipelines[0].triggers[0].flow.throttle.limit: must be between 1 and 1000000, got 0
    'flow: { debounce: { period: 1s }, batch: { maxSize: 2, maxWait: 1s } }' | pipelines[0].triggers[0].flow: debounce and batch cannot be combined: each collects events into one fire
    'flow: { key: account_id, rateLimit: { limit: 1, period: 1s } }' | pipelines[0].triggers[0].flow: key "account_id" is not a JSON pointer: it starts with '/', e.g. /account_id
    'flow: { debounce: { period: 1s, wait: 5s } }'           | pipelines[0].triggers[0].flow.debounce.wait: unknown key (known keys: period, maxWait)
    """)
  void checkNamesTheBrokenFlowKey(String key, String expected) throws IOException {
    Path config = write("{ type: pubsub, id: t, topic: x, %s }".formatted(key));

    ConfigValidationTest.Result result = ConfigValidationTest.execute(Map.of(), "check", config.toString());

    assertThat(result.err()).containsExactly(expected);
    assertThat(result.status()).isEqualTo(2);
  }
}
