package dev.faasm.protocol;

import java.util.List;
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
 * @param traceParent W3C {@code traceparent} of the span that made this call, so a chain is one trace; empty if none
 * @param seed secret per call from which the guest's random numbers derive (so a replay sees the same ones); empty in
 *     records written before seeds existed
 * @param args command-line arguments after {@code argv[0]} (the function name) for WASI functions; chained calls have
 *     none
 * @param rootCallId the call from outside that this chain began with; empty for that call itself (and in records
 *     written before it existed)
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
    String replyTo,
    byte[] seed,
    String traceParent,
    List<String> args,
    String rootCallId) {

  /** Bytes of a seed drawn for a new call. */
  public static final int SEED_BYTES = 32;

  public Call {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(digest, "digest");
    parentCallId = parentCallId == null ? "" : parentCallId;
    replyTo = replyTo == null ? "" : replyTo;
    seed = seed == null ? new byte[0] : seed;
    traceParent = traceParent == null ? "" : traceParent;
    args = List.copyOf(args == null ? List.of() : args);
    rootCallId = rootCallId == null ? "" : rootCallId;
  }

  /** A call from outside (its own root), or one whose root is not recorded. */
  public Call(
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
      String replyTo,
      byte[] seed,
      String traceParent,
      List<String> args) {
    this(callId, user, function, input, sync, submittedAtMillis, digest, parentCallId, depth, entryTableIndex, replyTo,
        seed, traceParent, args, "");
  }

  /** A chained call (no command-line arguments) of the request from outside {@code rootCallId}. */
  public Call(
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
      String replyTo,
      byte[] seed,
      String traceParent,
      String rootCallId) {
    this(callId, user, function, input, sync, submittedAtMillis, digest, parentCallId, depth, entryTableIndex, replyTo,
        seed, traceParent, List.of(), rootCallId);
  }

  /** The id of the request from outside this call belongs to: its root's, or its own for a call from outside. */
  public String root() {
    return rootCallId.isEmpty() ? callId : rootCallId;
  }

  /** A call without command-line arguments. */
  public Call(
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
      String replyTo,
      byte[] seed,
      String traceParent) {
    this(callId, user, function, input, sync, submittedAtMillis, digest, parentCallId, depth, entryTableIndex, replyTo,
        seed, traceParent, List.of(), "");
  }

  /** A call that names no trace. */
  public Call(
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
      String replyTo,
      byte[] seed) {
    this(callId, user, function, input, sync, submittedAtMillis, digest, parentCallId, depth, entryTableIndex, replyTo,
        seed, "");
  }

  /** A call without a recorded seed (its guest draws fresh random numbers). */
  public Call(
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
    this(callId, user, function, input, sync, submittedAtMillis, digest, parentCallId, depth, entryTableIndex, replyTo,
        null);
  }

  /** The seed of this call's {@code index}-th child of {@code kind}: derived, so a re-run parent gives the same one. */
  public byte[] childSeed(String kind, int index) {
    return seed.length == 0 ? CallIds.newSeed() : CallIds.deriveSeed(seed, kind + "/" + index);
  }

  /** This call sent somewhere else: same record, another reply channel. */
  public Call withReplyTo(String channel) {
    return new Call(callId, user, function, input, sync, submittedAtMillis, digest, parentCallId, depth,
        entryTableIndex, channel, seed, traceParent, args, rootCallId);
  }

  /** This call as part of the trace whose span has this {@code traceparent}. */
  public Call withTraceParent(String parent) {
    return new Call(callId, user, function, input, sync, submittedAtMillis, digest, parentCallId, depth,
        entryTableIndex, replyTo, seed, parent, args, rootCallId);
  }

  public String qualifiedName() {
    return user + "/" + function;
  }
}
