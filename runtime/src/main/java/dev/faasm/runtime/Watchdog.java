package dev.faasm.runtime;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Enforces call deadlines by interrupting the guest thread (Chicory's compiled code stops on
 * {@link Thread#interrupt()}; blocked host calls get an {@link InterruptedException}). A guard, once disarmed, never
 * interrupts again, so the thread can be reused after clearing its interrupt flag.
 *
 * <p>Time the process was stopped ({@link StoppedTime}) is not guest time: a deadline that comes up after a stop is
 * moved on by the length of the stop, so a processor paused for 40 s does not time out the calls it was running.
 *
 * <p>Arming and disarming cost the call no timer work: one timer thread sleeps until the earliest deadline it knows
 * of, then looks at the guards still armed. A guard armed with an earlier deadline than that wakes it; a disarmed
 * guard just leaves the set. With one timeout for all calls, deadlines only grow, so the timer wakes about once per
 * timeout however many calls come and go, instead of at every call.
 */
final class Watchdog implements AutoCloseable {
  private final StoppedTime stoppedTime;
  private final Set<Guard> active = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelling;

  /** Guards the timer's sleep: {@link #sleep}, {@link #wakeAt}, {@link #arms}, {@link #timer}, {@link #closed}. */
  private final Object monitor = new Object();
  /** The timer is looking at the guards, sleeping until {@link #wakeAt}, or sleeping until woken. */
  private enum Sleep { AWAKE, UNTIL, UNTIL_WOKEN }

  private Sleep sleep = Sleep.AWAKE;
  private long wakeAt;
  /** Guards armed so far: a timer that sees it change while looking at the guards looks again before sleeping. */
  private long arms;
  private Thread timer;
  private boolean closed;

  Watchdog() {
    this(StoppedTime.watching());
  }

  Watchdog(StoppedTime stoppedTime) {
    this.stoppedTime = stoppedTime;
  }

  /**
   * Interrupts the current thread once {@code timeout} has passed, unless disarmed first. After
   * {@link #cancelAll()}, the guard is cancelled at once.
   *
   * @throws RejectedExecutionException once the watchdog is closed
   */
  Guard arm(Duration timeout) {
    Guard guard = new Guard(Thread.currentThread(), System.nanoTime() + timeout.toNanos(), stoppedTime.total());
    active.add(guard);
    synchronized (monitor) {
      if (closed) {
        active.remove(guard);
        throw new RejectedExecutionException("the watchdog is closed");
      }
      arms++;
      if (timer == null) {
        timer = new Thread(this::watch, "faasm-watchdog");
        timer.setDaemon(true);
        timer.start();
      } else if (sleep == Sleep.UNTIL_WOKEN || (sleep == Sleep.UNTIL && guard.deadlineNanos - wakeAt < 0)) {
        monitor.notifyAll();
      }
    }
    if (cancelling) {
      guard.cancel();
    }
    return guard;
  }

  /** The timer thread: expires the guards whose deadline passed, then sleeps until the next deadline. */
  private void watch() {
    long seen = -1;
    while (true) {
      long now = System.nanoTime();
      long next = Long.MAX_VALUE;
      boolean any = false;
      for (Guard guard : active) {
        long deadline = guard.check(now);
        if (deadline != Long.MAX_VALUE && (!any || deadline - next < 0)) {
          next = deadline;
          any = true;
        }
      }
      synchronized (monitor) {
        if (closed) {
          return;
        }
        if (arms != seen) {
          seen = arms; // guards were armed since the last look (or while looking): look again
          continue;
        }
        sleep = any ? Sleep.UNTIL : Sleep.UNTIL_WOKEN;
        wakeAt = next;
        try {
          if (!any) {
            monitor.wait();
          } else {
            long left = next - System.nanoTime();
            if (left > 0) {
              monitor.wait(left / 1_000_000, (int) (left % 1_000_000));
            }
          }
        } catch (InterruptedException e) {
          return;
        } finally {
          sleep = Sleep.AWAKE;
        }
      }
    }
  }

  /** Interrupts every guarded guest, now and from now on (the runtime is closing). */
  void cancelAll() {
    cancelling = true;
    active.forEach(Guard::cancel);
  }

  @Override
  public void close() {
    synchronized (monitor) {
      closed = true;
      monitor.notifyAll();
    }
    stoppedTime.close();
  }

  /** The deadline of one running call. */
  final class Guard {
    private final Thread thread;
    private long deadlineNanos;
    private long stoppedAtArm;
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
      Thread.interrupted();
    }

    /**
     * Expires the guard if its deadline has passed at {@code now}; returns the deadline it still waits for, or
     * {@code Long.MAX_VALUE} if none (disarmed or expired).
     */
    private synchronized long check(long now) {
      if (done || expired) {
        return Long.MAX_VALUE;
      }
      if (deadlineNanos - now > 0) {
        return deadlineNanos;
      }
      long stopped = stoppedTime.total() - stoppedAtArm;
      if (stopped > 0) {
        // The process was stopped while this call ran: that time was not the guest's.
        stoppedAtArm += stopped;
        deadlineNanos += stopped;
        if (deadlineNanos - now > 0) {
          return deadlineNanos;
        }
      }
      expired = true;
      thread.interrupt();
      return Long.MAX_VALUE;
    }

    private synchronized void cancel() {
      if (!done) {
        cancelled = true;
        thread.interrupt();
      }
    }
  }
}
