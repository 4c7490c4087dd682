package dev.faasm.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watchdog's one timer thread: woken for an earlier deadline, never interrupting a disarmed guard. */
class WatchdogTest {
  @Test
  void aShortDeadlineArmedWhileTheTimerSleepsForALongOneStillFiresOnTime() throws Exception {
    try (Watchdog watchdog = new Watchdog()) {
      CountDownLatch armed = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Thread other = new Thread(() -> {
        Watchdog.Guard longOne = watchdog.arm(Duration.ofMinutes(10));
        armed.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        longOne.disarm();
      });
      other.start();
      assertTrue(armed.await(10, TimeUnit.SECONDS));
      Thread.sleep(50); // the timer is asleep until the 10-minute deadline
      Watchdog.Guard shortOne = watchdog.arm(Duration.ofMillis(100));
      boolean interrupted = false;
      try {
        Thread.sleep(20_000);
      } catch (InterruptedException e) {
        interrupted = true;
      }
      // Interrupted within the 20 s sleep while the timer was asleep until the 10-minute deadline: it was woken for
      // the short one.
      assertTrue(interrupted, "the short deadline interrupts");
      assertTrue(shortOne.expired());
      shortOne.disarm();
      release.countDown();
      other.join();
    }
  }

  @Test
  void aDisarmedGuardNeverInterrupts() throws Exception {
    try (Watchdog watchdog = new Watchdog()) {
      for (int i = 0; i < 1000; i++) {
        watchdog.arm(Duration.ofMillis(20)).disarm();
      }
      Watchdog.Guard last = watchdog.arm(Duration.ofMillis(20));
      last.disarm();
      Thread.sleep(200);
      assertFalse(Thread.currentThread().isInterrupted());
      assertFalse(last.expired());
    }
  }

  @Test
  void aClosedWatchdogArmsNoMore() {
    Watchdog watchdog = new Watchdog();
    watchdog.arm(Duration.ofSeconds(1)).disarm();
    watchdog.close();
    assertThrows(RejectedExecutionException.class, () -> watchdog.arm(Duration.ofSeconds(1)));
  }
}
