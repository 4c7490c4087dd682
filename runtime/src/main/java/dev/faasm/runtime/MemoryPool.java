package dev.faasm.runtime;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Linear-memory arrays that a module's finished calls gave back, zeroed ({@link LinearMemory#release()}), for its next
 * calls to start from instead of allocating and zeroing new ones. Bounded per module ({@link #MAX_ARRAYS} arrays of at
 * most {@link #MAX_ARRAY_BYTES}) and in total by a {@link Budget} shared by the modules of one cache. An array is
 * reused only for a memory of exactly its size.
 */
final class MemoryPool {
  /** Arrays kept per module at most (more than the guests that run at once gains nothing). */
  static final int MAX_ARRAYS = 8;
  /** Larger arrays are not kept: they are rare, and zeroing a few dirty blocks is what makes reuse cheap. */
  static final int MAX_ARRAY_BYTES = 8 << 20;
  /** Bytes all the pools of one module cache may keep together. */
  static final long DEFAULT_BUDGET_BYTES = 64L << 20;

  /** The bytes the pools of one module cache may keep together. */
  static final class Budget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    Budget(long limit) {
      this.limit = limit;
    }

    boolean tryReserve(int bytes) {
      long now;
      do {
        now = used.get();
        if (now + bytes > limit) {
          return false;
        }
      } while (!used.compareAndSet(now, now + bytes));
      return true;
    }

    void release(int bytes) {
      used.addAndGet(-bytes);
    }

    long used() {
      return used.get();
    }
  }

  private final Budget budget;
  private final ArrayDeque<byte[]> arrays = new ArrayDeque<>();
  private boolean closed;

  MemoryPool(Budget budget) {
    this.budget = budget;
  }

  /** A zeroed array of exactly {@code bytes} bytes, or {@code null} if none is kept. */
  byte[] take(int bytes) {
    synchronized (this) {
      for (Iterator<byte[]> it = arrays.iterator(); it.hasNext(); ) {
        byte[] array = it.next();
        if (array.length == bytes) {
          it.remove();
          budget.release(array.length);
          return array;
        }
      }
    }
    return null;
  }

  /** Keeps a zeroed array for a later call, if there is room; {@code null} is ignored. */
  void give(byte[] zeroed) {
    if (zeroed == null || zeroed.length == 0 || zeroed.length > MAX_ARRAY_BYTES) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      if (arrays.size() >= MAX_ARRAYS) {
        budget.release(arrays.removeLast().length);
      }
      if (budget.tryReserve(zeroed.length)) {
        arrays.addFirst(zeroed);
      }
    }
  }

  /** Drops the arrays and keeps none from now on (the module left the cache). */
  void close() {
    synchronized (this) {
      closed = true;
      for (byte[] array : arrays) {
        budget.release(array.length);
      }
      arrays.clear();
    }
  }

  /** Arrays kept now (for tests). */
  synchronized int size() {
    return arrays.size();
  }
}
