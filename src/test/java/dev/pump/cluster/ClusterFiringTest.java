package dev.pump.cluster;

import dev.pump.PumpApplication;
import dev.pump.pipeline.Pipeline;
import dev.pump.testing.CollectingSink;
import dev.pump.testing.RecordingSource;
import dev.pump.trigger.CronTrigger;
import dev.pump.trigger.FiringMode;
import dev.pump.trigger.PubSubTrigger;
import dev.pump.trigger.Trigger;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three applications, each on its own clustered Vert.x in this JVM (nodes {@code node-0..2}), with the same
 * triggers: where each kind of fire runs in a cluster.
 */
class ClusterFiringTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final int NODES = 3;
  /** Cluster-once triggers sharing one schedule: each node claims their slot in one ledger call. */
  private static final int GROUP = 20;

  private static ClusterNodes nodes;
  private static final List<PumpApplication> apps = new ArrayList<>();
  /** Every fire on every node, as the applications report them (a source may merge fires into one cycle). */
  private static final List<TriggerEvent> fired = new CopyOnWriteArrayList<>();
  private static final List<CronTrigger> onceTriggers = new ArrayList<>();
  private static Instant allStarted;

  @BeforeAll
  static void startThreeNodes() throws Exception {
    nodes = ClusterNodes.start(NODES);
    for (int i = 0; i < NODES; i++) {
      Vertx vertx = nodes.get(i);
      PumpApplication app = PumpApplication.builder().vertx(vertx).nodeId("node-" + i)
        .slotLedger(new ClusterSlotLedger(vertx, ClusterNodes.manager(vertx), "node-" + i, Duration.ofSeconds(30))).build();
      apps.add(app);
      app.onFire((trigger, event) -> fired.add(event));
      CronTrigger once = new CronTrigger(app, "*/1 * * * * *", UTC);
      once.withId("every-second");
      onceTriggers.add(once);
      List<Trigger> group = new ArrayList<>();
      for (int g = 0; g < GROUP; g++) {
        group.add(new CronTrigger(app, "*/1 * * * * *", UTC).withId("group-" + g));
      }
      new RecordingSource(app, new Pipeline("g", new CollectingSink())).on(group.toArray(Trigger[]::new));
      CronTrigger everywhere = new CronTrigger(app, "*/1 * * * * *", UTC);
      everywhere.withMode(FiringMode.EVERY_NODE).withId("every-second-everywhere");
      new RecordingSource(app, new Pipeline("p", new CollectingSink())).on(
        new PubSubTrigger(app, "test.published").withId("published"),
        new PubSubTrigger(app, "test.sent").withId("sent"),
        once, everywhere);
    }
    // start() completes once every consumer is registered, cluster-wide
    for (PumpApplication app : apps) {
      app.start().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
    allStarted = Instant.now();
    nodes.awaitSafe();
  }

  @AfterAll
  static void stopThreeNodes() throws Exception {
    for (PumpApplication app : apps) {
      app.close().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
    if (nodes != null) {
      nodes.close();
    }
  }

  private static List<TriggerEvent> firesOf(String triggerId) {
    return fired.stream().filter(e -> e.trigger().equals(triggerId)).toList();
  }

  @Test
  void publishOnOneNodeFiresThePubSubTriggerOnEveryNode() {
    nodes.get(0).eventBus().publish("test.published", new JsonObject().put("from", "node-0"));

    await().atMost(DEADLINE).during(Duration.ofMillis(300)).until(() -> firesOf("published").size() == NODES);
    assertThat(firesOf("published")).extracting(TriggerEvent::node)
      .containsExactlyInAnyOrder("node-0", "node-1", "node-2");
    assertThat(firesOf("published")).allSatisfy(e -> assertThat(e.args()).isEqualTo(new JsonObject().put("from", "node-0")));
  }

  @Test
  void sendFiresThePubSubTriggerOnExactlyOneNode() throws Exception {
    List<String> firings = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Message<JsonObject> reply = nodes.get(0).eventBus().<JsonObject>request("test.sent", new JsonObject().put("n", i))
        .await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      firings.add(reply.body().getString("firing"));
    }

    // each of the six replies names one firing; no node runs a send that another one answered
    await().atMost(DEADLINE).during(Duration.ofMillis(500)).until(() -> firesOf("sent").size() == 6);
    assertThat(firesOf("sent")).extracting(TriggerEvent::firing).containsExactlyInAnyOrderElementsOf(firings);
  }

  @Test
  void aPerSecondCronInClusterOnceModeFiresEverySlotExactlyOnceAcrossTheNodes() {
    Instant first = allStarted.plusSeconds(1);
    await().atMost(DEADLINE).until(() -> slotsAfter(firesOf("every-second"), first).size() >= 12);
    Map<Instant, List<String>> bySlot = slotsAfter(firesOf("every-second"), first);
    List<Instant> slots = new ArrayList<>(bySlot.keySet()).subList(0, 12);

    for (int i = 1; i < slots.size(); i++) {
      assertThat(slots.get(i)).as("slots follow each other, none missing").isEqualTo(slots.get(i - 1).plusSeconds(1));
    }
    for (Instant slot : slots) {
      assertThat(bySlot.get(slot)).as("nodes that fired %s", slot).hasSize(1);
    }
    // every node competed for every slot: the two losers of each slot count it once it is settled
    await().atMost(DEADLINE).until(() -> onceTriggers.stream().mapToLong(CronTrigger::lostClaims).sum() >= 2L * 12);
  }

  @Test
  void aGroupOfClusterOnceTriggersSharingASlotFiresEachTriggerOnceAcrossTheNodes() {
    Instant first = allStarted.plusSeconds(2);
    List<TriggerEvent> groupFires = new ArrayList<>();
    await().atMost(DEADLINE).until(() -> {
      groupFires.clear();
      fired.stream().filter(e -> e.trigger().startsWith("group-") && !e.scheduledAt().isBefore(first)
        && e.scheduledAt().isBefore(first.plusSeconds(4))).forEach(groupFires::add);
      return groupFires.size() >= GROUP * 4;
    });
    await().during(Duration.ofMillis(500)).atMost(DEADLINE).until(() -> fired.stream()
      .filter(e -> e.trigger().startsWith("group-") && !e.scheduledAt().isBefore(first)
        && e.scheduledAt().isBefore(first.plusSeconds(4))).count() == GROUP * 4L);
    assertThat(groupFires.stream().map(TriggerEvent::firing)).doesNotHaveDuplicates().hasSize(GROUP * 4);
  }

  @Test
  void aConsumerOnAnotherNodeThatIsNotOursReceivesTheDocumentedJson() throws Exception {
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> foreign = nodes.get(1).eventBus()
      .<JsonObject>consumer(Trigger.address("every-second"), message -> received.add(message.body()));
    foreign.completion().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    try {
      // cluster-once: each slot fires on one node, and two of three slots on average come over the wire
      await().atMost(DEADLINE).until(() -> received.stream().anyMatch(json -> !"node-1".equals(json.getString("node"))));
    } finally {
      foreign.unregister().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
    JsonObject remote = received.stream().filter(json -> !"node-1".equals(json.getString("node"))).findFirst().orElseThrow();
    assertThat(remote.getClass()).isEqualTo(JsonObject.class);
    assertThat(remote.fieldNames()).containsExactly("trigger", "type", "args", "scheduledAt", "firedAt", "node", "firing");
    assertThat(remote.getString("firing")).isEqualTo("every-second@" + remote.getString("scheduledAt"));
    assertThat(TriggerEvent.fromJson(remote).trigger()).isEqualTo("every-second");
  }

  @Test
  void aPerSecondCronInEveryNodeModeFiresEverySlotOnEveryNode() {
    Instant first = allStarted.plusSeconds(1);
    await().atMost(DEADLINE).until(() -> slotsAfter(firesOf("every-second-everywhere"), first).size() >= 4);
    Map<Instant, List<String>> bySlot = slotsAfter(firesOf("every-second-everywhere"), first);
    List<Instant> slots = new ArrayList<>(bySlot.keySet()).subList(0, 3);

    for (Instant slot : slots) {
      assertThat(bySlot.get(slot)).as("nodes that fired %s", slot)
        .containsExactlyInAnyOrder("node-0", "node-1", "node-2");
    }
  }

  /** Slot -> the nodes that fired it, for slots at or after {@code first}, in slot order. */
  private static Map<Instant, List<String>> slotsAfter(List<TriggerEvent> events, Instant first) {
    return events.stream()
      .filter(e -> !e.scheduledAt().isBefore(first))
      .collect(Collectors.groupingBy(TriggerEvent::scheduledAt, TreeMap::new,
        Collectors.mapping(TriggerEvent::node, Collectors.toList())));
  }
}
