package dev.faasm.registry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.embedded.TestPlatform;
import dev.faasm.embedded.TopicReader;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.Codec;
import dev.faasm.protocol.FunctionMeta;
import dev.faasm.protocol.proto.DeadLetterRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FunctionRegistryIT {
  private static final byte[] V1 = {0, 'a', 's', 'm', 1, 0, 0, 0, 1};
  private static final byte[] V2 = {0, 'a', 's', 'm', 1, 0, 0, 0, 2};

  private final KafkaSettings kafka = KafkaSettings.of(TestPlatform.kafkaBootstrap());
  private final Retention retention = new Retention(Duration.ofHours(1), Duration.ofHours(1), Duration.ofMinutes(5));
  private Topics topics;
  private final MutableClock clock = new MutableClock();

  @BeforeEach
  void topics() {
    topics = Topics.withPrefix("reg-" + CallIds.random().substring(0, 8) + "-", 2, (short) 1, retention);
    try (Admin admin = kafka.admin()) {
      topics.ensure(admin);
    }
  }

  @Test
  void unreferencedModuleVersionsAreDeletedOnlyAfterTheCallsRetentionAndGrace() throws Exception {
    try (FunctionRegistry registry = registry(true)) {
      registry.publish(new FunctionMeta("u", "f", "d1", V1.length, clock.millis()), V1).get(30, TimeUnit.SECONDS);
      registry.publish(new FunctionMeta("u", "g", "d1", V1.length, clock.millis()), V1).get(30, TimeUnit.SECONDS);
      registry.publish(new FunctionMeta("u", "f", "d2", V2.length, clock.millis()), V2).get(30, TimeUnit.SECONDS);
      assertEquals(List.of(), registry.collectModules(), "nothing is old enough yet");

      registry.delete("u", "g").get(30, TimeUnit.SECONDS); // d1 loses its last function now
      clock.advance(retention.unreferencedModuleLifetime().minusMinutes(1));
      assertEquals(List.of(), registry.collectModules(), "a call within the retention may still name d1");

      clock.advance(Duration.ofMinutes(2));
      assertEquals(List.of("d1"), registry.collectModules());
      assertEquals(List.of("d2"), List.copyOf(registry.storedModules()));
      assertTrue(registry.module("d1", Duration.ZERO).isEmpty());
      assertArrayEquals(V2, registry.module("d2", Duration.ZERO).orElseThrow());
    }
    Map<String, byte[]> modules = latest(topics.modules());
    assertTrue(modules.containsKey("d1") && modules.get("d1") == null, "d1 has a tombstone: " + modules.keySet());
    assertArrayEquals(V2, Codec.decodeModule("d2", modules.get("d2")).wasm());

    // Another process reading the log later sees only d2.
    try (FunctionRegistry later = registry(true)) {
      assertEquals(List.of("d2"), List.copyOf(later.storedModules()));
    }
  }

  @Test
  void waitingForAModuleHoldsNoThread() throws Exception {
    java.util.concurrent.ExecutorService one =
        java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "the-only-thread"));
    try (FunctionRegistry reader = registry(true); FunctionRegistry writer = registry(true)) {
      var arriving = reader.moduleAsync("d1", Duration.ofSeconds(60), one);
      var never = reader.moduleAsync("d-never", Duration.ofMillis(200), one);
      // The only thread of the executor is free while both wait.
      assertEquals("free", one.submit(() -> "free").get(10, TimeUnit.SECONDS));
      assertTrue(never.get(30, TimeUnit.SECONDS).isEmpty(), "empty once the wait is over");
      assertTrue(!arriving.isDone());
      var continuedOn = arriving.thenApply(m -> Thread.currentThread().getName());
      writer.publish(new FunctionMeta("u", "f", "d1", V1.length, clock.millis()), V1).get(30, TimeUnit.SECONDS);
      assertArrayEquals(V1, arriving.get(30, TimeUnit.SECONDS).orElseThrow());
      assertEquals("the-only-thread", continuedOn.get(30, TimeUnit.SECONDS), "not the registry's consumer thread");
      assertArrayEquals(V1, reader.moduleAsync("d1", Duration.ZERO, one).get(10, TimeUnit.SECONDS).orElseThrow());
    } finally {
      one.shutdownNow();
    }
  }

  @Test
  void anIndexOnlyRegistryNeverReadsModules() throws Exception {
    try (FunctionRegistry writer = registry(true)) {
      writer.publish(new FunctionMeta("u", "f", "d1", V1.length, clock.millis()), V1).get(30, TimeUnit.SECONDS);
    }
    try (FunctionRegistry edge = registry(false)) {
      assertEquals("d1", edge.lookup("u", "f").orElseThrow().digest());
      assertTrue(edge.storedModules().isEmpty());
      assertThrows(IllegalStateException.class, () -> edge.module("d1", Duration.ZERO));
    }
  }

  @Test
  void undecodableFunctionRecordGoesToTheDeadLetterTopicWithItsReason() throws Exception {
    try (KafkaProducer<String, byte[]> producer = kafka.producer("reg-it")) {
      producer.send(new ProducerRecord<>(topics.functions(), "u/broken", new byte[] {(byte) 0xff, 1}))
          .get(30, TimeUnit.SECONDS);
    }
    try (FunctionRegistry registry = registry(true)) {
      assertTrue(registry.lookup("u", "broken").isEmpty());
      await().atMost(Duration.ofSeconds(30)).until(() -> !latest(topics.deadLetters()).isEmpty());
    }
    DeadLetterRecord dead =
        DeadLetterRecord.parseFrom(latest(topics.deadLetters()).values().iterator().next());
    assertEquals(topics.functions(), dead.getTopic());
    assertEquals("u/broken", dead.getKey().toStringUtf8());
    assertTrue(dead.getReason().startsWith("function: undecodable record"), dead.getReason());
  }

  private FunctionRegistry registry(boolean keepModules) throws Exception {
    Path root = Files.createTempDirectory("registry-it");
    FunctionRegistry r =
        new FunctionRegistry(kafka, topics, root, keepModules, "reg-it-" + CallIds.random(), clock).start();
    r.caughtUp().get(60, TimeUnit.SECONDS);
    return r;
  }

  /** The latest value of each key on the topic (null for a tombstone). */
  private Map<String, byte[]> latest(String topic) {
    Map<String, byte[]> out = new HashMap<>();
    for (ConsumerRecord<String, byte[]> rec : TopicReader.readAll(kafka.consumerProps("reg-it-reader"), topic)) {
      out.put(rec.key(), rec.value());
    }
    return out;
  }

  private static final class MutableClock extends Clock {
    private volatile long millis = 1_800_000_000_000L;

    void advance(Duration d) {
      millis += d.toMillis();
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
