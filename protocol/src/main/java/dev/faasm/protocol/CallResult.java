package dev.faasm.protocol;

import java.util.List;
import java.util.Objects;

/**
 * The one stored result of a call.
 *
 * @param failureKind empty on success, else the runtime's failure kind (e.g. {@code TRAP}, {@code TIMEOUT})
 * @param deferredChains chained calls the function asked for; dispatched only when it succeeded
 * @param digest the module version that ran; empty when the platform failed the call before running it
 * @param chainedCallIds ids of the calls it chained: awaitable ones (dispatched while it ran, also when it failed),
 *     then deferred ones (dispatched only when it succeeded)
 * @param returned whether the function returned {@code returnCode} (false for a trap, a timeout or a platform
 *     failure: then {@code returnCode} means nothing)
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
    String digest,
    List<String> chainedCallIds,
    boolean returned) {

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
    chainedCallIds = List.copyOf(chainedCallIds == null ? List.of() : chainedCallIds);
  }

  /**
   * A result without chained call ids; whether the function returned its return code is derived from the failure
   * kind ({@link #returnedByDefault}).
   */
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
      List<ChainRequest> deferredChains,
      String digest) {
    this(callId, user, function, state, failureKind, returnCode, output, logs, error, submittedAtMillis,
        startedAtMillis, finishedAtMillis, deferredChains, digest, List.of(), returnedByDefault(state, failureKind));
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

  /**
   * For results that do not say whether the function returned: a succeeded call and a non-zero exit did; every other
   * failure (trap, timeout, limits, platform failures) is taken as not.
   */
  public static boolean returnedByDefault(CallState state, String failureKind) {
    return state == CallState.SUCCEEDED || "NON_ZERO_EXIT".equals(failureKind);
  }

  /** This result with the ids of the calls it chained. */
  public CallResult withChainedCallIds(List<String> ids) {
    return new CallResult(callId, user, function, state, failureKind, returnCode, output, logs, error,
        submittedAtMillis, startedAtMillis, finishedAtMillis, deferredChains, digest, ids, returned);
  }

  /** A failed result produced by the platform rather than by running the guest. */
  public static CallResult platformFailure(Call call, String kind, String error, long now) {
    return new CallResult(
        call.callId(), call.user(), call.function(), CallState.FAILED, kind, -1, null, null, error,
        call.submittedAtMillis(), now, now, List.of(), "", List.of(), false);
  }
}
