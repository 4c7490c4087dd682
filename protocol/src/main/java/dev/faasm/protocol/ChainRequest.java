package dev.faasm.protocol;

import java.util.Objects;

/** A chained call that a finished call asked for and that is dispatched only after it succeeded. */
public record ChainRequest(String function, byte[] input, int entryTableIndex) {
  public ChainRequest {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(input, "input");
  }
}
