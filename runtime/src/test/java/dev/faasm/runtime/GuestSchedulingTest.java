package dev.faasm.runtime;

import static dev.faasm.runtime.Outcomes.assertFailed;
import static dev.faasm.runtime.Outcomes.assertSucceeded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Guest slots, queueing, deadlines and shutdown. */
class GuestSchedulingTest {
  private static final RuntimeConfig ONE_SLOT = RuntimeConfig.defaults().withMaxConcurrentGuests(1);

  @Test
  void queuedGuestsCountsCallsWaitingForASlot() throws Exception {
    try (FunctionRuntime runtime = new FunctionRuntime(ONE_SLOT)) {
      BlockingHost host = new BlockingHost();
      CompletableFuture<CallOutcome> first = runtime.execute(chainX(), host);
      assertTrue(host.entered.await(5, TimeUnit.MINUTES), "the first guest reached dispatchNow");

      CompletableFuture<CallOutcome> second = runtime.execute(hello(), host);

      assertEquals(1, runtime.queuedGuests());
      host.release.countDown();
      assertSucceeded(Outcomes.await(first));
      assertSucceeded(Outcomes.await(second));
      assertEquals(0, runtime.queuedGuests());
    }
  }

  @Test
  void manyAwaitingGuestsShareTwoSlots() {
    try (FunctionRuntime runtime = new FunctionRuntime(RuntimeConfig.defaults().withMaxConcurrentGuests(2))) {
      LocalCallHost demo = LocalCallHost.forUser(runtime, "demo");
      List<CompletableFuture<CallOutcome>> calls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        calls.add(runtime.execute(
            Invocation.of("demo", "chain_await", Wasm.load("demo", "chain_await"), Outcomes.bytes("16")), demo));
      }
      StringBuilder expected = new StringBuilder();
      for (int i = 0; i < 16; i++) {
        expected.append('[').append(i).append(']');
      }

      for (CompletableFuture<CallOutcome> call : calls) {
        CallOutcome outcome = Outcomes.await(call);
        assertSucceeded(outcome);
        assertEquals(expected.toString(), Outcomes.text(outcome.output()));
      }
      assertEquals(64, demo.dispatches().size());
      assertEquals(0, runtime.queuedGuests());
    }
  }

  @Test
  void aTimeoutDoesNotLeakIntoTheNextCallOnTheSameThread() {
    try (FunctionRuntime runtime = new FunctionRuntime(ONE_SLOT.withTimeout(Duration.ofMillis(300)))) {
      ThreadRecordingHost host = new ThreadRecordingHost();
      CallOutcome timedOut = Outcomes.await(runtime.execute(
          Invocation.of("test", "spinner", TestModules.CHAIN_X_THEN_LOOP, new byte[0]), host));
      assertFailed(FailureKind.TIMEOUT, timedOut);
      Thread interruptedThread = host.threads.get(0);

      // An interrupt flag left set would fail the await (the guest re-takes its slot interruptibly after it).
      boolean reused = false;
      for (int i = 0; i < 20 && !reused; i++) {
        assertSucceeded(Outcomes.await(runtime.execute(chainX(), host)));
        reused = host.threads.get(host.threads.size() - 1) == interruptedThread;
      }
      assertTrue(reused, "a later call ran on the thread whose guest was interrupted");
    }
  }

  @Test
  void aGuestBlockedAwaitingPastItsDeadlineTimesOut() {
    try (FunctionRuntime runtime = new FunctionRuntime(ONE_SLOT.withTimeout(Duration.ofMillis(300)))) {
      CallHost neverAnswers =
          new CallHost() {
            @Override
            public String dispatchNow(String function, byte[] input, int entryTableIndex) {
              return "never";
            }

            @Override
            public ChainResult await(String callId, Duration maxWait) throws InterruptedException {
              new CountDownLatch(1).await();
              throw new AssertionError("unreachable");
            }
          };

      CallOutcome outcome = Outcomes.await(runtime.execute(chainX(), neverAnswers));

      assertFailed(FailureKind.TIMEOUT, outcome);
    }
  }

  @Test
  void closeFailsQueuedCallsAndStopsRunningOnes() throws Exception {
    FunctionRuntime runtime = new FunctionRuntime(ONE_SLOT);
    BlockingHost host = new BlockingHost();
    CompletableFuture<CallOutcome> running = runtime.execute(chainX(), host);
    assertTrue(host.entered.await(5, TimeUnit.MINUTES), "the first guest reached dispatchNow");
    CompletableFuture<CallOutcome> queued = runtime.execute(hello(), host);

    runtime.close();

    assertFailed(FailureKind.INTERNAL, Outcomes.await(queued));
    assertFailed(FailureKind.INTERNAL, Outcomes.await(running));
    assertFailed(FailureKind.INTERNAL, Outcomes.await(runtime.execute(hello(), host)));
  }

  @Test
  void aCallThePlatformNoLongerWantsIsWithdrawnWhenItsSlotComesUpAndNoGuestRuns() throws Exception {
    try (FunctionRuntime runtime = new FunctionRuntime(ONE_SLOT)) {
      BlockingHost host = new BlockingHost();
      CompletableFuture<CallOutcome> first = runtime.execute(chainX(), host);
      assertTrue(host.entered.await(5, TimeUnit.MINUTES), "the first guest holds the only slot");
      java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
      CallHost unwanted = new CallHost() {
        @Override
        public String dispatchNow(String function, byte[] input, int entryTableIndex) {
          throw new AssertionError("a withdrawn call must not run");
        }

        @Override
        public ChainResult await(String callId, java.time.Duration maxWait) {
          throw new AssertionError("a withdrawn call must not run");
        }

        @Override
        public boolean stillWanted() {
          asked.incrementAndGet();
          return false;
        }
      };
      long startedBefore = runtime.guestsStarted();
      CompletableFuture<CallOutcome> second = runtime.execute(hello(), unwanted);
      assertEquals(0, asked.get(), "asked only when the slot comes up, not when queued");
      host.release.countDown();
      assertSucceeded(Outcomes.await(first));
      CallOutcome withdrawn = Outcomes.await(second);
      assertEquals(FailureKind.WITHDRAWN, withdrawn.failure());
      assertEquals(1, asked.get());
      assertEquals(0, withdrawn.output().length);
      assertEquals(startedBefore, runtime.guestsStarted(), "no guest started for the withdrawn call");
    }
  }

  private static Invocation chainX() {
    return Invocation.of("test", "chainer", TestModules.CHAIN_X, new byte[0]);
  }

  private static Invocation hello() {
    return Invocation.of("demo", "hello", Wasm.load("demo", "hello"), new byte[0]);
  }

  /** Records the guest thread of every dispatch; every awaited call succeeded at once. */
  private static final class ThreadRecordingHost implements CallHost {
    final List<Thread> threads = new CopyOnWriteArrayList<>();

    @Override
    public String dispatchNow(String function, byte[] input, int entryTableIndex) {
      threads.add(Thread.currentThread());
      return "call-" + threads.size();
    }

    @Override
    public ChainResult await(String callId, Duration maxWait) {
      return new ChainResult(0, true, new byte[0], null);
    }
  }

  /** Holds the first guest inside {@code dispatchNow} (so it keeps its slot) until released. */
  private static final class BlockingHost implements CallHost {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public String dispatchNow(String function, byte[] input, int entryTableIndex) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CallHostException("interrupted");
      }
      return "done";
    }

    @Override
    public ChainResult await(String callId, Duration maxWait) {
      return new ChainResult(0, true, new byte[0], null);
    }
  }
}
