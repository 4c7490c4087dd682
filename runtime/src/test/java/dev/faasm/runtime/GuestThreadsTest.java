package dev.faasm.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Guest threads are bounded: past the cap of awaiting guests, an await keeps its slot instead of taking a thread. */
class GuestThreadsTest {

  @Test
  void awaitsBeyondTheCapHoldTheirSlotSoThreadsStayBounded() throws Exception {
    GuestScheduler scheduler = new GuestScheduler(1, 2, 256 * 1024);
    CountDownLatch answer = new CountDownLatch(1);
    AtomicInteger finished = new AtomicInteger();
    for (int i = 0; i < 5; i++) {
      scheduler.submit(new GuestScheduler.GuestTask() {
        @Override
        public void run(GuestScheduler.Slot slot) {
          try {
            slot.whileBlocked(() -> answer.await(1, TimeUnit.MINUTES));
            finished.incrementAndGet();
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        }

        @Override
        public void rejected(String reason) {
          throw new AssertionError(reason);
        }
      });
    }
    // Two guests wait without a slot, the third waits holding the only slot, two more are queued (no thread).
    await().atMost(Duration.ofSeconds(30)).until(() -> scheduler.blocked() == 2 && scheduler.queued() == 2);
    assertEquals(1, scheduler.running());
    assertTrue(scheduler.largestThreadCount() <= 3, "threads: " + scheduler.largestThreadCount());
    answer.countDown();
    await().atMost(Duration.ofSeconds(30)).until(() -> finished.get() == 5);
    assertTrue(scheduler.largestThreadCount() <= 2 * 1 + 2, "threads: " + scheduler.largestThreadCount());
    scheduler.close();
  }

  /** A guest thread whose guest ends runs the guest its freed slot starts itself: no hand-off, no wake-up. */
  @Test
  void queuedGuestsRunOnTheThreadThatFreedTheirSlot() throws Exception {
    GuestScheduler scheduler = new GuestScheduler(1, 2, 256 * 1024);
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(3);
    java.util.List<Thread> ranOn = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    for (int i = 0; i < 3; i++) {
      boolean first = i == 0;
      scheduler.submit(new GuestScheduler.GuestTask() {
        @Override
        public void run(GuestScheduler.Slot slot) {
          ranOn.add(Thread.currentThread());
          if (first) {
            try {
              gate.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
          }
          done.countDown();
        }

        @Override
        public void rejected(String reason) {
          throw new AssertionError(reason);
        }
      });
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> scheduler.queued() == 2);
    gate.countDown();
    assertTrue(done.await(30, TimeUnit.SECONDS));
    assertEquals(3, ranOn.size());
    assertEquals(1, new java.util.HashSet<>(ranOn).size(), "all three on one thread: " + ranOn);
    scheduler.close();
  }

  /**
   * Guests handed to a guest thread that spins after its last one (no pool hand-off) and guests started through the
   * pool are the same: each runs once, on a thread with a slot, never more at once than the slots.
   */
  @Test
  void guestsHandedToASpinningThreadRunOnceWithinTheSlots() throws Exception {
    GuestScheduler scheduler = new GuestScheduler(2, 8, 256 * 1024);
    int submitters = 8;
    int each = 500;
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    java.util.concurrent.ConcurrentHashMap<Integer, Integer> runs = new java.util.concurrent.ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(submitters * each);
    Thread[] threads = new Thread[submitters];
    for (int t = 0; t < submitters; t++) {
      int base = t * each;
      threads[t] = new Thread(() -> {
        for (int i = 0; i < each; i++) {
          int id = base + i;
          scheduler.submit(new GuestScheduler.GuestTask() {
            @Override
            public void run(GuestScheduler.Slot slot) {
              int now = running.incrementAndGet();
              mostAtOnce.accumulateAndGet(now, Math::max);
              runs.merge(id, 1, Integer::sum);
              Thread.onSpinWait();
              running.decrementAndGet();
              done.countDown();
            }

            @Override
            public void rejected(String reason) {
              throw new AssertionError(reason);
            }
          });
          if (i % 7 == 0) {
            // Now and then let the guest threads finish and spin, so guests also arrive at a spinning thread.
            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
          }
        }
      });
      threads[t].start();
    }
    assertTrue(done.await(60, TimeUnit.SECONDS), "all guests ran: " + done.getCount() + " left");
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(submitters * each, runs.size());
    assertTrue(runs.values().stream().allMatch(n -> n == 1), "every guest ran exactly once");
    assertTrue(mostAtOnce.get() <= 2, "at most 2 at once, saw " + mostAtOnce.get());
    await().atMost(Duration.ofSeconds(30)).until(() -> scheduler.running() == 0 && scheduler.queued() == 0);
    scheduler.close();
  }
}
