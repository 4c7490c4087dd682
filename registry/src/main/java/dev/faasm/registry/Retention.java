package dev.faasm.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the log keeps what it is the record of.
 *
 * @param calls calls topic: how far back calls can be replayed (and how long a module version they name is kept)
 * @param results results topic: how long a result can be read after the result store's copy has gone
 * @param moduleGrace how long an unreferenced module version outlives the calls that could still name it, on top of
 *     {@code calls} (covers calls in flight when the function moved on)
 */
public record Retention(Duration calls, Duration results, Duration moduleGrace) {
  public Retention {
    Objects.requireNonNull(calls, "calls");
    Objects.requireNonNull(results, "results");
    Objects.requireNonNull(moduleGrace, "moduleGrace");
    if (calls.isNegative() || calls.isZero() || results.isNegative() || results.isZero() || moduleGrace.isNegative()) {
      throw new IllegalArgumentException("retention must be positive: " + this);
    }
  }

  /** Seven days of calls and results; an hour of grace for modules. */
  public static Retention defaults() {
    return new Retention(Duration.ofDays(7), Duration.ofDays(7), Duration.ofHours(1));
  }

  /** How long after a module version lost its last function it may be deleted. */
  public Duration unreferencedModuleLifetime() {
    return calls.plus(moduleGrace);
  }
}
