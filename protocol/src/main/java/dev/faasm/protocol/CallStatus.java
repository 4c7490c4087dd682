package dev.faasm.protocol;

import java.util.Objects;

/** A call's progress before it has a result: queued at the edge or running on a processor. */
public record CallStatus(
    String callId,
    String user,
    String function,
    CallState state,
    long submittedAtMillis,
    long startedAtMillis,
    String processor) {

  public CallStatus {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(state, "state");
    user = user == null ? "" : user;
    function = function == null ? "" : function;
    processor = processor == null ? "" : processor;
  }
}
