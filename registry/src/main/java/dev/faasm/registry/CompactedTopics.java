package dev.faasm.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;

/**
 * What the readers of a small compacted topic kept in memory by every process ({@link UserDirectory}, {@link
 * SharedFiles}) share: reading it from the beginning and following it, and writing one record.
 */
final class CompactedTopics {
  private CompactedTopics() {}

  /**
   * Reads {@code topic} from the beginning into {@code apply} until {@code closed}, completing {@code caughtUp} (and
   * running {@code onCaughtUp}) once every partition reached the end it had at the start; closes the consumer. A
   * failure completes {@code caughtUp} exceptionally. Runs on the caller's (reader) thread.
   */
  static void follow(
      KafkaConsumer<String, byte[]> consumer, String topic, BooleanSupplier closed,
      Consumer<ConsumerRecord<String, byte[]>> apply, CompletableFuture<Void> caughtUp, Runnable onCaughtUp,
      Logger log) {
    try {
      List<TopicPartition> parts = new ArrayList<>();
      consumer.partitionsFor(topic, Duration.ofSeconds(60))
          .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(parts));
      while (!closed.getAsBoolean()) {
        for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
          apply.accept(rec);
        }
        if (!caughtUp.isDone()) {
          ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
          if (ends.isEmpty()) {
            caughtUp.complete(null);
            onCaughtUp.run();
          }
        }
      }
    } catch (WakeupException e) {
      if (!closed.getAsBoolean()) {
        caughtUp.completeExceptionally(e);
      }
    } catch (RuntimeException e) {
      log.error("reader of {} stopped", topic, e);
      caughtUp.completeExceptionally(e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Sends one record; the future completes when the broker has it. */
  static CompletableFuture<Void> send(Producer<String, byte[]> producer, String topic, String key, byte[] value) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(topic, key, value), (md, error) -> {
        if (error != null) {
          done.completeExceptionally(error);
        } else {
          done.complete(null);
        }
      });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
    return done;
  }
}
