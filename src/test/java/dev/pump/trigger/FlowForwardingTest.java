package dev.pump.trigger;

import dev.pump.PumpApplication;
import dev.pump.testing.SettableClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Forwarding a flow-controlled event to its key's owner and answering with the owner's decision, with two
 * applications on one (not clustered) Vert.x instance and a made-up owner table: node "a" and node "b",
 * each answering on its own address, each believing what its table says about a key.
 */
@ExtendWith(VertxExtension.class)
class FlowForwardingTest {

  private static final long WAIT_S = 10;
  private static final FlowControl RATE_3_AN_HOUR =
    new FlowControl("/account", new FlowControl.Rate(3, Duration.ofHours(1)), null, null, null, 100);

  private final SettableClock clock = SettableClock.at("2026-03-30T07:00:00Z");
  private final List<PumpApplication> apps = new ArrayList<>();
  private final List<TriggerEvent> firedOnA = new CopyOnWriteArrayList<>();
  private final List<TriggerEvent> firedOnB = new CopyOnWriteArrayList<>();

  /** An owner table: key -> address of the owning node; a key missing from it is this node's. */
  private record Owners(String ownAddress, Map<String, String> others) implements FlowOwners {
    @Override
    public String ownerAddress(String triggerId, String key) {
      return others.get(key);
    }
  }

  private WebhookTrigger node(Vertx vertx, String name, Map<String, String> others, FlowControl flow,
                              List<TriggerEvent> fired) throws Exception {
    PumpApplication app = PumpApplication.builder().vertx(vertx).clock(clock).nodeId(name)
      .flowOwners(new Owners("test.flow." + name, others)).build();
    apps.add(app);
    WebhookTrigger hook = new WebhookTrigger(app, "hook").withId("hook");
    hook.withFlowControl(flow);
    app.onFire((trigger, event) -> fired.add(event));
    app.start().await(WAIT_S, TimeUnit.SECONDS);
    return hook;
  }

  @AfterEach
  void close() throws Exception {
    for (PumpApplication app : apps) {
      app.close().await(WAIT_S, TimeUnit.SECONDS);
    }
  }

  private static FireResult submit(Trigger trigger, String account) throws Exception {
    return trigger.submitToOwner(new JsonObject().put("account", account)).await(WAIT_S, TimeUnit.SECONDS);
  }

  @Test
  void eventsForOneKeyArrivingAtBothNodesAreRateLimitedAsOneStreamByTheOwner(Vertx vertx) throws Exception {
    WebhookTrigger a = node(vertx, "a", Map.of("acct-1", "test.flow.b"), RATE_3_AN_HOUR, firedOnA);
    WebhookTrigger b = node(vertx, "b", Map.of(), RATE_3_AN_HOUR, firedOnB);

    List<FireResult.Status> statuses = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      statuses.add(submit(i % 2 == 0 ? a : b, "acct-1").status());
    }

