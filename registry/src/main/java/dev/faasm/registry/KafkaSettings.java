package dev.faasm.registry;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Where the broker is, plus client overrides; builds the platform's low-latency clients. */
public record KafkaSettings(String bootstrapServers, Map<String, Object> overrides) {
  public KafkaSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    overrides = Map.copyOf(overrides == null ? Map.of() : overrides);
  }

  public static KafkaSettings of(String bootstrapServers) {
    return new KafkaSettings(bootstrapServers, Map.of());
  }

  public Map<String, Object> common() {
    Map<String, Object> props = new HashMap<>();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.putAll(overrides);
    return props;
  }

  /** A producer tuned for latency (no linger) and durability (acks=all, idempotent). */
  public KafkaProducer<String, byte[]> producer(String clientId) {
    Map<String, Object> props = common();
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MODULE_MESSAGE_BYTES + 1024 * 1024);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * Topics.MAX_MODULE_MESSAGE_BYTES);
    props.putAll(overrides);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  public Map<String, Object> consumerProps(String clientId) {
    Map<String, Object> props = common();
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.putAll(overrides);
    return props;
  }

  public Admin admin() {
    return Admin.create(common());
  }
}
