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
 *
 * <p>Time the process was stopped ({@link StoppedTime}) is not guest time: a deadline that comes up after a stop is
 * moved on by the length of the stop, so a processor paused for 40 s does not time out the calls it was running.
 */
final class Watchdog implements AutoCloseable {
  private final ScheduledThreadPoolExecutor timer = newTimer();
  private final StoppedTime stoppedTime;

  Watchdog() {
    this(StoppedTime.watching());
  }

  Watchdog(StoppedTime stoppedTime) {
    this.stoppedTime = stoppedTime;
  }
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
    Guard guard = new Guard(Thread.currentThread(), System.nanoTime() + timeout.toNanos(), stoppedTime.total());
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
    stoppedTime.close();
  }

  /** The deadline of one running call. */
  final class Guard {
    private final Thread thread;
    private long deadlineNanos;
    private long stoppedAtArm;
    private volatile ScheduledFuture<?> timeout;
    private boolean done;
    private boolean expired;
    private boolean cancelled;

    private Guard(Thread thread, long deadlineNanos, long stoppedAtArm) {
      this.thread = thread;
      this.deadlineNanos = deadlineNanos;
      this.stoppedAtArm = stoppedAtArm;
    }

    /** Time left before the deadline (zero or negative once passed). */
    synchronized Duration remaining() {
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
      if (done) {
        return;
      }
      long stopped = stoppedTime.total() - stoppedAtArm;
      if (stopped > 0) {
        // The process was stopped while this call ran: that time was not the guest's.
        stoppedAtArm += stopped;
        deadlineNanos += stopped;
        long left = Math.max(0, deadlineNanos - System.nanoTime());
        timeout = timer.schedule(this::expire, left, TimeUnit.NANOSECONDS);
        return;
      }
      expired = true;
      thread.interrupt();
    }

    private synchronized void cancel() {
      if (!done) {
        cancelled = true;
        thread.interrupt();
      }
    }
  }
}
