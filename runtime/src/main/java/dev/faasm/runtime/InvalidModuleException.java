package dev.faasm.runtime;

/** The module bytes cannot be run here; the message names the problem. The caller should reject the upload. */
public class InvalidModuleException extends FaasmRuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidModuleException(String message) {
    super(message);
  }

  public InvalidModuleException(String message, Throwable cause) {
    super(message, cause);
  }
}
