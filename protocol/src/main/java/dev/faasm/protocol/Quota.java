package dev.faasm.protocol;

/**
 * A user's limits. Each value is {@link #UNSET} when the user has none of its own (the edge's default applies), or a
 * limit; {@code 0} calls per second or in flight refuses every call.
 *
 * @param callsPerSecond calls a second, sustained (a burst of one second's worth is allowed)
 * @param callsInFlight calls submitted and not yet finished
 * @param moduleBytes total size of the user's current function versions
 */
public record Quota(double callsPerSecond, long callsInFlight, long moduleBytes) {
  public static final int UNSET = -1;

  /** No limits of its own. */
  public static final Quota NONE = new Quota(UNSET, UNSET, UNSET);

  public Quota {
    if (Double.isNaN(callsPerSecond) || (callsPerSecond < 0 && callsPerSecond != UNSET)) {
      throw new IllegalArgumentException("calls per second must be >= 0, not " + callsPerSecond);
    }
    if (callsInFlight < UNSET || moduleBytes < UNSET) {
      throw new IllegalArgumentException("quotas must be >= 0");
    }
  }

  /** Each value of this quota, or of {@code defaults} where this one has none. */
  public Quota orElse(Quota defaults) {
    return new Quota(
        callsPerSecond == UNSET ? defaults.callsPerSecond : callsPerSecond,
        callsInFlight == UNSET ? defaults.callsInFlight : callsInFlight,
        moduleBytes == UNSET ? defaults.moduleBytes : moduleBytes);
  }
}
