package dev.faasm.registry;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names and layout of the platform's topics. The log is the platform's record: the result store (Redis) is a cache
 * rebuilt from it.
 *
 * @param calls every invocation, keyed by call id: the record that replays read ({@link Retention#calls()})
 * @param results every final result, keyed by call id: the durable truth ({@link Retention#results()}); a re-run after
 *     a crash may write a call's result twice, and every reader keeps the first
 * @param functions the function index, compacted, key user/function, value {@code FunctionRecord}; tombstone = deleted
 * @param modules module versions, compacted, keyed by digest, value {@code ModuleRecord}; a version no function
 *     points at and no retained call names is deleted (tombstoned)
 * @param deadLetters records a reader could not decode, with the reason ({@code DeadLetterRecord})
 * @param replays replay requests and reports, keyed by replay id, compacted
 * @param users users, their quotas and the salted hashes of their API keys, compacted, key user, value
 *     {@code UserRecord}; tombstone = removed (see {@link UserDirectory})
 * @param files users' shared files, compacted, key user/path, value {@code SharedFileRecord}; tombstone = deleted
 * @param partitions partitions of the calls and results topics (the same, so a call and its result share a task)
 * @param replication replication factor of every topic
 * @param retention how long calls and results are kept, and unreferenced modules
 */
public record Topics(
    String calls,
    String results,
    String functions,
    String modules,
    String deadLetters,
    String replays,
    String users,
    String files,
    int partitions,
    short replication,
    Retention retention) {
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
    Objects.requireNonNull(deadLetters);
    Objects.requireNonNull(replays);
    Objects.requireNonNull(users);
    Objects.requireNonNull(files);
    Objects.requireNonNull(retention);
    if (partitions < 1 || replication < 1) {
      throw new IllegalArgumentException("partitions and replication must be >= 1");
    }
  }

  public static Topics withPrefix(String prefix, int partitions, short replication) {
    return withPrefix(prefix, partitions, replication, Retention.defaults());
  }

  public static Topics withPrefix(String prefix, int partitions, short replication, Retention retention) {
    return new Topics(
        prefix + "calls", prefix + "results", prefix + "functions", prefix + "modules", prefix + "dead-letters",
        prefix + "replays", prefix + "users", prefix + "files", partitions, replication, retention);
  }

  public static Topics defaults() {
    return withPrefix("faasm-", 8, (short) 1);
  }

  /**
   * Creates any missing topic, and sets the configured retention of the calls and results topics on topics that
   * already exist (so a changed setting takes effect on restart). Other settings of existing topics are left alone.
   */
  public void ensure(Admin admin) {
    String big = Integer.toString(MAX_CALL_MESSAGE_BYTES);
    Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    List<NewTopic> wanted =
        List.of(
            new NewTopic(calls, partitions, replication).configs(retained(retention.calls())),
            new NewTopic(results, partitions, replication).configs(retained(retention.results())),
            new NewTopic(functions, 1, replication).configs(compacted),
            new NewTopic(modules, 1, replication)
                .configs(
                    Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_MODULE_MESSAGE_BYTES),
                        // Deleted versions leave the log soon after their tombstone.
                        TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()),
                        TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofDays(1).toMillis()))),
            new NewTopic(deadLetters, 1, replication)
                .configs(
                    Map.of(
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, big,
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.calls().toMillis()))),
            new NewTopic(replays, 1, replication).configs(compacted),
            new NewTopic(users, 1, replication).configs(compacted),
            new NewTopic(files, 1, replication)
                .configs(
                    Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, big)));
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
      applyRetention(admin, existing);
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

  private static Map<String, String> retained(Duration retention) {
    return Map.of(
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_CALL_MESSAGE_BYTES),
        TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
  }

  private void applyRetention(Admin admin, Set<String> existing)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
    for (Map.Entry<String, Duration> e : Map.of(calls, retention.calls(), results, retention.results()).entrySet()) {
      if (existing.contains(e.getKey())) {
        changes.put(
            new ConfigResource(ConfigResource.Type.TOPIC, e.getKey()),
            List.of(
                new AlterConfigOp(
                    new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(e.getValue().toMillis())),
                    AlterConfigOp.OpType.SET)));
      }
    }
    if (!changes.isEmpty()) {
      admin.incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
    }
  }

  private static IllegalStateException failure(Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new IllegalStateException("cannot create the platform's topics: " + e, e);
  }
}
