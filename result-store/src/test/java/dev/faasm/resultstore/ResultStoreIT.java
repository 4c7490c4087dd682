package dev.faasm.resultstore;

import static dev.faasm.resultstore.Fixtures.assertSameResult;
import static dev.faasm.resultstore.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.embedded.TestPlatform;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.CallState;
import dev.faasm.protocol.CallStatus;
import dev.faasm.protocol.ChainRequest;
import dev.faasm.protocol.Codec;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;

class ResultStoreIT {
  private ResultStore store;
  private JedisPooled redis;

  @BeforeEach
  void open() {
    store = new ResultStore(Fixtures.config());
    redis = new JedisPooled(TestPlatform.redisUrl());
  }

  @AfterEach
  void close() {
    store.close();
    redis.close();
  }

  @Test
  void firstResultWins() {
    String id = CallIds.random();
    CallResult first = result(id, "first");
    CallResult second =
        new CallResult(id, "alice", "echo", CallState.FAILED, "TRAP", 1, null, null, "boom", 1, 2, 3, List.of());

    assertTrue(store.putResult(first, ""));
    assertFalse(store.putResult(second, ""));

    assertSameResult(first, store.result(id).orElseThrow());
  }

  @Test
  void resultKeepsEveryFieldThroughRedis() {
    String id = CallIds.random();
    CallResult full =
        new CallResult(
            id, "bob", "chain", CallState.FAILED, "TIMEOUT", -7, new byte[] {0, 1, 2, (byte) 255},
            "stderr\n".getBytes(StandardCharsets.UTF_8), "deadline exceeded", 10L, 20L, 30L,
            List.of(new ChainRequest("child", new byte[] {9}, 3), new ChainRequest("other", new byte[0], -1)));

    assertTrue(store.putResult(full, ""));

    assertSameResult(full, store.result(id).orElseThrow());
  }

  @Test
  void unknownCallHasNoResultAndNoStatus() {
    assertTrue(store.result(CallIds.random()).isEmpty());
    assertTrue(store.status(CallIds.random()).isEmpty());
  }

  @Test
  void queuedDoesNotOverwriteRunning() {
    String id = CallIds.random();
    assertTrue(store.putStatus(status(id, CallState.RUNNING, "processor-1")));

    assertFalse(store.putStatus(status(id, CallState.QUEUED, "")));

    CallStatus got = store.status(id).orElseThrow();
    assertEquals(CallState.RUNNING, got.state());
    assertEquals("processor-1", got.processor());
  }

  @Test
  void runningReplacesQueued() {
    String id = CallIds.random();
    assertTrue(store.putStatus(status(id, CallState.QUEUED, "")));
    assertTrue(store.putStatus(status(id, CallState.RUNNING, "processor-2")));

    assertEquals(CallState.RUNNING, store.status(id).orElseThrow().state());
  }

  @Test
  void resultShadowsStatusAndLaterStatusesAreIgnored() {
    String id = CallIds.random();
    store.putStatus(status(id, CallState.RUNNING, "processor-1"));
    store.putResult(result(id, "done"), "");

    assertFalse(store.putStatus(status(id, CallState.RUNNING, "processor-2")));
    assertFalse(store.putStatus(status(id, CallState.QUEUED, "")));

    CallStatus got = store.status(id).orElseThrow();
    assertEquals(CallState.SUCCEEDED, got.state());
    assertEquals("alice", got.user());
    assertFalse(redis.exists(store.statusKey(id)), "status key left next to the result");
  }

