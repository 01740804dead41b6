package dev.pump.trigger;

import java.util.Optional;

/**
 * What became of a fire of an event trigger ({@link Trigger#submit}): published now, held by flow
 * control (it fires later, collapsed, batched or throttled), refused by flow control, or dropped
 * because the trigger is paused.
 *
 * @param event the published event, with {@link Status#FIRED}; otherwise {@code null}
 * @param reason why it was held or refused; otherwise {@code null}
 */
public record FireResult(Status status, TriggerEvent event, String reason) {

  /** The four outcomes. */
  public enum Status { FIRED, HELD, REFUSED, PAUSED }

  static FireResult of(Optional<TriggerEvent> published) {
    return published.map(e -> new FireResult(Status.FIRED, e, null)).orElse(new FireResult(Status.PAUSED, null, null));
  }

  /** @return the published event, if it was published now */
  public Optional<TriggerEvent> fired() {
    return Optional.ofNullable(event);
  }
}
