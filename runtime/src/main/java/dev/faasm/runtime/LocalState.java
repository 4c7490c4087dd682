package dev.faasm.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared state of one call (docs/abi.md, "Shared state"): its local copies of global values, which bytes of each
 * are present (pulled or written) and dirty (written, not yet pushed), where a copy is mapped into guest memory, and
 * the locks the call holds. Everything reaches the platform through a {@link StateHost}; the locks still held when
 * the call ends are released by {@link #close()}.
 */
final class LocalState implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalState.class);

  /** One key's local copy. */
  static final class Value {
    private byte[] bytes;
    private final BitSet present = new BitSet();
    private final BitSet dirty = new BitSet();
    /** Where the copy is mapped into guest memory ({@code *_ptr}), -1 if it is not. */
    int mappedAt = -1;

    private Value(int size) {
      bytes = new byte[size];
    }

    int size() {
      return bytes.length;
    }

    byte[] bytes() {
      return bytes;
    }
  }

  private final Supplier<StateHost> hostSupplier;
  private final long maxLocalBytes;
  private final Supplier<Duration> lockWait;
  private final Map<String, Value> values = new HashMap<>();
  private final Map<String, StateHost.Lock> globalLocks = new LinkedHashMap<>();
  private final Map<String, StateHost.Lock> readLocks = new LinkedHashMap<>();
  private final Map<String, StateHost.Lock> writeLocks = new LinkedHashMap<>();
  private final GuestScheduler.Slot slot;
  private StateHost host;
  private long localBytes;

  /**
   * @param maxLocalBytes bound on the bytes of all local copies of the call (they live outside guest memory)
   * @param lockWait the longest a lock is waited for (the call's remaining time)
   */
  LocalState(Supplier<StateHost> host, long maxLocalBytes, Supplier<Duration> lockWait, GuestScheduler.Slot slot) {
    this.slot = slot;
    this.hostSupplier = host;
    this.maxLocalBytes = maxLocalBytes;
    this.lockWait = lockWait;
  }

  StateHost host() {
    if (host == null) {
      host = hostSupplier.get();
      if (host == null) {
        host = StateHost.unavailable("the platform gave no state");
      }
    }
    return host;
  }

  /** The key's local copy, of {@code size} bytes (created empty, or resized), or {@code null} if there is none. */
  Value value(String key, long size, String what) {
    long limit = Math.min(host().maxValueBytes(), Integer.MAX_VALUE - 8);
    if (size < 0 || size > limit) {
      throw new StateException(what + ": size " + size + " of key '" + key + "' is "
          + (size < 0 ? "negative" : "over the limit of " + limit + " bytes per key"));
    }
    Value v = values.get(key);
    int n = (int) size;
    if (v != null && v.size() == n) {
      return v;
    }
    int old = v == null ? 0 : v.size();
    if (localBytes - old + n > maxLocalBytes) {
      throw new StateException(what + ": local copies of this call would take " + (localBytes - old + n)
          + " bytes, over the limit of " + maxLocalBytes + " bytes per call");
    }
    if (v == null) {
      v = new Value(n);
      values.put(key, v);
    } else {
      if (v.mappedAt >= 0) {
        throw new StateException(what + ": key '" + key + "' is mapped into memory with size " + v.size()
            + ", cannot use it with size " + n);
      }
      v.bytes = Arrays.copyOf(v.bytes, n);
      v.present.clear(n, Math.max(n, old));
      v.dirty.clear(n, Math.max(n, old));
    }
    localBytes += n - old;
    return v;
  }

  /** The key's local copy if it has one, else {@code null}. */
  Value existing(String key) {
    return values.get(key);
  }

  /** Makes bytes {@code [offset, offset + length)} of the copy present: fetches what is missing, keeps dirty bytes. */
  void ensurePresent(String key, Value v, int offset, int length) {
    int end = offset + length;
    if (length == 0 || v.present.nextClearBit(offset) >= end) {
      return;
    }
    byte[] fetched = offset == 0 && length == v.size() ? host().get(key) : host().getRange(key, offset, length);
    for (int i = 0; i < length; i++) {
      int at = offset + i;
      if (!v.dirty.get(at)) {
        v.bytes[at] = i < fetched.length ? fetched[i] : 0;
      }
    }
    v.present.set(offset, end);
  }

  /** Writes {@code data} into the copy at {@code offset}: present and dirty. */
  void write(Value v, int offset, byte[] data) {
    System.arraycopy(data, 0, v.bytes, offset, data.length);
    v.present.set(offset, offset + data.length);
    v.dirty.set(offset, offset + data.length);
  }

  void flagDirty(Value v, int offset, int length) {
    v.present.set(offset, offset + length);
    v.dirty.set(offset, offset + length);
  }

  /** Replaces the copy with the global value (truncated or zero-padded to its size), dropping unpushed writes. */
  void pull(String key, Value v) {
    byte[] fetched = host().get(key);
    Arrays.fill(v.bytes, (byte) 0);
    System.arraycopy(fetched, 0, v.bytes, 0, Math.min(fetched.length, v.size()));
    v.present.set(0, v.size());
    v.dirty.clear();
  }

  /**
   * Pushes the copy: the whole value if every byte is present (the global value becomes exactly the copy), else only
   * its dirty bytes. Nothing if nothing is dirty.
   */
  void pushFull(String key, Value v) {
    if (v.dirty.isEmpty()) {
      return;
    }
    if (v.present.nextClearBit(0) >= v.size()) {
      host().set(key, v.bytes.clone());
      v.dirty.clear();
    } else {
      pushPartial(key, v);
    }
  }

  /** Pushes the dirty bytes only, as chunks written in place. */
  void pushPartial(String key, Value v) {
    pushRuns(key, v, v.dirty);
  }

  /** Pushes the bytes whose byte in the mask copy is non-zero. */
  void pushMasked(String key, Value v, String maskKey, Value mask) {
    if (mask.size() != v.size()) {
      throw new StateException("__faasm_push_state_partial_mask: mask '" + maskKey + "' has " + mask.size()
          + " bytes, key '" + key + "' has " + v.size());
    }
    BitSet selected = new BitSet(v.size());
    for (int i = 0; i < mask.size(); i++) {
      if (mask.bytes[i] != 0) {
        selected.set(i);
      }
    }
    pushRuns(key, v, selected);
  }

  private void pushRuns(String key, Value v, BitSet bytes) {
    List<StateHost.Chunk> chunks = new ArrayList<>();
    for (int start = bytes.nextSetBit(0); start >= 0 && start < v.size(); ) {
      int end = Math.min(bytes.nextClearBit(start), v.size());
      chunks.add(new StateHost.Chunk(start, Arrays.copyOfRange(v.bytes, start, end)));
      start = bytes.nextSetBit(end);
    }
    if (!chunks.isEmpty()) {
      host().setChunks(key, chunks);
    }
    v.dirty.clear();
  }

  void lockGlobal(String key) {
    if (globalLocks.containsKey(key)) {
      throw new StateException("__faasm_lock_state_global: this call already holds the global lock on '" + key + "'");
    }
    globalLocks.put(key, acquire(key, "global", () -> host().lockGlobal(key, lockWait.get())));
  }

  void unlockGlobal(String key) {
    StateHost.Lock lock = globalLocks.remove(key);
    if (lock == null) {
      throw new StateException("__faasm_unlock_state_global: this call holds no global lock on '" + key + "'");
    }
    if (!lock.release()) {
      throw new StateException("__faasm_unlock_state_global: the global lock on '" + key
          + "' expired before it was released (its lease was not renewed in time); another call may have held it");
    }
  }

  void lockLocal(String key, boolean write) {
    Map<String, StateHost.Lock> held = write ? writeLocks : readLocks;
    String kind = write ? "write" : "read";
    if (readLocks.containsKey(key) || writeLocks.containsKey(key)) {
      throw new StateException("__faasm_lock_state_" + kind + ": this call already holds a lock on '" + key + "'");
    }
    held.put(key, acquire(key, kind, () -> host().lockLocal(key, write, lockWait.get())));
  }

  void unlockLocal(String key, boolean write) {
    StateHost.Lock lock = (write ? writeLocks : readLocks).remove(key);
    if (lock == null) {
      throw new StateException("__faasm_unlock_state_" + (write ? "write" : "read") + ": this call holds no "
          + (write ? "write" : "read") + " lock on '" + key + "'");
    }
    lock.release();
  }

  /** Waits for a lock without holding the call's guest slot (like an await), so waiting calls cannot starve it. */
  private StateHost.Lock acquire(String key, String kind, Callable<StateHost.Lock> attempt) {
    StateHost.Lock lock;
    try {
      lock = slot == null ? attempt.call() : slot.whileBlocked(attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GuestFailure(FailureKind.TIMEOUT, "interrupted while waiting for the " + kind + " lock on '"
          + key + "'", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new StateException("cannot take the " + kind + " lock on '" + key + "': " + e, e);
    }
    if (lock == null) {
      throw new StateException("the " + kind + " lock on '" + key + "' was not granted within the call's time");
    }
    return lock;
  }

  /** Releases every lock the call still holds (a call that ends, however it ends, keeps no lock). */
  @Override
  public void close() {
    for (Map<String, StateHost.Lock> held : List.of(writeLocks, readLocks, globalLocks)) {
      for (Map.Entry<String, StateHost.Lock> e : held.entrySet()) {
        try {
          e.getValue().release();
        } catch (RuntimeException ex) {
          log.warn("cannot release the lock on state key '{}' at the end of the call", e.getKey(), ex);
        }
      }
      held.clear();
    }
  }
}
