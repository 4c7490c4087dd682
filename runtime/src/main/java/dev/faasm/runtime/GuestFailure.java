package dev.faasm.runtime;

/**
 * Thrown inside a guest call by host code (host functions, ABI checks) to end the call with a given failure. It
 * unwinds through the compiled guest code and becomes the call's outcome; it never leaves the runtime.
 */
final class GuestFailure extends FaasmRuntimeException {
  private static final long serialVersionUID = 1L;

  private final FailureKind kind;

  GuestFailure(FailureKind kind, String message) {
    super(message);
    this.kind = kind;
  }

  GuestFailure(FailureKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  FailureKind kind() {
    return kind;
  }
}
