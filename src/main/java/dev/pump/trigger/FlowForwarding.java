package dev.pump.trigger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Carries a flow-controlled event to the node that owns its key ({@link FlowOwners}) and brings that node's
 * decision back, so that a webhook's 202 or 429 (a manual fire's, a pub/sub request's answer) is the owner's.
 * One per trigger with flow control, in a cluster only.
 *
 * <p>The request, on the owner's {@link FlowOwners#ownAddress()}: {@code {"trigger", "args", "firing"}}; the
 * answer: {@code {"status": "FIRED|HELD|REFUSED|PAUSED", "event", "reason"}}. The owner decides a forwarded
 * event itself and never forwards it again, so two nodes that disagree about an owner for a moment (while
 * the cluster moves partitions after a node joined or left) cannot bounce an event between them: each
 * decides it, and the key is decided on two nodes for that moment. An owner that cannot be asked (it just
 * left, is closing, has no such trigger, or does not answer within {@value #TIMEOUT_MS} ms) makes this node
 * decide: the event is never lost, and the failure is counted ({@code ownerUnreachable}).
 */
public final class FlowForwarding {

  private static final Logger LOG = LoggerFactory.getLogger(FlowForwarding.class);
  /** How long a forwarded event waits for the owner's decision. */
  static final long TIMEOUT_MS = 5_000;

  private final Trigger trigger;
  private final FlowOwners owners;
  private final AtomicLong forwarded = new AtomicLong();
  private final AtomicLong ownerUnreachable = new AtomicLong();

  FlowForwarding(Trigger trigger, FlowOwners owners) {
    this.trigger = trigger;
    this.owners = owners;
  }

  /**
   * @param args never {@code null}
   * @return {@code null} when this node owns the key (the caller decides); otherwise the owner's decision,
   *     or this node's when the owner cannot be asked
   */
  Future<FireResult> toOwner(FlowGate gate, JsonObject args, String firing) {
    String key = gate.keyOf(args);
    String address = owners.ownerAddress(trigger.id(), key);
    if (address == null) {
      return null;
    }
    forwarded.incrementAndGet();
    JsonObject request = new JsonObject().put("trigger", trigger.id()).put("args", args).put("firing", firing);
    return trigger.runtime.vertx().eventBus()
      .<JsonObject>request(address, request, new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
      .map(reply -> resultOf(reply.body()))
      .recover(failure -> {
        ownerUnreachable.incrementAndGet();
        LOG.warn("{}: the owner of key {} ({}) could not be asked, deciding here: {}", trigger,
          key == null ? "(none)" : "'" + key + "'", address, failure.getMessage());
        return Future.succeededFuture(trigger.submit(args, firing));
      });
  }

  /** Adds the counters to a trigger's {@code flow} snapshot. */
  JsonObject addCounters(JsonObject snapshot) {
    return snapshot.put("forwardedToOwner", forwarded.get()).put("ownerUnreachable", ownerUnreachable.get());
  }

  /** @return events sent to their key's owner on another node */
  public long forwarded() {
    return forwarded.get();
  }

  /** @return forwarded events this node decided itself because the owner could not be asked */
  public long ownerUnreachable() {
    return ownerUnreachable.get();
  }

  /**
   * Decides the events other nodes forward to this one, on {@code owners.ownAddress()}: each as if it had
   * arrived here, by the trigger of that id. A request for a trigger this node does not have (or has
   * without flow control), or one that arrives once {@code closing} says so, fails, and its sender decides.
   *
   * @param triggers this node's triggers by id
   * @return the consumer; registered cluster-wide once its {@code completion()} succeeds
   */
  public static MessageConsumer<JsonObject> serve(Vertx vertx, FlowOwners owners,
                                                  Function<String, Optional<Trigger>> triggers, BooleanSupplier closing) {
    return vertx.eventBus().consumer(owners.ownAddress(), message -> {
      JsonObject body = message.body();
      String id = body.getString("trigger");
      Optional<Trigger> trigger = id == null ? Optional.empty() : triggers.apply(id);
      if (trigger.isEmpty() || trigger.get().flowControl().isEmpty()) {
        message.fail(404, "no trigger '" + id + "' with flow control on this node");
      } else if (closing.getAsBoolean()) {
        message.fail(503, "this node is shutting down");
      } else {
        FireResult result = trigger.get().submit(body.getJsonObject("args", new JsonObject()), body.getString("firing"));
        // with a fire journal, the owner answers once the fire is on disk; if it cannot be written, the sender decides
        result.published().onComplete(published -> {
          if (published.succeeded()) {
            message.reply(toJson(result));
          } else {
            message.fail(503, "the owner's fire journal cannot be written: " + published.cause().getMessage());
          }
        });
      }
    });
  }

  static JsonObject toJson(FireResult result) {
    return new JsonObject()
      .put("status", result.status().name())
      .put("event", result.event() == null ? null : result.event().toJson())
      .put("reason", result.reason());
  }

  static FireResult resultOf(JsonObject json) {
    JsonObject event = json.getJsonObject("event");
    return new FireResult(FireResult.Status.valueOf(json.getString("status")),
      event == null ? null : TriggerEvent.fromJson(event), json.getString("reason"));
  }
}
