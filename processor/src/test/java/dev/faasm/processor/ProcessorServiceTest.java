package dev.faasm.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class ProcessorServiceTest {
  private static Properties props(ProcessorConfig config) {
    return new ProcessorService(config, KafkaSettings.of("broker:9092"), Topics.defaults(), null, null, null, null,
        null).streamsProperties();
  }

  @Test
  void staticMembershipUsesTheInstanceIdWithStandbysAndTheGivenSessionTimeout() {
    ProcessorConfig config =
        ProcessorConfig.defaults("processor-faasm-processor-1", Path.of("/tmp"))
            .withMembership(new ProcessorConfig.Membership(true, 1, Duration.ofSeconds(30), true));
    Properties p = props(config);
    assertEquals("processor-faasm-processor-1",
        p.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)));
    assertEquals(1, p.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG));
    assertEquals(30_000, p.get(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)));
  }

  @Test
  void byDefaultMembershipIsDynamicWithoutStandbys() {
    Properties p = props(ProcessorConfig.defaults("p", Path.of("/tmp")));
    assertFalse(p.containsKey(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)));
    assertEquals(0, p.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG));
    assertEquals(10_000, p.get(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)));
  }
}
