package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.callId;
import static dev.faasm.cli.TestCluster.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.Codec;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The platform end to end over real HTTP: edge → real Kafka broker → one processor with ONE stream thread and ONE
 * guest slot → real Redis → edge.
 */
class PlatformIT {
  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(r -> r.withMaxConcurrentGuests(1), e -> e);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void syncEchoAnswersWithItsInput() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/simon/echo", "hello faasm");
    assertEquals(200, r.statusCode(), text(r));
    assertEquals("hello faasm", text(r));
    assertTrue(CallIds.isValid(callId(r)));
  }

  @Test
  void uploadedFunctionCanBeInvokedAtOnce() throws Exception {
    HttpResponse<byte[]> up = cluster.put("/f/simon/cool_func/", Repo.wasm("simon", "x2"));
    assertTrue(up.statusCode() == 200 || up.statusCode() == 201, text(up));
    HttpResponse<byte[]> r = cluster.post("/f/simon/cool_func/", new byte[] {1, 2, 3});
    assertEquals(200, r.statusCode(), text(r));
    assertArrayEquals(new byte[] {2, 4, 6}, r.body());
  }

  @Test
  void asyncCallReportsStatusOutputAndLogs() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/fa/simon/print", "printed line");
    assertEquals(202, r.statusCode(), text(r));
    String id = JsonField.get(text(r), "callId");
    assertEquals("/calls/" + id, r.headers().firstValue("Location").orElseThrow());
    String status = cluster.awaitFinished(id);
    assertEquals("succeeded", JsonField.get(status, "status"));
    assertEquals("printed line", text(cluster.get("/calls/" + id + "/output")));
    assertTrue(text(cluster.get("/calls/" + id + "/logs")).contains("printed line"));
  }

  @Test
  void failedCallAnswersWithItsReturnCodeAndCallId() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/bad/exit3", "");
    assertEquals(500, r.statusCode(), text(r));
    assertEquals(3, JsonField.number(text(r), "returnCode"));
    assertEquals(callId(r), JsonField.get(text(r), "callId"));
    HttpResponse<byte[]> trap = cluster.post("/f/bad/trap", "");
    assertEquals(500, trap.statusCode());
    assertEquals("TRAP", JsonField.get(text(trap), "failure"));
  }

  @Test
  void chainedCallsRunAfterTheirParentWithInputIntact() throws Exception {
    byte[] input = {5, 6, 7};
    HttpResponse<byte[]> r = cluster.post("/f/simon/chain", input);
    assertEquals(200, r.statusCode(), text(r));
    assertEquals("echo,x2", text(r));
    String parent = cluster.awaitFinished(callId(r));
    String echoId = CallIds.child(callId(r), "then", 0);
    String x2Id = CallIds.child(callId(r), "then", 1);
    String echo = cluster.awaitFinished(echoId);
    String x2 = cluster.awaitFinished(x2Id);
    assertEquals("echo", JsonField.get(echo, "function"));
    assertEquals("x2", JsonField.get(x2, "function"));
    assertArrayEquals(input, cluster.get("/calls/" + echoId + "/output").body());
    assertArrayEquals(new byte[] {10, 12, 14}, cluster.get("/calls/" + x2Id + "/output").body());
    var parentFinished = JsonField.instant(parent, "finishedAt");
    assertTrue(!JsonField.instant(echo, "startedAt").isBefore(parentFinished), echo + " vs " + parent);
    assertTrue(!JsonField.instant(x2, "startedAt").isBefore(parentFinished), x2 + " vs " + parent);
  }

  @Test
  void failedParentChainsNothing() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/simon/chain", new byte[20_000]);
    assertEquals(500, r.statusCode(), text(r));
    String id = callId(r);
    // The result is stored only after a call's chained calls are durable, so the calls topic now holds any there are.
    assertTrue(callsRecorded().stream().noneMatch(c -> c.parentCallId().equals(id)), "a failed call chained");
    assertTrue(callsRecorded().stream().anyMatch(c -> c.callId().equals(id)));
  }

  @Test
  void awaitedOutputsAreConcatenated() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/demo/chain_await", "4");
    assertEquals(200, r.statusCode(), text(r));
    assertEquals("[0][1][2][3]", text(r));
  }

  @Test
  void chainByPointerRunsTheSameModule() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/demo/chain_ptr", "abc");
    assertEquals(200, r.statusCode(), text(r));
    String child = cluster.awaitFinished(CallIds.child(callId(r), "now", 0));
    assertEquals("chain_ptr", JsonField.get(child, "function"));
    assertEquals("succeeded", JsonField.get(child, "status"));
  }

  @Test
  void awaitsNestedEightDeepFinishOnOneStreamThreadAndOneGuestSlot() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/demo/nested", "8");
    assertEquals(200, r.statusCode(), text(r));
    assertEquals("012345678", text(r));
  }

  @Test
  void chainDepthIsBounded() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/demo/nested", "20");
    assertEquals(500, r.statusCode(), text(r));
    String id = callId(r);
    for (int depth = 0; depth < 16; depth++) {
      id = CallIds.child(id, "now", 0);
    }
    String deepest = cluster.awaitFinished(id);
    assertTrue(JsonField.get(deepest, "error").contains("chain depth"), deepest);
  }

  @Test
  void chainsStayWithinTheCallersUser() throws Exception {
    HttpResponse<byte[]> up = cluster.put("/f/eve/chain/", Repo.wasm("simon", "chain"));
    assertTrue(up.statusCode() == 200 || up.statusCode() == 201, text(up));
    HttpResponse<byte[]> r = cluster.post("/f/eve/chain", new byte[] {1});
    assertEquals(200, r.statusCode(), text(r));
    String child = cluster.awaitFinished(CallIds.child(callId(r), "then", 0));
    assertEquals("eve", JsonField.get(child, "user"));
    assertEquals("failed", JsonField.get(child, "status"));
    assertTrue(JsonField.get(child, "error").contains("eve/echo"), child);
  }

  private static List<Call> callsRecorded() {
    Map<String, Object> props = cluster.kafka.consumerProps("it-reader");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer.partitionsFor(cluster.topics.calls()).forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(parts));
      List<Call> calls = new ArrayList<>();
      while (!ends.isEmpty()) {
        for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
          try {
            calls.add(Codec.decodeCall(rec.value()));
          } catch (dev.faasm.protocol.ProtocolException e) {
            // the undecodable call another test of this class puts on the topic on purpose
          }
        }
        ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      }
      return calls;
    }
  }

  @Test
  void undecodableCallGetsAStoredPlatformFailureOnItsReplyChannelAndADeadLetter() throws Exception {
    String id = CallIds.random();
    org.apache.kafka.common.header.internals.RecordHeaders headers =
        new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add(dev.faasm.registry.CallRecords.REPLY_TO_HEADER,
        cluster.node.edge().replyChannel().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer =
        cluster.kafka.producer("undecodable-it")) {
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
          cluster.topics.calls(), null, id, new byte[] {(byte) 0xff, 0x13, 0x37}, headers)).get();
    }
    String status = cluster.awaitFinished(id);
    assertEquals("failed", JsonField.get(status, "status"));
    assertEquals("UNDECODABLE", JsonField.get(status, "failure"));
    Map<String, Object> props = new HashMap<>(cluster.kafka.consumerProps("dead-letters-it"));
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition p = new TopicPartition(cluster.topics.deadLetters(), 0);
      consumer.assign(List.of(p));
      consumer.seekToBeginning(List.of(p));
      boolean found = false;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!found && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
          dev.faasm.protocol.proto.DeadLetterRecord dead = dev.faasm.protocol.proto.DeadLetterRecord.parseFrom(rec.value());
          found |= dead.getKey().toStringUtf8().equals(id) && dead.getTopic().equals(cluster.topics.calls());
        }
      }
      assertTrue(found, "no dead letter for call " + id);
    }
  }
}
