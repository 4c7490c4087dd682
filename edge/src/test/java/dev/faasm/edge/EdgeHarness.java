package dev.faasm.edge;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.faasm.embedded.TestPlatform;
import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.Codec;
import dev.faasm.protocol.proto.ReplayReport;
import dev.faasm.registry.FunctionRegistry;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStore;
import dev.faasm.resultstore.ResultStoreConfig;
import dev.faasm.runtime.FunctionRuntime;
import dev.faasm.runtime.RuntimeConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Edges on the shared test broker and redis-server, with their own topics and key prefix (no processor). Owns what it
 * starts and closes it in reverse order.
 */
final class EdgeHarness implements AutoCloseable {
  final String prefix = "edge-it-" + CallIds.random().substring(0, 8) + "-";
  final KafkaSettings kafka = KafkaSettings.of(TestPlatform.kafkaBootstrap());
  final Topics topics = Topics.withPrefix(prefix, 2, (short) 1);
  final ResultStore store;
  final FunctionRegistry registry;
  final FunctionRuntime runtime;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  EdgeHarness() throws Exception {
    try (Admin admin = kafka.admin()) {
      topics.ensure(admin);
    }
    Path root = Files.createTempDirectory("faasm-edge-it");
    store = own(new ResultStore(new ResultStoreConfig(TestPlatform.redisUrl(), Duration.ofHours(1), prefix)));
    // What a processor does when it first sees this (empty) store: open an epoch and, with nothing on the results
    // topic to put back, mark it rebuilt. Until then the edge answers a miss with 503, not 404.
    store.markRebuilt(store.openEpoch());
    runtime = own(new FunctionRuntime(RuntimeConfig.defaults()));
    registry = own(new FunctionRegistry(kafka, topics, root, false, prefix + "edge").start());
    registry.caughtUp().get(60, TimeUnit.SECONDS);
  }

  Edge startEdge(UnaryOperator<EdgeConfig> settings) {
    return startEdge(kafka, settings);
  }

  /** An edge whose calls producer and readiness check use {@code brokers} (the registry stays on the real broker). */
  Edge startEdge(KafkaSettings brokers, UnaryOperator<EdgeConfig> settings) {
    EdgeConfig config = settings.apply(EdgeConfig.defaults().withHost("127.0.0.1").withPort(0));
    return own(new Edge(config, brokers, topics, store, registry, runtime).start());
  }

  private <T extends AutoCloseable> T own(T part) {
    started.push(part);
    return part;
  }

  static URI uri(Edge edge, String path) {
    return URI.create("http://127.0.0.1:" + edge.port() + path);
  }

  HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  /** Reads the calls topic from the start until a call matches. */
  Call awaitCall(Predicate<Call> wanted) {
    Map<String, Object> props = kafka.consumerProps(prefix + "reader-" + CallIds.random());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topics.calls(), Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition()))
          .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
          Call call = Codec.decodeCall(rec.value());
          if (!rec.key().equals(call.callId())) {
            throw new AssertionError("record key " + rec.key() + " is not the call id " + call.callId());
          }
          if (wanted.test(call)) {
            return call;
          }
        }
      }
    }
    throw new AssertionError("no matching call on " + topics.calls() + " within 30 s");
  }

  /** Reads the replays topic from the start until a record keyed by {@code replayId} arrives; returns its value. */
  ReplayReport awaitReplayRecord(String replayId) {
    Map<String, Object> props = kafka.consumerProps(prefix + "reader-" + CallIds.random());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topics.replays(), Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition()))
          .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
          if (replayId.equals(rec.key())) {
            try {
              return ReplayReport.parseFrom(rec.value());
            } catch (InvalidProtocolBufferException e) {
              throw new AssertionError("record of replay " + replayId + " is not a ReplayReport", e);
            }
          }
        }
      }
    }
    throw new AssertionError("no record of replay " + replayId + " on " + topics.replays() + " within 30 s");
  }

  @Override
  public void close() {
    IllegalStateException failure = null;
    while (!started.isEmpty()) {
      AutoCloseable part = started.pop();
      try {
        part.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("cannot close " + part, e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
