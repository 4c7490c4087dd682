package dev.faasm.runtime;

/**
 * A shared-state operation was refused (a size limit, a lock not granted) or failed (the store is unreachable); the
 * calling guest's call fails with {@link FailureKind#STATE_FAILED} and this message.
 */
public class StateException extends FaasmRuntimeException {
  private static final long serialVersionUID = 1L;

  public StateException(String message) {
    super(message);
  }

  public StateException(String message, Throwable cause) {
    super(message, cause);
  }
}
