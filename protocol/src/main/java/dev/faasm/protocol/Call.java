package dev.faasm.protocol;

import java.util.Objects;

/**
 * One invocation: the value of a record on the calls topic.
 *
 * @param callId platform-wide call id
 * @param user the user the function belongs to; chained calls always keep the caller's user
 * @param function function name
 * @param input the call's input bytes
 * @param sync whether a caller waits synchronously (only informational for processors)
 * @param submittedAtMillis when the edge (or parent call) submitted it
 * @param digest sha-256 of the module version to run, fixed at submit time so a replay runs the same version
 * @param parentCallId the calling call's id, or empty for calls from outside
 * @param depth chain depth: 0 for calls from outside, parent depth + 1 for chained calls
 * @param entryTableIndex -1 for the module's entry point, else the table index of a {@code __faasm_chain_ptr} target
 * @param replyTo result-store channel of the process waiting for the result, or empty when nobody waits
 */
public record Call(
    String callId,
    String user,
    String function,
    byte[] input,
    boolean sync,
    long submittedAtMillis,
    String digest,
    String parentCallId,
    int depth,
    int entryTableIndex,
    String replyTo) {

  public Call {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(digest, "digest");
    parentCallId = parentCallId == null ? "" : parentCallId;
    replyTo = replyTo == null ? "" : replyTo;
  }

  public String qualifiedName() {
    return user + "/" + function;
  }
}
