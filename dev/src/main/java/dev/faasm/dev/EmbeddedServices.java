package dev.faasm.dev;

import dev.faasm.cli.LocalServices;
import dev.faasm.embedded.EmbeddedKafka;
import dev.faasm.embedded.EmbeddedRedis;
import java.nio.file.Path;

/** {@code faasm dev}'s broker and Redis: an in-process KRaft broker and a supervised redis-server child process. */
public final class EmbeddedServices implements LocalServices {

  @Override
  public Running start(Path root, int kafkaPort, int redisPort) {
    EmbeddedKafka kafka = EmbeddedKafka.start(root.resolve("kafka"), kafkaPort);
    EmbeddedRedis redis;
    try {
      // Supervised: if redis-server dies, a new (empty) one starts on the same port and the clients reconnect.
      redis = EmbeddedRedis.start(redisPort).supervise();
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    return new Running() {
      @Override
      public String kafkaBootstrap() {
        return kafka.bootstrapServers();
      }

      @Override
      public String redisUrl() {
        return redis.url();
      }

      @Override
      public void close() {
        try {
          kafka.close();
        } finally {
          redis.close();
        }
      }
    };
  }
}
