package dev.faasm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StoppedTimeTest {
  @Test
  void gapsBetweenLooksOverHalfASecondAreStoppedTimeShorterOnesAreNot() {
    AtomicLong now = new AtomicLong(0);
    StoppedTime stopped = new StoppedTime(now::get, false);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(60));
    assertEquals(0, stopped.total());
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(400));
    assertEquals(0, stopped.total(), "a busy moment is not a stop");
    now.addAndGet(TimeUnit.SECONDS.toNanos(40));
    assertEquals(TimeUnit.SECONDS.toNanos(40) - TimeUnit.MILLISECONDS.toNanos(StoppedTime.TICK_MILLIS),
        stopped.total());
    assertEquals(stopped.total(), stopped.total(), "counted once");
  }

  @Test
  void aDeadlineIsMovedOnByTimeTheProcessWasStopped() throws Exception {
    AtomicLong jump = new AtomicLong();
    try (Watchdog watchdog = new Watchdog(new StoppedTime(() -> System.nanoTime() + jump.get(), true))) {
      Watchdog.Guard guard = watchdog.arm(Duration.ofMillis(200));
      jump.addAndGet(TimeUnit.SECONDS.toNanos(30)); // as if the process had been stopped for 30 s
      Thread.sleep(1_000);
      assertFalse(guard.expired(), "the stop must not count as the guest's time");
      assertFalse(Thread.currentThread().isInterrupted());
      guard.disarm();
    }
  }

  @Test
  void withoutAStopTheDeadlineStillInterrupts() throws Exception {
    try (Watchdog watchdog = new Watchdog()) {
      Watchdog.Guard guard = watchdog.arm(Duration.ofMillis(100));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!guard.expired() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          break;
        }
      }
      assertTrue(guard.expired());
      guard.disarm();
    }
  }
}
