package dev.faasm.runtime;

/**
 * Why a call failed. Logs over the limit do not fail a call: they are truncated with a marker (there is no
 * {@code LOG_LIMIT}).
 */
public enum FailureKind {
  /** The call succeeded. */
  NONE,
  /** {@code exec} returned, or {@code main}/{@code proc_exit} gave, a code other than 0. */
  NON_ZERO_EXIT,
  /** The guest trapped (unreachable, out-of-bounds access, division by zero...) or broke the ABI. */
  TRAP,
  /** The call ran longer than the configured timeout and was interrupted. */
  TIMEOUT,
  /** The guest failed after its memory reached the limit (or the JVM ran out of memory running it). */
  MEMORY_LIMIT,
  /** The output is larger than the configured limit. */
  OUTPUT_LIMIT,
  /** The call made more chained calls than allowed. */
  CHAIN_LIMIT,
  /** The guest exhausted its thread's stack. */
  STACK_OVERFLOW,
  /** The guest called a stubbed {@code env.__faasm_*} function of Faasm's interface. */
  UNSUPPORTED_HOST_FUNCTION,
  /** The module bytes were rejected (the call never started). */
  INVALID_MODULE,
  /** A chained call could not be made or awaited: bad name, unknown handle, dispatch refused, no malloc. */
  CHAIN_FAILED,
  /**
   * A shared-state operation failed: a size limit per key or per user, a lock not granted in time or expired, a bad
   * key or range, or the state store unreachable.
   */
  STATE_FAILED,
  /** A fault of the runtime, not of the guest. */
  INTERNAL,
  /**
   * The platform withdrew the call when its guest slot came up ({@link CallHost#stillWanted()} said no: it has a
   * result already, or it is no longer this processor's to run). Nothing ran; this is not a result to store.
   */
  WITHDRAWN
}