  @Test
  void finalStatusIsRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> store.putStatus(status(CallIds.random(), CallState.SUCCEEDED, "")));
  }

  @Test
  void ttlIsAppliedToResultsAndStatuses() {
    String done = CallIds.random();
    String running = CallIds.random();
    store.putResult(result(done, "x"), "");
    store.putStatus(status(running, CallState.RUNNING, "p"));
    long ttl = store.config().ttl().toMillis();

    long resultTtl = redis.pttl(store.resultKey(done));
    long statusTtl = redis.pttl(store.statusKey(running));

    assertTrue(resultTtl > 0 && resultTtl <= ttl, "result PTTL " + resultTtl);
    assertTrue(statusTtl > 0 && statusTtl <= ttl, "status PTTL " + statusTtl);
  }

  @Test
  void keysFollowTheDocumentedLayout() {
    String id = CallIds.random();
    store.putResult(result(id, "x"), "");
    String prefix = store.config().keyPrefix();

    assertEquals(prefix + "call:" + id + ":result", store.resultKey(id));
    assertTrue(redis.exists(prefix + "call:" + id + ":result"));
    assertEquals("faasm:reply:edge-1", ResultStore.replyChannel("faasm:", "edge-1"));
  }

  @Test
  void onlyTheWinningWritePublishesSmallResultsInlineAndLargeOnesById() throws Exception {
    String channel = store.replyChannel(CallIds.random());
    String small = CallIds.random();
    String large = CallIds.random();
    byte[] end = "end".getBytes(StandardCharsets.UTF_8);
    List<byte[]> received = new ArrayList<>();
    CompletableFuture<Void> subscribed = new CompletableFuture<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    BinaryJedisPubSub listener =
        new BinaryJedisPubSub() {
          @Override
          public void onSubscribe(byte[] ch, int count) {
            subscribed.complete(null);
          }

          @Override
          public void onMessage(byte[] ch, byte[] message) {
            if (java.util.Arrays.equals(message, end)) {
              ended.complete(null);
              unsubscribe();
            } else {
              received.add(message);
            }
          }
        };
    Thread reader =
        new Thread(
            () -> {
              try (Jedis jedis = new Jedis(java.net.URI.create(TestPlatform.redisUrl()))) {
                jedis.subscribe(listener, channel.getBytes(StandardCharsets.UTF_8));
              }
            });
    reader.start();
    subscribed.get(30, TimeUnit.SECONDS);

    CallResult smallResult = result(small, "tiny");
    CallResult largeResult = result(large, new byte[ResultStore.INLINE_PAYLOAD_LIMIT + 1]);
    assertTrue(store.putResult(smallResult, channel));
    assertFalse(store.putResult(result(small, "again"), channel));
    assertTrue(store.putResult(largeResult, channel));
    assertFalse(store.putResult(largeResult, channel));
    redis.publish(channel.getBytes(StandardCharsets.UTF_8), end);
    ended.get(30, TimeUnit.SECONDS);
    reader.join(10_000);

    assertEquals(2, received.size(), "messages before the end marker");
    assertArrayEquals(Codec.encode(smallResult), received.get(0));
    assertArrayEquals(("I" + large).getBytes(StandardCharsets.UTF_8), received.get(1));
  }

  @Test
  void pingIsFalseAndReadsNameTheUrlWhenRedisIsUnreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String url = "redis://127.0.0.1:" + port;
    try (ResultStore unreachable = new ResultStore(ResultStoreConfig.of(url))) {
      assertFalse(unreachable.ping());
      ResultStoreUnavailableException e =
          assertThrows(ResultStoreUnavailableException.class, () -> unreachable.result("0123456789abcdef"));
      assertTrue(e.getMessage().contains(url), e.getMessage());
    }
  }

  @Test
  void pingIsTrueWhenRedisAnswers() {
    assertTrue(store.ping());
  }

  @Test
  void corruptStoredResultIsReportedWithItsKey() {
    String id = CallIds.random();
    redis.set(store.resultKey(id), "not a result");

    ResultStoreException e = assertThrows(ResultStoreException.class, () -> store.result(id));
    assertTrue(e.getMessage().contains(store.resultKey(id)), e.getMessage());
  }

  private static CallStatus status(String id, CallState state, String processor) {
    return new CallStatus(id, "alice", "echo", state, 1_000L, state == CallState.RUNNING ? 1_100L : 0L, processor);
  }

  @Test
  void aMissIsTrustedOnlyOnceTheEpochIsRebuilt() {
    assertFalse(store.complete(), "no epoch: Redis is new or has just lost its data");
    String epoch = store.openEpoch();
    assertEquals(epoch, store.openEpoch(), "an open epoch stays");
    assertFalse(store.complete(), "rebuild under way");
    store.markRebuilt(epoch);
    assertTrue(store.complete());
    assertEquals(java.util.Optional.of(epoch), store.rebuiltEpoch());
  }

  @Test
  void restoreNeverReplacesAResultAndSkipsExpiredOnes() {
    String id = dev.faasm.protocol.CallIds.random();
    assertFalse(store.restore(Fixtures.result(id, "late"), java.time.Duration.ZERO));
    assertTrue(store.restore(Fixtures.result(id, "first"), java.time.Duration.ofMinutes(1)));
    assertFalse(store.restore(Fixtures.result(id, "second"), java.time.Duration.ofMinutes(1)));
    assertEquals("first", new String(store.result(id).orElseThrow().output()));
  }
}
