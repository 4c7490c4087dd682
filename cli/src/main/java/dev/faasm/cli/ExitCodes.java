package dev.faasm.cli;

/**
 * The client commands' exit codes, the same for every command:
 *
 * <ul>
 *   <li>{@value #OK}: done (the call succeeded, the upload was stored, ...);
 *   <li>{@value #FAILED}: the call failed (non-zero return, trap, limit) or did not finish while the edge waited;
 *   <li>{@value #USAGE}: usage error: bad options, or the platform refused the request (HTTP 4xx: a bad name, an
 *       unknown function or call, an invalid module);
 *   <li>{@value #UNREACHABLE}: the platform is unreachable or answered an unexpected error (HTTP 5xx other than a failed
 *       call).
 * </ul>
 */
final class ExitCodes {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int UNREACHABLE = 3;

  /** For picocli's {@code exitCodeList}. */
  static final String OK_LINE = "0:done";
  static final String FAILED_LINE = "1:the call failed, or did not finish while the edge waited";
  static final String USAGE_LINE = "2:usage error, or the platform refused the request (HTTP 4xx)";
  static final String UNREACHABLE_LINE = "3:the platform is unreachable or answered an unexpected error";

  private ExitCodes() {}

  /** Thrown when the edge cannot be reached; the command ends with {@value #UNREACHABLE}. */
  static final class Unreachable extends RuntimeException {
    Unreachable(String url, Exception cause) {
      super("cannot reach the platform at " + url + ": "
          + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName()), cause);
    }
  }
}
