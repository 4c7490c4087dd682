package dev.faasm.runtime;

/** A {@link CallHost} could not dispatch a chained call; the calling guest's call fails. */
public class CallHostException extends FaasmRuntimeException {
  private static final long serialVersionUID = 1L;

  public CallHostException(String message) {
    super(message);
  }

  public CallHostException(String message, Throwable cause) {
    super(message, cause);
  }
}
