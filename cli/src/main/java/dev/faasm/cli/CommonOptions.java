package dev.faasm.cli;

import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Retention;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStoreConfig;
import dev.faasm.runtime.RuntimeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options shared by the server roles; each can also be set by the environment variable in its default. */
final class CommonOptions {
  @Option(names = "--kafka", defaultValue = "${env:FAASM_KAFKA_BOOTSTRAP:-localhost:9092}",
      description = "Kafka bootstrap servers (FAASM_KAFKA_BOOTSTRAP; default ${DEFAULT-VALUE})")
  String kafka;

  @Option(names = "--redis", defaultValue = "${env:FAASM_REDIS_URL:-redis://localhost:6379}",
      description = "Redis URL (FAASM_REDIS_URL; default ${DEFAULT-VALUE})")
  String redis;

  @Option(names = "--redis-prefix", defaultValue = "${env:FAASM_REDIS_PREFIX:-faasm:}",
      description = "prefix of the platform's Redis keys and channels (FAASM_REDIS_PREFIX; default ${DEFAULT-VALUE})")
  String redisPrefix;

  @Option(names = "--func-root", defaultValue = "${env:FUNC_ROOT:-.faasm}",
      description = "local cache of modules, compiled code and state (FUNC_ROOT; default ${DEFAULT-VALUE})")
  Path funcRoot;

  @Option(names = "--topic-prefix", defaultValue = "${env:FAASM_TOPIC_PREFIX:-faasm-}",
      description = "prefix of the platform's topic names (FAASM_TOPIC_PREFIX; default ${DEFAULT-VALUE})")
  String topicPrefix;

  @Option(names = "--partitions", defaultValue = "${env:FAASM_PARTITIONS:-8}",
      description = "partitions of the calls and results topics when created (FAASM_PARTITIONS; default ${DEFAULT-VALUE})")
  int partitions;

  @Option(names = "--replication", defaultValue = "${env:FAASM_REPLICATION:-1}",
      description = "replication factor of created topics (FAASM_REPLICATION; default ${DEFAULT-VALUE})")
  short replication;

  @Option(names = "--result-ttl-hours", defaultValue = "${env:FAASM_RESULT_TTL_HOURS:-168}",
      description = "how long results stay cached in Redis; keep it at the results retention to serve every retained "
          + "result (FAASM_RESULT_TTL_HOURS; default ${DEFAULT-VALUE})")
  long resultTtlHours;

  @Option(names = "--calls-retention-hours", defaultValue = "${env:FAASM_CALLS_RETENTION_HOURS:-168}",
      description = "how long the calls topic keeps calls: the replay window (FAASM_CALLS_RETENTION_HOURS; "
          + "default ${DEFAULT-VALUE})")
  long callsRetentionHours;

  @Option(names = "--results-retention-hours", defaultValue = "${env:FAASM_RESULTS_RETENTION_HOURS:-168}",
      description = "how long the results topic keeps results (FAASM_RESULTS_RETENTION_HOURS; default "
          + "${DEFAULT-VALUE})")
  long resultsRetentionHours;

  @Option(names = "--module-grace-minutes", defaultValue = "${env:FAASM_MODULE_GRACE_MINUTES:-60}",
      description = "an unreferenced module version is deleted this long after the calls retention has passed "
          + "(FAASM_MODULE_GRACE_MINUTES; default ${DEFAULT-VALUE})")
  long moduleGraceMinutes;

  @Option(names = "--timeout-seconds", defaultValue = "${env:FAASM_TIMEOUT_SECONDS:-60}",
      description = "wall-clock limit per call (FAASM_TIMEOUT_SECONDS; default ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Option(names = "--memory-mib", defaultValue = "${env:FAASM_MEMORY_MIB:-256}",
      description = "guest memory limit per call (FAASM_MEMORY_MIB; default ${DEFAULT-VALUE})")
  long memoryMib;

  @Option(names = "--output-mib", defaultValue = "${env:FAASM_OUTPUT_MIB:-16}",
      description = "output limit per call (FAASM_OUTPUT_MIB; default ${DEFAULT-VALUE})")
  int outputMib;

  @Option(names = "--max-chained-calls", defaultValue = "${env:FAASM_MAX_CHAINED_CALLS:-64}",
      description = "chained calls per invocation (FAASM_MAX_CHAINED_CALLS; default ${DEFAULT-VALUE})")
  int maxChainedCalls;

  @Option(names = "--guests", defaultValue = "${env:FAASM_GUESTS:-0}",
      description = "guests running at once per process, 0 = one per CPU (FAASM_GUESTS; default ${DEFAULT-VALUE})")
  int guests;

  /** A node on these settings; functions from {@code wasmDir} (when given) are loaded into the registry. */
  Node node(String instanceId, boolean runsFunctions, Path wasmDir) throws Exception {
    Node node =
        new Node(kafkaSettings(), topics(), resultStoreConfig(), runtimeConfig(), funcRoot, instanceId, runsFunctions,
            Telemetry.fromEnvironment(runsFunctions ? "faasm-processor" : "faasm-edge"));
    try {
      if (wasmDir != null) {
        node.seed(wasmDir);
      }
      return node;
    } catch (Exception e) {
      node.close();
      throw e;
    }
  }

  KafkaSettings kafkaSettings() {
    return KafkaSettings.of(kafka);
  }

  Topics topics() {
    return Topics.withPrefix(
        topicPrefix, partitions, replication,
        new Retention(
            Duration.ofHours(callsRetentionHours), Duration.ofHours(resultsRetentionHours),
            Duration.ofMinutes(moduleGraceMinutes)));
  }

  ResultStoreConfig resultStoreConfig() {
    return new ResultStoreConfig(redis, Duration.ofHours(resultTtlHours), redisPrefix);
  }

  RuntimeConfig runtimeConfig() {
    RuntimeConfig d = RuntimeConfig.defaults();
    return new RuntimeConfig(
        Duration.ofSeconds(timeoutSeconds),
        memoryMib * 1024 * 1024,
        outputMib * 1024 * 1024,
        d.logLimitBytes(),
        maxChainedCalls,
        guests > 0 ? guests : d.maxConcurrentGuests(),
        d.guestStackBytes(),
        Optional.of(funcRoot.resolve("compiled")));
  }
}
