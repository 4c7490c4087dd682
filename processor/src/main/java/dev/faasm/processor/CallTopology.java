package dev.faasm.processor;

import dev.faasm.registry.Topics;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor's topology, one sub-topology over two co-partitioned topics (same key, same partition count):
 *
 * <ul>
 *   <li>calls topic → {@link CallProcessor}: the changelogged pending-call store, launched on the {@link CallRunner};
 *   <li>results topic → {@link ResultIndexer}: the finished-calls index, so a re-delivered call whose result is on the
 *       log is never run again, whatever the result store (Redis) remembers.
 * </ul>
 */
public final class CallTopology {
  public static final String PENDING_STORE = "pending-calls";
  public static final String FINISHED_STORE = "finished-calls";

  private CallTopology() {}

  public static void build(
      StreamsBuilder builder, Topics topics, CallRunner runner, ProcessorConfig config, DeadLetterSink deadLetters) {
    build(builder, topics, runner, config, deadLetters, null);
  }

  /** @param metrics where the pending stores' sizes go (null: nowhere) */
  static void build(
      StreamsBuilder builder, Topics topics, CallRunner runner, ProcessorConfig config, DeadLetterSink deadLetters,
      CallMetrics metrics) {
    StoreBuilder<KeyValueStore<String, byte[]>> pending =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(PENDING_STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingEnabled(
                Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topics.MAX_CALL_MESSAGE_BYTES)))
            // Writes reach RocksDB and the changelog at the next commit: a call that finishes before it costs one
            // tombstone there instead of its whole record and a tombstone. Offsets are committed only after the
            // flush, so an accepted call is always either in the changelog or still ahead of the committed offset.
            .withCachingEnabled();
    // The index holds a few bytes per call; its changelog forgets calls as the results topic does.
    String retention = Long.toString(topics.retention().results().toMillis());
    StoreBuilder<KeyValueStore<String, Long>> finished =
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FINISHED_STORE), Serdes.String(), Serdes.Long())
            .withLoggingEnabled(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, retention));
    builder.addStateStore(pending);
    builder.addStateStore(finished);
    builder.stream(topics.calls(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(() -> new CallProcessor(PENDING_STORE, FINISHED_STORE, runner, config, deadLetters, metrics),
            PENDING_STORE, FINISHED_STORE);
    builder.stream(topics.results(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(() -> new ResultIndexer(FINISHED_STORE, topics.retention().results(), deadLetters), FINISHED_STORE);
  }
}
