package dev.faasm.processor;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of Faasm's shared state in Redis (docs/abi.md, "Shared state").
 *
 * @param maxValueBytes largest value of one key, and largest total of the elements appended to one key
 * @param maxUserBytes largest total of one user's values and appended elements
 * @param lockTtl a global lock not renewed for this long expires; a processor renews the locks its calls hold every
 *     third of it, so only the locks of a processor that died (or lost Redis) expire
 */
public record StateConfig(long maxValueBytes, long maxUserBytes, Duration lockTtl) {
  public static final long DEFAULT_MAX_VALUE_BYTES = 16L * 1024 * 1024;
  public static final long DEFAULT_MAX_USER_BYTES = 256L * 1024 * 1024;
  public static final Duration DEFAULT_LOCK_TTL = Duration.ofSeconds(10);

  public StateConfig {
    Objects.requireNonNull(lockTtl, "lockTtl");
    if (maxValueBytes < 1 || maxValueBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxValueBytes must be between 1 and 2 GiB: " + maxValueBytes);
    }
    if (maxUserBytes < maxValueBytes) {
      throw new IllegalArgumentException(
          "maxUserBytes (" + maxUserBytes + ") must be at least maxValueBytes (" + maxValueBytes + ")");
    }
    if (lockTtl.toMillis() < 1) {
      throw new IllegalArgumentException("lockTtl must be at least 1 ms: " + lockTtl);
    }
  }

  public static StateConfig defaults() {
    return new StateConfig(DEFAULT_MAX_VALUE_BYTES, DEFAULT_MAX_USER_BYTES, DEFAULT_LOCK_TTL);
  }

  public StateConfig withMaxValueBytes(long bytes) {
    return new StateConfig(bytes, maxUserBytes, lockTtl);
  }

  public StateConfig withMaxUserBytes(long bytes) {
    return new StateConfig(maxValueBytes, bytes, lockTtl);
  }

  public StateConfig withLockTtl(Duration ttl) {
    return new StateConfig(maxValueBytes, maxUserBytes, ttl);
  }
}
