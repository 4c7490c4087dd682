package dev.faasm.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs guests on threads with an explicit stack size, at most {@code maxRunning} at a time. A guest that blocks
 * awaiting another call gives its slot back for the wait ({@link Slot#whileBlocked}) and takes one again after,
 * ahead of guests not yet started, so chains of awaiting guests cannot deadlock however small the limit. Guests
 * waiting to start are queued here, not on threads.
 *
 * <p>Threads are bounded too: at most {@code maxAwaiting} guests wait in an await without their slot; beyond that, a
 * guest awaits holding its slot (fewer guests run meanwhile), so there are never more than {@code maxRunning +
 * maxAwaiting} guest threads busy. If every slot is then held by such an awaiting guest whose awaited call is queued
 * here, progress resumes when those awaits reach their deadline; the cap is sized far above normal fan-out for that.
 */
final class GuestScheduler {
  /** Work to run on a guest thread. */
  interface GuestTask {
    /** Runs the guest; the slot is held on entry and released by the scheduler after. */
    void run(Slot slot);

    /** The task will never run. */
    void rejected(String reason);
  }

  /** Awaiting guests without a slot, per running slot, by default. */
  static final int AWAITING_PER_SLOT = 256;

  private final int maxRunning;
  private final int maxAwaiting;
  private final ThreadPoolExecutor threads;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition slotFreed = lock.newCondition();
  private final ArrayDeque<GuestTask> pending = new ArrayDeque<>();
  private int running;
  private final AtomicInteger blocked = new AtomicInteger();
  private int resuming;
  private boolean closed;

  GuestScheduler(int maxRunning, long stackBytes) {
    this(maxRunning, maxRunning * AWAITING_PER_SLOT, stackBytes);
  }

  GuestScheduler(int maxRunning, int maxAwaiting, long stackBytes) {
    this.maxRunning = maxRunning;
    this.maxAwaiting = maxAwaiting;
    // Busy threads: running + awaiting guests, plus threads that just released a slot and have not returned to the
    // pool yet when the next guest starts.
    this.threads =
        new ThreadPoolExecutor(
            0, 2 * maxRunning + maxAwaiting, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
            threadFactory(stackBytes));
  }

  void submit(GuestTask task) {
    boolean start;
    lock.lock();
    try {
      if (closed) {
        start = false;
      } else if (running < maxRunning && resuming == 0 && pending.isEmpty()) {
        running++;
        start = true;
      } else {
        pending.add(task);
        return;
      }
    } finally {
      lock.unlock();
    }
    if (start) {
      start(task);
    } else {
      task.rejected("the runtime is closed");
    }
  }

  /** Guests blocked in an await (they hold no slot while they wait). */
  int blocked() {
    return blocked.get();
  }

  /** Guests holding a slot now (guests blocked in an await have given theirs back). */
  int running() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }

  /** The most guest threads that existed at once. */
  int largestThreadCount() {
    return threads.getLargestPoolSize();
  }

  /** Guests submitted but not started yet. */
  int queued() {
    lock.lock();
    try {
      return pending.size();
    } finally {
      lock.unlock();
    }
  }

  /** Stops starting guests; returns at once. Queued guests are rejected; running ones are left to their owner. */
  void close() {
    List<GuestTask> dropped;
    lock.lock();
    try {
      closed = true;
      dropped = new ArrayList<>(pending);
      pending.clear();
    } finally {
      lock.unlock();
    }
    dropped.forEach(task -> task.rejected("the runtime is closed"));
    threads.shutdown();
  }

  boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return threads.awaitTermination(timeout, unit);
  }

  private void start(GuestTask task) {
    Slot slot = new Slot();
    try {
      threads.execute(() -> runOnGuestThread(task, slot));
    } catch (RejectedExecutionException e) {
      release(slot);
      task.rejected("the runtime is closed");
    }
  }

  private void runOnGuestThread(GuestTask task, Slot slot) {
    try {
      task.run(slot);
    } finally {
      if (slot.held) {
        release(slot);
      }
      // A pooled thread must not carry an interrupt into the next guest.
      Thread.interrupted();
    }
  }

  private void release(Slot slot) {
    List<GuestTask> toStart;
    lock.lock();
    try {
      slot.held = false;
      running--;
      toStart = handOutFreeSlotsLocked();
    } finally {
      lock.unlock();
    }
    toStart.forEach(this::start);
  }

  private void reacquire(Slot slot) throws InterruptedException {
    List<GuestTask> toStart = List.of();
    lock.lock();
    try {
      resuming++;
      try {
        while (running >= maxRunning) {
          slotFreed.await();
        }
        running++;
        slot.held = true;
      } finally {
        resuming--;
        // Pass on capacity this guest did not take (e.g. a signal meant for a waiter that was interrupted).
        toStart = handOutFreeSlotsLocked();
      }
    } finally {
      lock.unlock();
      toStart.forEach(this::start);
    }
  }

  /** Gives free slots to resuming guests first, then to queued ones; returns tasks to start (outside the lock). */
  private List<GuestTask> handOutFreeSlotsLocked() {
    if (running >= maxRunning) {
      return List.of();
    }
    if (resuming > 0) {
      slotFreed.signal();
      return List.of();
    }
    List<GuestTask> toStart = new ArrayList<>();
    while (running < maxRunning && !pending.isEmpty() && !closed) {
      running++;
      toStart.add(pending.poll());
    }
    return toStart;
  }

  private static ThreadFactory threadFactory(long stackBytes) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(null, runnable, "faasm-guest-" + count.incrementAndGet(), stackBytes);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** A guest's claim on a running slot. */
  final class Slot {
    private boolean held = true;

    private Slot() {}

    /**
     * Runs {@code call} (which blocks) without holding the slot, then takes a slot again; with {@code maxAwaiting}
     * guests already waiting so, runs it holding the slot.
     */
    <T> T whileBlocked(Callable<T> call) throws Exception {
      if (blocked.incrementAndGet() > maxAwaiting) {
        blocked.decrementAndGet();
        return call.call();
      }
      release(this);
      try {
        return call.call();
      } finally {
        blocked.decrementAndGet();
        reacquire(this);
      }
    }
  }
}
