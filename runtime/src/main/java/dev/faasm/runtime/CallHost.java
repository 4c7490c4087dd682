package dev.faasm.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The platform side of awaitable chained calls ({@code __faasm_chain_name}, {@code __faasm_chain_ptr}). */
public interface CallHost {
  /**
   * Dispatches an awaitable call now; it runs as the caller's user. {@code function} is the caller's own function
   * name when {@code entryTableIndex >= 0}.
   *
   * @return a platform call id
   * @throws CallHostException if the call cannot be dispatched (the calling guest's call fails)
   */
  String dispatchNow(String function, byte[] input, int entryTableIndex);

  /**
   * Blocks the calling guest thread until that call has a result or {@code maxWait} passed.
   *
   * @return the result, or {@code null} if there was none within {@code maxWait}
   */
  ChainResult await(String callId, Duration maxWait) throws InterruptedException;

  /**
   * Asked on the guest thread when the call's guest slot comes up, just before its guest starts: false withdraws the
   * call (its outcome is {@link FailureKind#WITHDRAWN} and no guest code runs). For a platform whose queued call may
   * have been finished elsewhere, or taken away, while it waited.
   */
  default boolean stillWanted() {
    return true;
  }

  /**
   * The calling user's shared files, a directory tree the guest sees read-only at {@code /share}; empty = none. Asked
   * once per call, for modules that can open files.
   */
  default Optional<Path> sharedFiles() {
    return Optional.empty();
  }

  /**
   * Faasm's shared state of the call's user ({@code __faasm_*_state*}, docs/abi.md). Asked once per call, on the guest
   * thread, the first time the guest uses state.
   */
  default StateHost state() {
    return StateHost.unavailable("this platform keeps no shared state");
  }
}
