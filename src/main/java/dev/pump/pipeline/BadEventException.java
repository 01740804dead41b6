package dev.pump.pipeline;

/**
 * Says that one event cannot be handled while the next ones may be: a processor or a sink throws
 * it (or fails its future with it) for an event it cannot take, such as one nested deeper than
 * JSON can be written. The {@link Pipeline} counts such an event as rejected and goes on, unless
 * it was built with {@link Pipeline.BadEvents#STOP}.
 */
public class BadEventException extends RuntimeException {

  /** @param message what is wrong with the event; shown in the one log line about it */
  public BadEventException(String message) {
    super(message);
  }

  public BadEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
