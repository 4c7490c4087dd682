package dev.faasm.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One embedded Kafka broker and one embedded redis-server per JVM, shared by every integration test class.
 *
 * <p>Each is started the first time a test asks for it (a Redis-only test never starts Kafka) and stopped by a JVM
 * shutdown hook, which also deletes the broker's temporary data directory. Tests share the services, so they must
 * use their own topic names, key prefixes and channels (e.g. derived from a random id).
 */
public final class TestPlatform {
  private static final Logger log = LoggerFactory.getLogger(TestPlatform.class);

  private static EmbeddedKafka kafka;
  private static Path kafkaDir;
  private static EmbeddedRedis redis;
  private static boolean hookInstalled;

  private TestPlatform() {}

  /** The shared broker, started on first use. */
  public static synchronized EmbeddedKafka kafka() {
    if (kafka == null) {
      installHook();
      try {
        kafkaDir = Files.createTempDirectory("faasm-test-kafka-");
      } catch (IOException e) {
        throw new EmbeddedException("cannot create a data directory for the test broker: " + e.getMessage(), e);
      }
      kafka = EmbeddedKafka.start(kafkaDir);
    }
    return kafka;
  }

  /** The shared redis-server, started on first use. */
  public static synchronized EmbeddedRedis redis() {
    if (redis == null) {
      installHook();
      redis = EmbeddedRedis.start(0);
    }
    return redis;
  }

  /** Bootstrap servers of the shared broker. */
  public static String kafkaBootstrap() {
    return kafka().bootstrapServers();
  }

  /** {@code redis://} URL of the shared redis-server. */
  public static String redisUrl() {
    return redis().url();
  }

  private static void installHook() {
    if (!hookInstalled) {
      Runtime.getRuntime().addShutdownHook(new Thread(TestPlatform::shutdown, "faasm-test-platform-shutdown"));
      hookInstalled = true;
    }
  }

  private static synchronized void shutdown() {
    if (redis != null) {
      redis.close();
      redis = null;
    }
    if (kafka != null) {
      kafka.close();
      kafka = null;
      deleteTree(kafkaDir);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("cannot delete test broker data {}", dir, e);
    }
  }
}
