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
import java.util.concurrent.atomic.AtomicReference;
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
  private volatile boolean closed;

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
    GuestRun run = new GuestRun(task, new Slot());
    // Started by a guest thread as its guest ends (the slot it freed goes to a queued guest): it runs that guest next.
    Finishing finishing = FINISHING.get();
    if (finishing != null && finishing.next == null) {
      finishing.next = run;
      return;
    }
    // A guest thread that has just finished its guest may be spinning for the next: hand it over without a wake-up.
    if (handoff.get() == SPINNING && handoff.compareAndSet(SPINNING, run)) {
      return;
    }
    execute(run);
  }

  /** A guest to run and the slot it holds. */
  private record GuestRun(GuestTask task, Slot slot) {}

  /** What {@link #handoff} holds while a guest thread spins for its next guest. */
  private static final GuestRun SPINNING = new GuestRun(null, null);

  /**
   * How long a guest thread that finished its guest spins for the next one before it goes back to the pool. Waking a
   * parked thread costs tens of µs (more on a VM whose idle vCPUs halt); a call that comes within this window starts
   * without it. At most one thread spins at a time, so the cost when no call comes is bounded by this per finished
   * guest on one core. With a single CPU nothing could submit while it spins: no spin.
   */
  static final long SPIN_NANOS =
      Runtime.getRuntime().availableProcessors() > 1 ? TimeUnit.MICROSECONDS.toNanos(50) : 0;

  /** {@link #SPINNING} while a guest thread spins for a next guest; the guest {@link #start} put there; else null. */
  private final AtomicReference<GuestRun> handoff = new AtomicReference<>();

  /** A guest thread whose guest is ending: the first guest its freed slot starts runs next on it. */
  private static final class Finishing {
    GuestRun next;
  }

  private static final ThreadLocal<Finishing> FINISHING = new ThreadLocal<>();

  private void runOnGuestThread(GuestRun first) {
    GuestRun run = first;
    while (run != null) {
      Finishing finishing = new Finishing();
      Throwable failed = null;
      try {
        run.task().run(run.slot());
      } catch (Throwable t) {
        failed = t;
      } finally {
        if (run.slot().held) {
          FINISHING.set(finishing);
          try {
            release(run.slot());
          } finally {
            FINISHING.remove();
          }
        }
        // A pooled thread must not carry an interrupt into the next guest.
        Thread.interrupted();
      }
      if (failed != null) {
        // This thread ends with the failure (a JVM error): the guest it was to run next goes to another thread.
        if (finishing.next != null) {
          execute(finishing.next);
        }
        throwUnchecked(failed);
      }
      run = finishing.next != null ? finishing.next : spinForNext();
    }
  }

  private void execute(GuestRun run) {
    try {
      threads.execute(() -> runOnGuestThread(run));
    } catch (RejectedExecutionException e) {
      release(run.slot());
      run.task().rejected("the runtime is closed");
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void throwUnchecked(Throwable t) throws T {
    throw (T) t;
  }

  /** The next guest if {@link #start} hands one over within {@link #SPIN_NANOS}, else null (back to the pool). */
  private GuestRun spinForNext() {
    if (SPIN_NANOS == 0 || closed || !handoff.compareAndSet(null, SPINNING)) {
      return null; // another thread spins already
    }
    long deadline = System.nanoTime() + SPIN_NANOS;
    do {
      GuestRun next = handoff.get();
      if (next != SPINNING) {
        handoff.set(null); // only start() replaces SPINNING, once: this guest is ours
        return next;
      }
      Thread.onSpinWait();
    } while (System.nanoTime() < deadline);
    if (handoff.compareAndSet(SPINNING, null)) {
      return null;
    }
    GuestRun next = handoff.get(); // handed over just as the spin ended
    handoff.set(null);
    return next;
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
