package dev.faasm.runtime;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Enforces call deadlines by interrupting the guest thread (Chicory's compiled code stops on
 * {@link Thread#interrupt()}; blocked host calls get an {@link InterruptedException}). A guard, once disarmed, never
 * interrupts again, so the thread can be reused after clearing its interrupt flag.
 */
final class Watchdog implements AutoCloseable {
  private final ScheduledThreadPoolExecutor timer = newTimer();
  private final Set<Guard> active = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelling;

  /** One timer thread; disarmed deadlines leave its queue at once instead of sitting there for the whole timeout. */
  private static ScheduledThreadPoolExecutor newTimer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "faasm-watchdog");
              thread.setDaemon(true);
              return thread;
            });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /**
   * Interrupts the current thread once {@code timeout} has passed, unless disarmed first. After
   * {@link #cancelAll()}, the guard is cancelled at once.
   */
  Guard arm(Duration timeout) {
    Guard guard = new Guard(Thread.currentThread(), System.nanoTime() + timeout.toNanos());
    active.add(guard);
    guard.timeout = timer.schedule(guard::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (cancelling) {
      guard.cancel();
    }
    return guard;
  }

  /** Interrupts every guarded guest, now and from now on (the runtime is closing). */
  void cancelAll() {
    cancelling = true;
    active.forEach(Guard::cancel);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** The deadline of one running call. */
  final class Guard {
    private final Thread thread;
    private final long deadlineNanos;
    private ScheduledFuture<?> timeout;
    private boolean done;
    private boolean expired;
    private boolean cancelled;

    private Guard(Thread thread, long deadlineNanos) {
      this.thread = thread;
      this.deadlineNanos = deadlineNanos;
    }

    /** Time left before the deadline (zero or negative once passed). */
    Duration remaining() {
      return Duration.ofNanos(deadlineNanos - System.nanoTime());
    }

    synchronized boolean expired() {
      return expired;
    }

    synchronized boolean cancelled() {
      return cancelled;
    }

    /** Stops guarding; afterwards the thread is never interrupted by this guard. Clears the interrupt flag. */
    void disarm() {
      synchronized (this) {
        done = true;
      }
      active.remove(this);
      timeout.cancel(false);
      Thread.interrupted();
    }

    private synchronized void expire() {
      if (!done) {
        expired = true;
        thread.interrupt();
      }
    }

    private synchronized void cancel() {
      if (!done) {
        cancelled = true;
        thread.interrupt();
      }
    }
  }
}
