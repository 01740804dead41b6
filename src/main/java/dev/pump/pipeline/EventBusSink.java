package dev.pump.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * Publishes each event, a {@link JsonObject}, on an event-bus address: every consumer of the
 * address gets it, on every node of a cluster. The built-in {@code eventbus} sink of the
 * configuration.
 *
 * <p>Publishing hands the event to the event bus and does not wait for consumers, so the write
 * completes at once; an address nobody consumes loses the event silently, as event-bus
 * publishing does.
 */
public final class EventBusSink implements Sink {

  private final Vertx vertx;
  private final String address;

  /**
   * @param vertx the instance whose event bus carries the events
   * @param address where events are published; never blank
   * @throws IllegalArgumentException when {@code address} is blank
   */
  public EventBusSink(Vertx vertx, String address) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(address, "eventbus sink address");
    if (address.isBlank()) {
      throw new IllegalArgumentException("eventbus sink address must not be blank");
    }
    this.address = address;
  }

  public String address() {
    return address;
  }

  @Override
  public Future<Void> write(JsonObject event) {
    vertx.eventBus().publish(address, event);
    return Future.succeededFuture();
  }

  @Override
  public String toString() {
    return "eventbus sink '" + address + "'";
  }
}
