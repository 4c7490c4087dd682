package dev.faasm.resultstore;

import static dev.faasm.resultstore.Fixtures.assertSameResult;
import static dev.faasm.resultstore.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.embedded.TestPlatform;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.CallResult;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Protocol.Command;

class ResultWaiterIT {
  private static final long WAIT_SECONDS = 60;

  private ResultStore store;
  private ResultWaiter waiter;
  private JedisPooled redis;

  @BeforeEach
  void open() {
    store = new ResultStore(Fixtures.config());
    waiter = new ResultWaiter(store, store.replyChannel(CallIds.random())).start();
    redis = new JedisPooled(TestPlatform.redisUrl());
  }

  @AfterEach
  void close() {
    waiter.close();
    store.close();
    redis.close();
  }

  @Test
  void waiterIsWokenByAResultPutOnItsChannel() throws Exception {
    String id = CallIds.random();
    CompletableFuture<CallResult> future = waiter.await(id);
    assertEquals(1, waiter.pending());

    CallResult stored = result(id, "hello");
    assertTrue(store.putResult(stored, waiter.channel()));

    assertSameResult(stored, future.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(0, waiter.pending());
    assertEquals(0, waiter.registeredCalls());
  }

  @Test
  void waitRegisteredAfterTheResultWasStoredCompletesFromTheStore() throws Exception {
    String id = CallIds.random();
    CallResult stored = result(id, "early");
    store.putResult(stored, ""); // published to nobody

    assertSameResult(stored, waiter.await(id).get(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void waitForAnUnsentCallIsWokenByItsChannel() throws Exception {
    String id = CallIds.random();
    CompletableFuture<CallResult> future = waiter.awaitUnsent(id);
    CallResult stored = result(id, "sent, run, stored");
    assertTrue(store.putResult(stored, waiter.channel()));
    assertSameResult(stored, future.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(0, waiter.registeredCalls());
  }

  @Test
  void waitForAnUnsentCallStillGetsAResultStoredWhileUnsubscribed() throws Exception {
    String id = CallIds.random();
    CompletableFuture<CallResult> future = waiter.awaitUnsent(id);
    lookUpsDone(); // the look-ups of the waiter's first subscription are behind it
    try {
      redis.sendCommand(Command.ACL, "SETUSER", "default", "-subscribe");
      long killed = (Long) redis.sendCommand(Command.CLIENT, "KILL", "TYPE", "pubsub");
      assertTrue(killed >= 1, "killed " + killed + " pub/sub connections");
      CallResult stored = result(id, "while away");
      assertTrue(store.putResult(stored, waiter.channel())); // published to nobody
      assertFalse(future.isDone());

      redis.sendCommand(Command.ACL, "SETUSER", "default", "+subscribe");
      // The resubscription looks up every registered call, this one included.
      assertSameResult(stored, future.get(WAIT_SECONDS, TimeUnit.SECONDS));
    } finally {
      redis.sendCommand(Command.ACL, "SETUSER", "default", "+subscribe");
    }
  }

  @Test
  void largeResultPublishedAsItsIdIsReadFromTheStore() throws Exception {
    String id = CallIds.random();
    CompletableFuture<CallResult> future = waiter.await(id);
    lookUpsDone();
    byte[] output = new byte[ResultStore.INLINE_PAYLOAD_LIMIT * 2];
    output[output.length - 1] = 42;
    CallResult stored = result(id, output);

    store.putResult(stored, waiter.channel());

    assertSameResult(stored, future.get(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void twoWaitsForOneCallBothComplete() throws Exception {
    String id = CallIds.random();
    CompletableFuture<CallResult> a = waiter.await(id);
    CompletableFuture<CallResult> b = waiter.await(id);
    assertEquals(2, waiter.pending());

    store.putResult(result(id, "shared"), waiter.channel());

    assertEquals(id, a.get(WAIT_SECONDS, TimeUnit.SECONDS).callId());
    assertEquals(id, b.get(WAIT_SECONDS, TimeUnit.SECONDS).callId());
  }

  @Test
  void tenThousandConcurrentWaitersAllCompleteWithoutAThreadEach() throws Exception {
    int n = 10_000;
    List<String> ids = new ArrayList<>(n);
    List<CompletableFuture<CallResult>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(CallIds.random());
    }
    // Half wait before their result lands (woken by messages), half after (served from the store).
    for (int i = 0; i < n / 2; i++) {
      futures.add(waiter.await(ids.get(i)));
    }
    assertEquals(n / 2, waiter.pending());
    for (String id : ids) {
      store.putResult(result(id, id), waiter.channel());
    }
    for (int i = n / 2; i < n; i++) {
      futures.add(waiter.await(ids.get(i)));
    }
    long waiterThreads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("result-waiter-"))
            .count();

    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(WAIT_SECONDS, TimeUnit.SECONDS);

    for (int i = 0; i < n; i++) {
      CallResult got = futures.get(i).join();
      assertEquals(ids.get(i), got.callId());
      assertEquals(ids.get(i), new String(got.output(), java.nio.charset.StandardCharsets.UTF_8));
    }
    assertEquals(0, waiter.pending());
    assertEquals(0, waiter.registeredCalls());
    assertTrue(waiterThreads <= 1 + ResultWaiter.WORKERS, waiterThreads + " waiter threads");
  }

  @Test
  void cancelledAndTimedOutWaitsLeaveNoRegistration() {
    CompletableFuture<CallResult> cancelled = waiter.await(CallIds.random());
    CompletableFuture<CallResult> timedOut = waiter.await(CallIds.random()).orTimeout(1, TimeUnit.MILLISECONDS);

    cancelled.cancel(true);
    CompletionException e = assertThrows(CompletionException.class, timedOut::join);

    assertInstanceOf(TimeoutException.class, e.getCause());
    assertThrows(CancellationException.class, cancelled::join);
    // The timeout completes the future on the JDK's delayer thread, which releases the registration right after.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while ((waiter.pending() != 0 || waiter.registeredCalls() != 0) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(0, waiter.pending());
    assertEquals(0, waiter.registeredCalls());
  }

  @Test
  void corruptStoredResultFailsTheWaitNamingTheKey() {
    String id = CallIds.random();
    redis.set(store.resultKey(id), "garbage");

    ExecutionException e =
        assertThrows(ExecutionException.class, () -> waiter.await(id).get(WAIT_SECONDS, TimeUnit.SECONDS));

    assertInstanceOf(ResultStoreException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains(store.resultKey(id)), e.getCause().getMessage());
  }

  @Test
  void closeFailsPendingWaits() {
    CompletableFuture<CallResult> future = waiter.await(CallIds.random());

    waiter.close();

    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertInstanceOf(ResultStoreException.class, e.getCause());
    assertTrue(waiter.await(CallIds.random()).isCompletedExceptionally());
  }

  @Test
  void reconnectsAfterItsConnectionIsKilledAndCompletesResultsStoredMeanwhile() throws Exception {
    String missed = CallIds.random();
    CompletableFuture<CallResult> missedFuture = waiter.await(missed);
    lookUpsDone(); // the look-up made on registration has found nothing
    try {
      // Keep the waiter from subscribing again until the result is stored, so only the re-check can find it.
      redis.sendCommand(Command.ACL, "SETUSER", "default", "-subscribe");
      long killed =
          (Long) redis.sendCommand(Command.CLIENT, "KILL", "TYPE", "pubsub");
      assertTrue(killed >= 1, "killed " + killed + " pub/sub connections");
      assertEquals(0L, subscribers(waiter.channel()));

      CallResult stored = result(missed, "while away");
      assertTrue(store.putResult(stored, waiter.channel())); // published to nobody
      assertFalse(missedFuture.isDone());
      assertEquals(1, waiter.pending());

      redis.sendCommand(Command.ACL, "SETUSER", "default", "+subscribe");
      assertSameResult(stored, missedFuture.get(WAIT_SECONDS, TimeUnit.SECONDS));
    } finally {
      redis.sendCommand(Command.ACL, "SETUSER", "default", "+subscribe");
    }

    // Subscribed again: a result published now wakes its waiter through the channel.
    String later = CallIds.random();
    CompletableFuture<CallResult> laterFuture = waiter.await(later);
    lookUpsDone();
    store.putResult(result(later, "after"), waiter.channel());
    assertEquals("after", new String(laterFuture.get(WAIT_SECONDS, TimeUnit.SECONDS).output()));
  }

  @Test
  void startFailsNamingTheUrlWhenRedisIsUnreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String url = "redis://127.0.0.1:" + port;
    try (ResultStore unreachable = new ResultStore(ResultStoreConfig.of(url))) {
      ResultWaiter w = new ResultWaiter(unreachable, "faasm:reply:nowhere");
      ResultStoreUnavailableException e =
          assertThrows(ResultStoreUnavailableException.class, () -> w.start(Duration.ofMillis(300)));
      assertTrue(e.getMessage().contains(url), e.getMessage());
      assertTrue(w.await(CallIds.random()).isCompletedExceptionally(), "a waiter that failed to start is closed");
    }
  }

  /**
   * Returns once every look-up queued so far has run: look-ups run in order, so when a probe whose result is in the
   * store but was never published completes, the look-ups queued before it are done.
   */
  private void lookUpsDone() throws Exception {
    String probe = CallIds.random();
    store.putResult(result(probe, "probe"), "");
    waiter.await(probe).get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private long subscribers(String channel) {
    List<?> reply = (List<?>) redis.sendCommand(Command.PUBSUB, "NUMSUB", channel);
    return (Long) reply.get(1);
  }
}
