package dev.faasm.embedded;

/** An embedded service could not be started or used; the message names the service and what went wrong. */
public class EmbeddedException extends RuntimeException {
  public EmbeddedException(String message) {
    super(message);
  }

  public EmbeddedException(String message, Throwable cause) {
    super(message, cause);
  }
}
