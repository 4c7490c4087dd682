package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.faasm.embedded.EmbeddedRedis;
import dev.faasm.embedded.TopicReader;
import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.Codec;
import dev.faasm.protocol.CallResult;
import dev.faasm.registry.CallRecords;
import dev.faasm.resultstore.ResultStore;
import dev.faasm.resultstore.ResultWaiter;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * The results topic is the record and Redis a cache: after Redis loses its data — flushed, or killed and restarted
 * empty — every earlier result is still served, never a false 404, and a call re-delivered afterwards is not run again.
 */
class ResultsSurviveRedisLossIT {
  private static EmbeddedRedis redis;
  private static TestCluster cluster;
  private static final Map<String, byte[]> outputs = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    redis = EmbeddedRedis.start(0).supervise();
    cluster = new TestCluster(r -> r, e -> e, redis.url());
    for (int i = 0; i < 20; i++) {
      HttpResponse<byte[]> r = cluster.post("/fa/simon/echo", "survivor-" + i);
      assertEquals(202, r.statusCode(), text(r));
      String id = (String) JSON.std.mapFrom(text(r)).get("callId");
      cluster.awaitFinished(id);
      outputs.put(id, ("survivor-" + i).getBytes());
    }
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void everyResultIsServedAfterRedisIsFlushed() throws Exception {
    try (Jedis jedis = new Jedis(redis.url())) {
      jedis.flushAll();
    }
    assertEveryResultServedWithoutFalseNotFound();
  }

  @Test
  void everyResultIsServedAfterRedisRestartsEmpty() throws Exception {
    int restarts = redis.restarts();
    try (Jedis jedis = new Jedis(redis.url())) {
      jedis.sendCommand(Protocol.Command.SHUTDOWN, "NOSAVE");
    } catch (RuntimeException expected) {
      // the server closes the connection as it exits
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> redis.restarts() > restarts && redis.isRunning());
    assertEveryResultServedWithoutFalseNotFound();
  }

  @Test
  void callRedeliveredAfterRedisLostItsDataIsNotRunAgain() throws Exception {
    String id = outputs.keySet().iterator().next();
    Call original = findCall(id);
    try (Jedis jedis = new Jedis(redis.url())) {
      jedis.flushAll();
    }
    // Re-deliver the finished call, then a fresh call to the same partition: once the fresh one has a result, the
    // processor has dealt with the re-delivery (a partition is processed in order).
    int partition = partitionOf(id);
    String sentinelId;
    do {
      sentinelId = CallIds.random();
    } while (partitionOf(sentinelId) != partition);
    Call sentinel =
        new Call(sentinelId, "simon", "echo", "sentinel".getBytes(), false, System.currentTimeMillis(),
            original.digest(), "", 0, -1, "", CallIds.newSeed());
    try (KafkaProducer<String, byte[]> producer = cluster.kafka.producer("redeliver-it")) {
      producer.send(CallRecords.of(cluster.topics.calls(), original)).get(30, TimeUnit.SECONDS);
      producer.send(CallRecords.of(cluster.topics.calls(), sentinel)).get(30, TimeUnit.SECONDS);
    }
    cluster.awaitFinished(sentinelId);
    assertEquals(1, resultRecords(id), "the re-delivered call ran again");
    HttpResponse<byte[]> out = awaitServed(id, "output");
    assertArrayEquals(outputs.get(id), out.body());
  }

  @Test
  void callSentAgainForANewWaiterAfterItFinishedWakesThatWaiter() throws Exception {
    // A parent that ran again on another processor re-sends its chained call (same id) with its own reply channel
    // after the first copy finished and published to the old one. The new waiter must still get the result.
    String id = outputs.keySet().stream().skip(1).findFirst().orElseThrow();
    Call original = findCall(id);
    try (Jedis jedis = new Jedis(redis.url())) {
      jedis.flushAll(); // and the waiter's own look-up misses: only a publish can wake it
    }
    try (ResultStore store = new ResultStore(cluster.storeConfig);
        ResultWaiter waiter = new ResultWaiter(store, store.replyChannel("it-new-waiter")).start();
        KafkaProducer<String, byte[]> producer = cluster.kafka.producer("resend-it")) {
      CompletableFuture<CallResult> result = waiter.await(id);
      producer.send(CallRecords.of(cluster.topics.calls(), original.withReplyTo(waiter.channel())))
          .get(30, TimeUnit.SECONDS);
      assertArrayEquals(outputs.get(id), result.get(60, TimeUnit.SECONDS).output());
    }
    assertEquals(1, resultRecords(id), "the call sent again ran again");
  }

  @Test
  void asyncCallIsAcceptedAtOnceWhileRedisIsStalled() throws Exception {
    // The edge answers 202 once the broker has the call; its queued status is written in the background. With
    // redis-server stopped (SIGSTOP), the 202 must not wait for Redis: it arrives while the stall lasts, well within
    // the 10-s socket timeout the edge's Redis client would otherwise wait out.
    String pid;
    try (Jedis jedis = new Jedis(redis.url())) {
      pid = jedis.info("server").lines().filter(l -> l.startsWith("process_id:")).findFirst().orElseThrow()
          .substring("process_id:".length()).trim();
    }
    signal("STOP", pid);
    try {
      HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(cluster.uri("/fa/simon/echo"))
              .timeout(Duration.ofSeconds(5))
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString("during a stall"))
              .build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(202, r.statusCode(), text(r));
    } finally {
      signal("CONT", pid);
    }
    String id = (String) JSON.std.mapFrom(text(cluster.post("/fa/simon/echo", "after the stall"))).get("callId");
    cluster.awaitFinished(id);
  }

  private static void signal(String signal, String pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
  }

  private static void assertEveryResultServedWithoutFalseNotFound() throws Exception {
    for (Map.Entry<String, byte[]> e : outputs.entrySet()) {
      HttpResponse<byte[]> r = awaitServed(e.getKey(), "output");
      assertArrayEquals(e.getValue(), r.body(), e.getKey());
      String status = text(awaitServed(e.getKey(), null));
      assertEquals("succeeded", JSON.std.mapFrom(status).get("status"), status);
    }
  }

  /** GETs the call until it answers 200; a 404 on the way fails (a 503 while the store is rebuilt is fine). */
  private static HttpResponse<byte[]> awaitServed(String id, String part) throws Exception {
    String path = "/calls/" + id + (part == null ? "" : "/" + part);
    @SuppressWarnings("unchecked")
    HttpResponse<byte[]>[] last = new HttpResponse[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      last[0] = cluster.get(path);
      assertNotEquals(404, last[0].statusCode(), "false 404 for " + path + ": " + text(last[0]));
      return last[0].statusCode() == 200;
    });
    return last[0];
  }

  private static int partitionOf(String key) {
    return Utils.toPositive(Utils.murmur2(key.getBytes())) % cluster.topics.partitions();
  }

  private static Call findCall(String id) {
    for (ConsumerRecord<String, byte[]> rec : readAll(cluster.topics.calls())) {
      if (id.equals(rec.key())) {
        return Codec.decodeCall(rec.value());
      }
    }
    throw new AssertionError("call " + id + " is not on the calls topic");
  }

  private static long resultRecords(String id) {
    return readAll(cluster.topics.results()).stream().filter(r -> id.equals(r.key())).count();
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
    return TopicReader.readAll(cluster.kafka.consumerProps("survive-it"), topic);
  }

}
