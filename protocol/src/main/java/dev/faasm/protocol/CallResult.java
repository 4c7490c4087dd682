package dev.faasm.protocol;

import java.util.List;
import java.util.Objects;

/**
 * The one stored result of a call.
 *
 * @param failureKind empty on success, else the runtime's failure kind (e.g. {@code TRAP}, {@code TIMEOUT})
 * @param deferredChains chained calls the function asked for; dispatched only when it succeeded
 * @param digest the module version that ran; empty when the platform failed the call before running it
 */
public record CallResult(
    String callId,
    String user,
    String function,
    CallState state,
    String failureKind,
    int returnCode,
    byte[] output,
    byte[] logs,
    String error,
    long submittedAtMillis,
    long startedAtMillis,
    long finishedAtMillis,
    List<ChainRequest> deferredChains,
    String digest) {

  public CallResult {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(state, "state");
    if (!state.isFinal()) {
      throw new IllegalArgumentException("a result must be final, not " + state);
    }
    user = user == null ? "" : user;
    function = function == null ? "" : function;
    failureKind = failureKind == null ? "" : failureKind;
    output = output == null ? new byte[0] : output;
    logs = logs == null ? new byte[0] : logs;
    error = error == null ? "" : error;
    deferredChains = List.copyOf(deferredChains == null ? List.of() : deferredChains);
    digest = digest == null ? "" : digest;
  }

  /** A result that does not say which module version ran. */
  public CallResult(
      String callId,
      String user,
      String function,
      CallState state,
      String failureKind,
      int returnCode,
      byte[] output,
      byte[] logs,
      String error,
      long submittedAtMillis,
      long startedAtMillis,
      long finishedAtMillis,
      List<ChainRequest> deferredChains) {
    this(callId, user, function, state, failureKind, returnCode, output, logs, error, submittedAtMillis,
        startedAtMillis, finishedAtMillis, deferredChains, "");
  }

  public boolean succeeded() {
    return state == CallState.SUCCEEDED;
  }

  /** A failed result produced by the platform rather than by running the guest. */
  public static CallResult platformFailure(Call call, String kind, String error, long now) {
    return new CallResult(
        call.callId(), call.user(), call.function(), CallState.FAILED, kind, -1, null, null, error,
        call.submittedAtMillis(), now, now, List.of());
  }
}
