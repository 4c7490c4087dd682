package dev.faasm.runtime;

import java.util.Objects;

/**
 * One call to run.
 *
 * @param user owner of the function; chained calls run as this user
 * @param function name of the function
 * @param digest lowercase hex SHA-256 of {@code wasm}, the compile-cache key; {@code null} = compute it
 * @param wasm the module bytes
 * @param input the call's input
 * @param entryTableIndex -1 = the module's entry point; &gt;= 0 = the {@code __faasm_chain_ptr} target, an index
 *     into table 0 of a function of type {@code () -> i32}
 */
public record Invocation(
    String user, String function, String digest, byte[] wasm, byte[] input, int entryTableIndex) {
  public Invocation {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(wasm, "wasm");
    Objects.requireNonNull(input, "input");
    if (entryTableIndex < -1) {
      throw new IllegalArgumentException("entryTableIndex must be -1 or a table index: " + entryTableIndex);
    }
  }

  /** A call of the module's entry point. */
  public static Invocation of(String user, String function, byte[] wasm, byte[] input) {
    return new Invocation(user, function, null, wasm, input, -1);
  }
}
