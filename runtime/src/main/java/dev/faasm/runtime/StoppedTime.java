package dev.faasm.runtime;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Time during which this process did not run at all (SIGSTOP, a paused VM, a very long GC pause): a guest ran for none
 * of it, so a deadline must not count it. A daemon thread looks at the clock every {@value #TICK_MILLIS} ms; a gap
 * over {@value #GAP_MILLIS} ms between two looks is stopped time. Any thread may look too ({@link #total()}), so a
 * timer that fires right after the process resumed counts the stop before it decides.
 */
final class StoppedTime implements AutoCloseable {
  static final long TICK_MILLIS = 50;
  static final long GAP_MILLIS = 500;

  private final LongSupplier nanoTime;
  private final Thread ticker;
  private long lastLook;
  private long stopped;
  private volatile boolean closed;

  /** Watches the real clock from a daemon thread. */
  static StoppedTime watching() {
    StoppedTime t = new StoppedTime(System::nanoTime, true);
    return t;
  }

  StoppedTime(LongSupplier nanoTime, boolean tick) {
    this.nanoTime = nanoTime;
    this.lastLook = nanoTime.getAsLong();
    if (tick) {
      ticker = new Thread(this::tickLoop, "faasm-stopped-time");
      ticker.setDaemon(true);
      ticker.start();
    } else {
      ticker = null;
    }
  }

  /** Stopped time noticed since this was created, in nanoseconds (never decreases). */
  synchronized long total() {
    long now = nanoTime.getAsLong();
    long gap = now - lastLook;
    if (gap > TimeUnit.MILLISECONDS.toNanos(GAP_MILLIS)) {
      stopped += gap - TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
    }
    lastLook = Math.max(lastLook, now);
    return stopped;
  }

  private void tickLoop() {
    while (!closed) {
      total();
      try {
        Thread.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    if (ticker != null) {
      ticker.interrupt();
    }
  }
}
