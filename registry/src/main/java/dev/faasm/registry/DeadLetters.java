package dev.faasm.registry;

import com.google.protobuf.ByteString;
import dev.faasm.protocol.proto.DeadLetterRecord;
import java.time.Clock;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where records nobody can read go: the dead-letter topic, with the record's origin and the reason, so that nothing
 * is dropped silently. Keyed by {@code <topic>/<partition>/<offset>}, so a record sent twice (a reader re-reading
 * after a restart) is recognisably the same one.
 */
public final class DeadLetters {
  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final String reader;
  private final Clock clock;

  public DeadLetters(Producer<String, byte[]> producer, String topic, String reader, Clock clock) {
    this.producer = producer;
    this.topic = topic;
    this.reader = reader;
    this.clock = clock;
  }

  /** Sends the record to the dead-letter topic (asynchronously; a failure is logged with the record's origin). */
  public void send(String fromTopic, int partition, long offset, String key, byte[] value, String reason) {
    String origin = fromTopic + "/" + partition + "/" + offset;
    log.warn("dead letter from {}: {}", origin, reason);
    DeadLetterRecord.Builder b =
        DeadLetterRecord.newBuilder()
            .setTopic(fromTopic)
            .setPartition(partition)
            .setOffset(offset)
            .setReason(reason)
            .setFailedAtMillis(clock.millis())
            .setReader(reader);
    if (key != null) {
      b.setKey(ByteString.copyFromUtf8(key));
    }
    if (value != null) {
      b.setValue(ByteString.copyFrom(value));
    }
    try {
      producer.send(
          new ProducerRecord<>(topic, origin, b.build().toByteArray()),
          (md, error) -> {
            if (error != null) {
              log.error("cannot store dead letter from {} ({}) on {}", origin, reason, topic, error);
            }
          });
    } catch (RuntimeException e) {
      log.error("cannot store dead letter from {} ({}) on {}", origin, reason, topic, e);
    }
  }
}
