package dev.pump.trigger;

import io.vertx.core.Future;

import java.util.Objects;
import java.util.Optional;

/**
 * What became of a fire of an event trigger ({@link Trigger#submit}): published now, held by flow
 * control (it fires later, collapsed, batched or throttled), refused by flow control, or dropped
 * because the trigger is paused.
 *
 * @param event the published event, with {@link Status#FIRED}; otherwise {@code null}
 * @param reason why it was held or refused; otherwise {@code null}
 * @param published with {@link Status#FIRED}, completes once the event is published: at once, or, when the
 *     fire is journaled, once it is on disk; fails when the journal could not be written, and the event
 *     was then not published (answer 503, never 202). With {@link Status#HELD}, completes once the held event
 *     is on disk when the trigger journals its fires; fails when it could not be written, and the event was
 *     then taken back out of flow control where it could be (answer 503). Succeeded for the other statuses.
 */
public record FireResult(Status status, TriggerEvent event, String reason, Future<Void> published) {

  public FireResult {
    Objects.requireNonNull(status, "status");
    published = published == null ? Future.succeededFuture() : published;
  }

  /** A result whose event, if any, is already published. */
  public FireResult(Status status, TriggerEvent event, String reason) {
    this(status, event, reason, null);
  }

  /** The four outcomes. */
  public enum Status { FIRED, HELD, REFUSED, PAUSED }

  /**
   * @return what a caller is told when a fire could not be journaled ({@code published} failed with
   *     {@code failure}): the same sentence over HTTP (503) and the event bus
   */
  public static String notAccepted(Throwable failure) {
    return "fire not accepted: the fire journal cannot be written (" + failure.getMessage() + "); retry later";
  }

  static FireResult paused() {
    return new FireResult(Status.PAUSED, null, null);
  }

  /** @return the published event, if it was published now */
  public Optional<TriggerEvent> fired() {
    return Optional.ofNullable(event);
  }
}
