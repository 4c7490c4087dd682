package dev.faasm.processor;

import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.Codec;
import dev.faasm.protocol.ProtocolException;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the finished-calls index from the results topic: call id → when its first result was finished. The first
 * result of a call wins; a second one (a re-run after a crash) changes nothing. Entries older than the results topic's
 * retention are dropped hourly, as the topic drops the results.
 */
final class ResultIndexer implements Processor<String, byte[], Void, Void> {
  private static final Logger log = LoggerFactory.getLogger(ResultIndexer.class);
  private static final Duration SWEEP = Duration.ofHours(1);

  private final String storeName;
  private final Duration retention;
  private final DeadLetterSink deadLetters;
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, Long> finished;

  ResultIndexer(String storeName, Duration retention, DeadLetterSink deadLetters) {
    this.storeName = storeName;
    this.retention = retention;
    this.deadLetters = deadLetters;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.finished = context.getStateStore(storeName);
    context.schedule(SWEEP, PunctuationType.WALL_CLOCK_TIME, this::sweep);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null) {
      return;
    }
    CallResult result;
    try {
      result = Codec.decodeResult(record.value());
    } catch (ProtocolException e) {
      RecordMetadata md = context.recordMetadata().orElse(null);
      deadLetters.send(md == null ? "" : md.topic(), md == null ? -1 : md.partition(), md == null ? -1 : md.offset(),
          record.key(), record.value(), e.getMessage());
      return;
    }
    if (finished.get(result.callId()) == null) {
      finished.put(result.callId(), Math.max(result.finishedAtMillis(), record.timestamp()));
    }
  }

  private void sweep(long now) {
    long cutoff = now - retention.toMillis();
    int dropped = 0;
    try (KeyValueIterator<String, Long> it = finished.all()) {
      while (it.hasNext()) {
        var entry = it.next();
        if (entry.value < cutoff) {
          finished.delete(entry.key);
          dropped++;
        }
      }
    }
    if (dropped > 0) {
      log.debug("dropped {} finished calls older than the results retention", dropped);
    }
  }
}
