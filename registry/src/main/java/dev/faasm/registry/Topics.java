package dev.faasm.protocol;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names and layout of the platform's topics.
 *
 * @param calls every invocation, keyed by call id (a durable log that can be replayed)
 * @param results every final result, keyed by call id (outlives the result store's TTL)
 * @param functions the function index, compacted, key user/function, value {@link FunctionMeta}; tombstone = deleted
 * @param modules module bytes, compacted, keyed by digest (old versions stay fetchable)
 * @param partitions partitions of the calls and results topics
 * @param replication replication factor of every topic
 */
public record Topics(
    String calls, String results, String functions, String modules, int partitions, short replication) {
  /** Largest module the modules topic accepts, with headroom over the edge's 64 MiB upload limit. */
  public static final int MAX_MODULE_MESSAGE_BYTES = 80 * 1024 * 1024;

  /** Largest call or result record, with headroom over the 16 MiB input and output limits. */
  public static final int MAX_CALL_MESSAGE_BYTES = 40 * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(Topics.class);

  public Topics {
    Objects.requireNonNull(calls);
    Objects.requireNonNull(results);
    Objects.requireNonNull(functions);
    Objects.requireNonNull(modules);
    if (partitions < 1 || replication < 1) {
      throw new IllegalArgumentException("partitions and replication must be >= 1");
    }
  }

  public static Topics withPrefix(String prefix, int partitions, short replication) {
    return new Topics(
        prefix + "calls", prefix + "results", prefix + "functions", prefix + "modules", partitions, replication);
  }

  public static Topics defaults() {
    return withPrefix("faasm-", 8, (short) 1);
  }

  /** Creates any missing topic; existing topics are left as they are. */
  public void ensure(Admin admin) {
    String big = Integer.toString(MAX_CALL_MESSAGE_BYTES);
    List<NewTopic> wanted =
        List.of(
            new NewTopic(calls, partitions, replication).configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, big)),
            new NewTopic(results, partitions, replication)
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, big)),
            new NewTopic(functions, 1, replication)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
            new NewTopic(modules, 1, replication)
                .configs(
                    Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_MODULE_MESSAGE_BYTES))));
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
      if (missing.isEmpty()) {
        return;
      }
      admin.createTopics(missing).values().forEach((name, f) -> {
        try {
          f.get(30, TimeUnit.SECONDS);
          log.info("created topic {}", name);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
          }
        } catch (InterruptedException | TimeoutException e) {
          throw failure(e);
        }
      });
    } catch (ExecutionException | InterruptedException | TimeoutException e) {
      throw failure(e);
    }
  }

  private static IllegalStateException failure(Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new IllegalStateException("cannot create the platform's topics: " + e, e);
  }
}
