package dev.faasm.runtime;

/** Root of the runtime module's unchecked exceptions. */
public class FaasmRuntimeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FaasmRuntimeException(String message) {
    super(message);
  }

  public FaasmRuntimeException(String message, Throwable cause) {
    super(message, cause);
  }
}
