package dev.faasm.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {
  @TempDir Path dataDir;

  @Test
  void createdTopicCarriesRecordsFromProducerToConsumer() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      String topic = "it-" + UUID.randomUUID();
      createTopic(kafka, topic, Map.of());
      try (KafkaProducer<String, byte[]> producer = producer(kafka, Map.of())) {
        producer.send(new ProducerRecord<>(topic, "k", "hello".getBytes())).get(30, TimeUnit.SECONDS);
      }
      List<ConsumerRecord<String, byte[]>> got = consume(kafka, topic, 1, "read_uncommitted");
      assertEquals("k", got.get(0).key());
      assertArrayEquals("hello".getBytes(), got.get(0).value());
    }
  }

  @Test
  void transactionalWritesAreVisibleToReadCommittedConsumersOnlyAfterCommit() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      String topic = "tx-" + UUID.randomUUID();
      createTopic(kafka, topic, Map.of());
      try (KafkaProducer<String, byte[]> producer =
          producer(kafka, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID()))) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, "aborted", new byte[] {1}));
        producer.abortTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, "committed", new byte[] {2}));
        producer.commitTransaction();
      }
      List<ConsumerRecord<String, byte[]>> got = consume(kafka, topic, 1, "read_committed");
      assertEquals(List.of("committed"), got.stream().map(ConsumerRecord::key).toList());
    }
  }

  @Test
  void acceptsAnEightyMebibyteRecord() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      String topic = "big-" + UUID.randomUUID();
      int size = 80 * 1024 * 1024;
      createTopic(kafka, topic, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(size + 1024 * 1024)));
      byte[] module = new byte[size];
      module[0] = 7;
      module[size - 1] = 9;
      try (KafkaProducer<String, byte[]> producer =
          producer(
              kafka,
              Map.of(
                  ProducerConfig.MAX_REQUEST_SIZE_CONFIG, size + 1024 * 1024,
                  ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * size))) {
        producer.send(new ProducerRecord<>(topic, "module", module)).get(60, TimeUnit.SECONDS);
      }
      byte[] got = consume(kafka, topic, 1, "read_uncommitted").get(0).value();
      assertEquals(size, got.length);
      assertEquals(7, got[0]);
      assertEquals(9, got[size - 1]);
    }
  }

  @Test
  void restartOnAFixedPortKeepsTopicsAndRecords() throws Exception {
    int port = Ports.free();
    String topic = "keep-" + UUID.randomUUID();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port)) {
      assertEquals("127.0.0.1:" + port, kafka.bootstrapServers());
      createTopic(kafka, topic, Map.of());
      try (KafkaProducer<String, byte[]> producer = producer(kafka, Map.of())) {
        producer.send(new ProducerRecord<>(topic, "before", new byte[] {1})).get(30, TimeUnit.SECONDS);
      }
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port)) {
      assertEquals(List.of("before"), consume(kafka, topic, 1, "read_uncommitted").stream().map(ConsumerRecord::key).toList());
    }
  }

  @Test
  void closeIsIdempotentAndKeepsTheCallersDirectory() {
    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir);
    kafka.close();
    kafka.close();
    assertTrue(Files.isRegularFile(kafka.logDir().resolve("meta.properties")));
    assertTrue(Files.isDirectory(dataDir));
  }

  @Test
  void fixedPortInUseIsReportedByNumber() {
    try (EmbeddedKafka first = EmbeddedKafka.start(dataDir)) {
      EmbeddedException e =
          assertThrows(EmbeddedException.class, () -> EmbeddedKafka.start(dataDir.resolve("other"), first.brokerPort()));
      assertTrue(e.getMessage().contains(Integer.toString(first.brokerPort())), e.getMessage());
    }
  }

  @Test
  void startThatCannotBindFailsWithoutEndingTheJvmAndLeavesTheDirectoryUsable() throws Exception {
    EmbeddedKafka.start(dataDir).close();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      EmbeddedException e =
          assertThrows(
              EmbeddedException.class,
              () -> EmbeddedKafka.launch(dataDir.resolve("kafka"), Ports.free(), taken.getLocalPort()));
      assertTrue(Ports.isBindFailure(e), e.toString());
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      createTopic(kafka, "after-failure-" + UUID.randomUUID(), Map.of());
    }
  }

  static void createTopic(EmbeddedKafka kafka, String topic, Map<String, String> configs) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
    }
  }

  static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka, Map<String, Object> extra) {
    Map<String, Object> props = new java.util.HashMap<>(extra);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  static List<ConsumerRecord<String, byte[]>> consume(
      EmbeddedKafka kafka, String topic, int count, String isolation) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "g-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 100 * 1024 * 1024,
            ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 100 * 1024 * 1024);
    List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (got.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(got::add);
      }
      // Anything past the expected records (e.g. an aborted one) shows up within another poll.
      consumer.poll(Duration.ofMillis(500)).forEach(got::add);
    }
    assertEquals(count, got.size(), "records read from " + topic);
    return got;
  }
}