    assertThat(statuses).containsExactly(FireResult.Status.FIRED, FireResult.Status.FIRED, FireResult.Status.FIRED,
      FireResult.Status.REFUSED, FireResult.Status.REFUSED, FireResult.Status.REFUSED);
    assertThat(firedOnA).isEmpty();
    assertThat(firedOnB).hasSize(3).allSatisfy(event -> assertThat(event.node()).isEqualTo("b"));
    assertThat(a.snapshot().getJsonObject("flow").getLong("forwardedToOwner")).isEqualTo(3);
    assertThat(a.snapshot().getJsonObject("flow").getInteger("keys")).isZero();
    assertThat(b.snapshot().getJsonObject("flow").getLong("dropped")).isEqualTo(3);
  }

  @Test
  void aForwardedFireCarriesTheOwnersEventAndTheSendersFiringId(Vertx vertx) throws Exception {
    WebhookTrigger a = node(vertx, "a", Map.of("acct-1", "test.flow.b"), RATE_3_AN_HOUR, firedOnA);
    node(vertx, "b", Map.of(), RATE_3_AN_HOUR, firedOnB);

    FireResult result = a.submitDeliveryToOwner(new JsonObject().put("account", "acct-1").put("n", 7), "hook/unsigned:d-1")
      .await(WAIT_S, TimeUnit.SECONDS);

    assertThat(result.status()).isEqualTo(FireResult.Status.FIRED);
    assertThat(result.event()).isEqualTo(firedOnB.get(0));
    assertThat(result.event().firing()).isEqualTo("hook/unsigned:d-1");
    assertThat(result.event().args()).isEqualTo(new JsonObject().put("account", "acct-1").put("n", 7));
  }

  @Test
  void debouncedEventsFromBothNodesCollapseIntoOneFireOnTheOwner(Vertx vertx) throws Exception {
    FlowControl debounce = new FlowControl("/account", null,
      new FlowControl.Debounce(Duration.ofSeconds(10), Duration.ofMinutes(1)), null, null, 100);
    WebhookTrigger a = node(vertx, "a", Map.of("acct-1", "test.flow.b"), debounce, firedOnA);
    WebhookTrigger b = node(vertx, "b", Map.of(), debounce, firedOnB);

    for (int i = 0; i < 6; i++) {
      assertThat(submit(i % 2 == 0 ? a : b, "acct-1").status()).isEqualTo(FireResult.Status.HELD);
    }
    clock.tick(Duration.ofSeconds(10));

    assertThat(a.releaseDueFlow()).isZero();
    assertThat(b.releaseDueFlow()).isEqualTo(1);
    assertThat(firedOnB).singleElement().satisfies(event ->
      assertThat(event.args().getJsonObject("debounce")).isEqualTo(new JsonObject().put("count", 6)));
  }

  @Test
  void keysOwnedHereAreDecidedHereWithoutTheEventBus(Vertx vertx) throws Exception {
    WebhookTrigger a = node(vertx, "a", Map.of("acct-1", "test.flow.b"), RATE_3_AN_HOUR, firedOnA);

    assertThat(a.submitToOwner(new JsonObject().put("account", "acct-2")).isComplete()).isTrue();
    assertThat(firedOnA).hasSize(1);
    assertThat(a.snapshot().getJsonObject("flow").getLong("forwardedToOwner")).isZero();
  }

  @Test
  void twoNodesThatEachThinkTheOtherOwnsAKeyDecideWhatIsForwardedToThemWithoutBouncingIt(Vertx vertx) throws Exception {
    WebhookTrigger a = node(vertx, "a", Map.of("acct-1", "test.flow.b"), RATE_3_AN_HOUR, firedOnA);
    WebhookTrigger b = node(vertx, "b", Map.of("acct-1", "test.flow.a"), RATE_3_AN_HOUR, firedOnB);

    assertThat(submit(a, "acct-1").status()).isEqualTo(FireResult.Status.FIRED);
    assertThat(submit(b, "acct-1").status()).isEqualTo(FireResult.Status.FIRED);

    assertThat(firedOnB).hasSize(1);
    assertThat(firedOnA).hasSize(1);
    assertThat(a.snapshot().getJsonObject("flow").getLong("forwardedToOwner")).isEqualTo(1);
    assertThat(b.snapshot().getJsonObject("flow").getLong("forwardedToOwner")).isEqualTo(1);
  }

  @Test
  void anOwnerThatCannotBeAskedLeavesTheDecisionToTheReceivingNodeAndIsCounted(Vertx vertx) throws Exception {
    WebhookTrigger a = node(vertx, "a", Map.of("acct-1", "test.flow.gone"), RATE_3_AN_HOUR, firedOnA);

    assertThat(submit(a, "acct-1").status()).isEqualTo(FireResult.Status.FIRED);

    assertThat(firedOnA).hasSize(1);
    JsonObject flow = a.snapshot().getJsonObject("flow");
    assertThat(flow.getLong("forwardedToOwner")).isEqualTo(1);
    assertThat(flow.getLong("ownerUnreachable")).isEqualTo(1);
    assertThat(flow.getInteger("keys")).isEqualTo(1);
  }

  @Test
  void anOwnerWithoutTheTriggerLeavesTheDecisionToTheReceivingNode(Vertx vertx) throws Exception {
    WebhookTrigger a = node(vertx, "a", Map.of("acct-1", "test.flow.b"), RATE_3_AN_HOUR, firedOnA);
    PumpApplication b = PumpApplication.builder().vertx(vertx).clock(clock).nodeId("b")
      .flowOwners(new Owners("test.flow.b", Map.of())).build();
    apps.add(b);
    new WebhookTrigger(b, "other").withId("other").withFlowControl(RATE_3_AN_HOUR); // b serves, but has no "hook"
    b.start().await(WAIT_S, TimeUnit.SECONDS);

    assertThat(submit(a, "acct-1").status()).isEqualTo(FireResult.Status.FIRED);

    assertThat(firedOnA).hasSize(1);
    assertThat(a.snapshot().getJsonObject("flow").getLong("ownerUnreachable")).isEqualTo(1);
  }

  @Test
  void aPausedReceivingNodeAnswersPausedWithoutAskingTheOwner(Vertx vertx) throws Exception {
    WebhookTrigger a = node(vertx, "a", Map.of("acct-1", "test.flow.b"), RATE_3_AN_HOUR, firedOnA);
    node(vertx, "b", Map.of(), RATE_3_AN_HOUR, firedOnB);
    a.pause();

    assertThat(submit(a, "acct-1").status()).isEqualTo(FireResult.Status.PAUSED);

    assertThat(a.snapshot().getJsonObject("flow").getLong("forwardedToOwner")).isZero();
    assertThat(firedOnB).isEmpty();
  }

  @Test
  void aPausedOwnerAnswersPaused(Vertx vertx) throws Exception {
    WebhookTrigger a = node(vertx, "a", Map.of("acct-1", "test.flow.b"), RATE_3_AN_HOUR, firedOnA);
    WebhookTrigger b = node(vertx, "b", Map.of(), RATE_3_AN_HOUR, firedOnB);
    b.pause();

    assertThat(submit(a, "acct-1").status()).isEqualTo(FireResult.Status.PAUSED);
    assertThat(firedOnA).isEmpty();
  }

  @Test
  void aCustomTriggersFireForwardsAndReturnsEmptyWhileTheOwnerDecides(Vertx vertx) throws Exception {
    WebhookTrigger a = node(vertx, "a", Map.of("acct-1", "test.flow.b"), RATE_3_AN_HOUR, firedOnA);
    node(vertx, "b", Map.of(), RATE_3_AN_HOUR, firedOnB);

    assertThat(a.fire(new JsonObject().put("account", "acct-1"))).isEmpty();

    await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> firedOnB.size() == 1);
    assertThat(firedOnA).isEmpty();
  }
  @Test
  void aPubSubRequestIsAnsweredWithTheOwnersDecision(Vertx vertx) throws Exception {
    FlowControl once = new FlowControl("/account", new FlowControl.Rate(1, Duration.ofHours(1)), null, null, null, 100);
    for (String name : List.of("a", "b")) {
      PumpApplication app = PumpApplication.builder().vertx(vertx).clock(clock).nodeId(name)
        .flowOwners(new Owners("test.flow." + name, name.equals("a") ? Map.of("acct-1", "test.flow.b") : Map.of()))
        .build();
      apps.add(app);
      new PubSubTrigger(app, "topic." + name).withId("forced").withFlowControl(once);
      app.onFire((trigger, event) -> (name.equals("a") ? firedOnA : firedOnB).add(event));
      app.start().await(WAIT_S, TimeUnit.SECONDS);
    }
    JsonObject message = new JsonObject().put("account", "acct-1");

    JsonObject first = vertx.eventBus().<JsonObject>request("topic.a", message).await(WAIT_S, TimeUnit.SECONDS).body();
    JsonObject second = vertx.eventBus().<JsonObject>request("topic.b", message).await(WAIT_S, TimeUnit.SECONDS).body();

    assertThat(first.getString("firing")).isEqualTo(firedOnB.get(0).firing());
    assertThat(second).isEqualTo(new JsonObject().put("trigger", "forced")
      .put("refused", "rate limit of 1 per PT1H exceeded for key 'acct-1'"));
    assertThat(firedOnA).isEmpty();
  }
}
