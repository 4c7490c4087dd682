package dev.faasm.runtime;

import java.util.List;
import java.util.Objects;

/**
 * One call to run.
 *
 * <p>{@code clockStartMillis} and {@code seed} are the call's <em>replay inputs</em>: the guest's WASI clock and
 * random bytes are computed from them alone (see {@code GuestClock} and {@code GuestRandom}), so running the same
 * invocation again gives the guest the same times and the same random bytes. Set them with
 * {@link #withReplayInputs(long, byte[])}; the 6-argument constructor and {@link #of} leave them unset (-1 and
 * {@code null}).
 *
 * @param user owner of the function; chained calls run as this user
 * @param function name of the function
 * @param digest lowercase hex SHA-256 of {@code wasm}, the compile-cache key; {@code null} = compute it
 * @param wasm the module bytes
 * @param input the call's input
 * @param entryTableIndex -1 = the module's entry point; &gt;= 0 = the {@code __faasm_chain_ptr} target, an index
 *     into table 0 of a function of type {@code () -> i32}
 * @param clockStartMillis epoch millis the guest's clock starts at (the call's recorded start time); -1 = the
 *     runtime's clock when the call starts running, which is also the outcome's
 *     {@link CallOutcome#startedAtMillis()}
 * @param seed key of the guest's random bytes, at least {@value #MIN_SEED_BYTES} bytes, secret per call (copied);
 *     {@code null} = a fresh random seed for each run
 * @param args command-line arguments after {@code argv[0]}, which is always the function name
 */
public record Invocation(
    String user,
    String function,
    String digest,
    byte[] wasm,
    byte[] input,
    int entryTableIndex,
    long clockStartMillis,
    byte[] seed,
    List<String> args) {
  /** The shortest seed accepted. */
  public static final int MIN_SEED_BYTES = 16;

  /** The latest clock start whose nanoseconds since the epoch fit WASI's timestamps (year 2262). */
  private static final long MAX_CLOCK_START_MILLIS = Long.MAX_VALUE / 1_000_000;

  public Invocation {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(wasm, "wasm");
    Objects.requireNonNull(input, "input");
    if (entryTableIndex < -1) {
      throw new IllegalArgumentException("entryTableIndex must be -1 or a table index: " + entryTableIndex);
    }
    if (clockStartMillis < -1 || clockStartMillis > MAX_CLOCK_START_MILLIS) {
      throw new IllegalArgumentException(
          "clockStartMillis must be -1 or epoch millis up to " + MAX_CLOCK_START_MILLIS + ": " + clockStartMillis);
    }
    if (seed != null) {
      if (seed.length < MIN_SEED_BYTES) {
        throw new IllegalArgumentException(
            "seed must have at least " + MIN_SEED_BYTES + " bytes, has " + seed.length);
      }
      seed = seed.clone();
    }
    args = List.copyOf(args == null ? List.of() : args);
  }

  /** A call without command-line arguments. */
  public Invocation(String user, String function, String digest, byte[] wasm, byte[] input, int entryTableIndex,
      long clockStartMillis, byte[] seed) {
    this(user, function, digest, wasm, input, entryTableIndex, clockStartMillis, seed, List.of());
  }

  /** A call without replay inputs: the clock starts when the call runs, the seed is fresh on every run. */
  public Invocation(String user, String function, String digest, byte[] wasm, byte[] input, int entryTableIndex) {
    this(user, function, digest, wasm, input, entryTableIndex, -1, null);
  }

  /** A call of the module's entry point, without replay inputs. */
  public static Invocation of(String user, String function, byte[] wasm, byte[] input) {
    return new Invocation(user, function, null, wasm, input, -1);
  }

  /**
   * This call with its replay inputs set: running the result twice gives the guest the same clock readings and
   * random bytes.
   *
   * @param clockStartMillis epoch millis the guest's clock starts at, or -1 for "when the call starts running"
   * @param seed at least {@value #MIN_SEED_BYTES} secret bytes, or {@code null} for a fresh seed on every run
   */
  public Invocation withReplayInputs(long clockStartMillis, byte[] seed) {
    return new Invocation(user, function, digest, wasm, input, entryTableIndex, clockStartMillis, seed, args);
  }

  /** This call with these command-line arguments (after {@code argv[0]}). */
  public Invocation withArgs(List<String> arguments) {
    return new Invocation(user, function, digest, wasm, input, entryTableIndex, clockStartMillis, seed, arguments);
  }

  /** A copy of the seed ({@code null} if none): the caller cannot change the seed of this invocation. */
  @Override
  public byte[] seed() {
    return seed == null ? null : seed.clone();
  }
}
