package dev.faasm.runtime;

import java.util.Objects;

/**
 * The result of an awaited chained call, as the {@link CallHost} reports it.
 *
 * @param error {@code null} on success; otherwise what went wrong
 */
public record ChainResult(int returnCode, boolean succeeded, byte[] output, String error) {
  public ChainResult {
    Objects.requireNonNull(output, "output");
  }

  /** What {@code __faasm_await_call} returns to the guest: 0 on success, else the return code, or 1 if that is 0. */
  public int guestReturnCode() {
    if (succeeded) {
      return 0;
    }
    return returnCode != 0 ? returnCode : 1;
  }
}
