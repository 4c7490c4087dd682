package dev.faasm.processor;

import dev.faasm.protocol.Topics;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** The processor's topology: calls topic → pending-call store → {@link CallRunner}. */
public final class CallTopology {
  public static final String PENDING_STORE = "pending-calls";

  private CallTopology() {}

  public static void build(StreamsBuilder builder, Topics topics, CallRunner runner, ProcessorConfig config) {
    StoreBuilder<KeyValueStore<String, byte[]>> store =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(PENDING_STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingEnabled(
                Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topics.MAX_CALL_MESSAGE_BYTES)));
    builder.addStateStore(store);
    builder.stream(topics.calls(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(() -> new CallProcessor(PENDING_STORE, runner, config), PENDING_STORE);
  }
}
