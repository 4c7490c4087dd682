package dev.faasm.processor;

import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.Codec;
import dev.faasm.protocol.ProtocolException;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStore;
import dev.faasm.resultstore.ResultStoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the result store (Redis, a cache) from the results topic (the record) when Redis has lost its data.
 *
 * <p>{@link #check()} runs every second on one thread: it reads the store's epoch (opening one if there is none — a
 * new or emptied Redis) and, for an epoch this processor has not rebuilt and nobody has finished rebuilding, reads
 * every results partition from its start and puts each result back with what is left of its TTL. Results are put
 * back in log order with "set if absent", so for a call written twice the first record wins, as it did originally.
 * Then the epoch is marked rebuilt; until then the edge answers a miss with 503 rather than a false 404.
 *
 * <p>Every processor may rebuild the same epoch; the writes are idempotent, and whoever finishes first marks it.
 */
final class ResultCacheRebuilder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResultCacheRebuilder.class);

  private final ResultStore store;
  private final KafkaSettings kafka;
  private final Topics topics;
  private final String clientId;
  private final Clock clock;
  private String rebuiltEpoch;

  ResultCacheRebuilder(ResultStore store, KafkaSettings kafka, Topics topics, String clientId, Clock clock) {
    this.store = store;
    this.kafka = kafka;
    this.topics = topics;
    this.clientId = clientId;
    this.clock = clock;
  }

  /** One look at the epoch, and a rebuild when it is new. Never throws: a failure is retried at the next check. */
  void check() {
    try {
      String epoch = store.openEpoch();
      if (epoch.equals(rebuiltEpoch)) {
        return;
      }
      if (store.rebuiltEpoch().map(epoch::equals).orElse(false)) {
        rebuiltEpoch = epoch;
        return;
      }
      long started = System.nanoTime();
      long restored = rebuild();
      store.markRebuilt(epoch);
      rebuiltEpoch = epoch;
      log.info("result store epoch {}: {} results put back from {} in {} ms", epoch, restored, topics.results(),
          (System.nanoTime() - started) / 1_000_000);
    } catch (ResultStoreException e) {
      log.debug("result store unavailable for the epoch check: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("cannot rebuild the result store from {}; retrying", topics.results(), e);
    }
  }

  /** Puts back every unexpired result on the results topic; returns how many were stored. */
  private long rebuild() {
    Map<String, Object> props = kafka.consumerProps(clientId + "-result-rebuild");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_CALL_MESSAGE_BYTES);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    long ttl = store.config().ttl().toMillis();
    long restored = 0;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer.partitionsFor(topics.results(), Duration.ofSeconds(30))
          .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(parts));
      ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      while (!ends.isEmpty()) {
        for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
          if (rec.value() == null) {
            continue;
          }
          CallResult result;
          try {
            result = Codec.decodeResult(rec.value());
          } catch (ProtocolException e) {
            continue; // the result indexer sends it to the dead-letter topic
          }
          long age = clock.millis() - Math.max(result.finishedAtMillis(), rec.timestamp());
          if (store.restore(result, Duration.ofMillis(ttl - age))) {
            restored++;
          }
        }
        ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      }
    }
    return restored;
  }

  @Override
  public void close() {}
}
