package dev.faasm.runtime;

import java.util.Objects;

/**
 * A deferred chained call (original API {@code chainFunction}), dispatched by the platform only after the caller
 * succeeded, to the caller's user.
 *
 * @param entryTableIndex -1 = the function's entry point (the only kind the original API produces)
 */
public record ChainedCall(String function, byte[] input, int entryTableIndex) {
  public ChainedCall {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(input, "input");
  }
}
