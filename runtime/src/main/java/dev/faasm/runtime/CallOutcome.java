package dev.faasm.runtime;

import java.util.List;
import java.util.Objects;

/**
 * Everything one call produced. Failures are outcomes too: {@link FunctionRuntime#execute} never completes
 * exceptionally because of what a guest did.
 *
 * @param failure {@link FailureKind#NONE} on success
 * @param returnCode the guest's return / exit code (0 unless it returned one)
 * @param output the call's output (empty on failures other than {@link FailureKind#NON_ZERO_EXIT})
 * @param logs captured stdout and stderr, interleaved, truncated to the log limit
 * @param error {@code null} on success; otherwise names the problem
 * @param deferredChains original-API chained calls to dispatch (empty unless the call succeeded)
 * @param startedAtMillis epoch millis when the guest started running
 * @param durationNanos how long the guest ran
 * @param returned whether the guest returned {@code returnCode} (from its entry point or {@code exit}); false when it
 *     trapped, timed out or never ran
 */
public record CallOutcome(
    FailureKind failure,
    int returnCode,
    byte[] output,
    byte[] logs,
    String error,
    List<ChainedCall> deferredChains,
    long startedAtMillis,
    long durationNanos,
    boolean returned) {

  public CallOutcome {
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(logs, "logs");
    deferredChains = List.copyOf(deferredChains);
    if ((failure == FailureKind.NONE) != (error == null)) {
      throw new IllegalArgumentException("error must be null exactly when the call succeeded: " + failure);
    }
  }

  /** An outcome that returned if it succeeded or exited non-zero. */
  public CallOutcome(FailureKind failure, int returnCode, byte[] output, byte[] logs, String error,
      List<ChainedCall> deferredChains, long startedAtMillis, long durationNanos) {
    this(failure, returnCode, output, logs, error, deferredChains, startedAtMillis, durationNanos,
        failure == FailureKind.NONE || failure == FailureKind.NON_ZERO_EXIT);
  }

  public boolean succeeded() {
    return failure == FailureKind.NONE;
  }
}
