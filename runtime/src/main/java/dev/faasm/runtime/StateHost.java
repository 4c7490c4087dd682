package dev.faasm.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The platform side of Faasm's shared state ({@code __faasm_*_state*}) for one call: global values, appended
 * elements and locks of <em>the call's user</em>. The runtime never names a user, so a guest can only reach its own
 * user's state. Local copies live in the runtime, per call; this is what they are pulled from and pushed to.
 *
 * <p>Every method may block (it runs on the guest thread) and throws {@link StateException} when the platform refuses
 * (a size limit) or fails (the store is unreachable); the calling guest's call then fails with that message.
 */
public interface StateHost {
  /** The largest value (and the largest total of appended elements) a key may hold, in bytes. */
  long maxValueBytes();

  /** The size of the key's global value, 0 if it has none. */
  long size(String key);

  /** The key's whole global value; empty if it has none. */
  byte[] get(String key);

  /** Up to {@code length} bytes of the global value from {@code offset}; shorter (or empty) past its end. */
  byte[] getRange(String key, long offset, int length);

  /** Replaces the global value. */
  void set(String key, byte[] value);

  /** Writes the chunks into the global value in one atomic step (it grows, zero-filled, when a chunk ends past it). */
  void setChunks(String key, List<Chunk> chunks);

  /** Appends one element to the key's appended list (kept apart from its value). */
  void append(String key, byte[] element);

  /** The first {@code count} appended elements (fewer if there are fewer), oldest first. */
  List<byte[]> appended(String key, int count);

  /** Removes every appended element of the key. */
  void clearAppended(String key);

  /**
   * Takes the key's global lock (one holder across all processors): a lease the platform renews while it is held,
   * which expires on its own once its processor died.
   *
   * @return the held lock, or {@code null} if it was not granted within {@code maxWait}
   */
  Lock lockGlobal(String key, Duration maxWait) throws InterruptedException;

  /**
   * Takes the key's local read ({@code write} false: shared) or write (exclusive) lock: it excludes other calls on the
   * same processor only.
   *
   * @return the held lock, or {@code null} if it was not granted within {@code maxWait}
   */
  Lock lockLocal(String key, boolean write, Duration maxWait) throws InterruptedException;

  /** A held lock. */
  interface Lock {
    /**
     * Releases it.
     *
     * @return false if it was no longer held (a global lock that expired before it was released)
     */
    boolean release();
  }

  /** {@code bytes} to write at {@code offset}. */
  record Chunk(long offset, byte[] bytes) {
    public Chunk {
      Objects.requireNonNull(bytes, "bytes");
      if (offset < 0) {
        throw new IllegalArgumentException("negative offset " + offset);
      }
    }
  }

  /** A platform without shared state: every operation fails the call, naming the reason. */
  static StateHost unavailable(String reason) {
    return new UnavailableState(reason);
  }
}
