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
}
