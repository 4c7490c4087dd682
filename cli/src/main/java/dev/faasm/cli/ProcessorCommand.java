package dev.faasm.cli;

import dev.faasm.processor.ProcessorConfig;
import dev.faasm.processor.StateConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "processor", mixinStandardHelpOptions = true, description = "Run a Kafka Streams processor.")
final class ProcessorCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin ProcessorOptions processor;

  @Option(names = "--wasm-dir", description = "also load functions from this wasm/<user>/<function>/ tree")
  Path wasmDir;

  @Option(names = "--admin-port", defaultValue = "${env:FAASM_ADMIN_PORT:-9090}",
      description = "port of GET /metrics and /health; 0 = any, -1 = none (FAASM_ADMIN_PORT; default ${DEFAULT-VALUE})")
  int adminPort;

  @Option(names = "--admin-host", defaultValue = "${env:FAASM_ADMIN_HOST:-0.0.0.0}",
      description = "address of the admin port (FAASM_ADMIN_HOST; default ${DEFAULT-VALUE})")
  String adminHost;

  @Override
  public Integer call() throws Exception {
    String id = Servers.defaultInstanceId();
    Node node = common.node(id, true, wasmDir);
    node.startProcessor(processor.config(id, common.funcRoot, common.topicPrefix), processor.state(),
        processor.loadCompiledClasses);
    if (adminPort >= 0) {
      node.startAdmin(adminHost, adminPort);
    }
    Servers.runUntilSignalled(node);
    return 0;
  }

  /** Processor settings. */
  static final class ProcessorOptions {
    @Option(names = "--stream-threads", defaultValue = "${env:FAASM_STREAM_THREADS:-1}",
        description = "Kafka Streams threads (FAASM_STREAM_THREADS; default ${DEFAULT-VALUE})")
    int streamThreads;

    @Option(names = "--max-chain-depth", defaultValue = "${env:FAASM_MAX_CHAIN_DEPTH:-16}",
        description = "deepest chain of calls (FAASM_MAX_CHAIN_DEPTH; default ${DEFAULT-VALUE})")
    int maxChainDepth;

    @Option(names = "--application-id", defaultValue = "${env:FAASM_APPLICATION_ID:-}",
        description = "Kafka Streams application id (consumer group) shared by all processors of one platform "
            + "(FAASM_APPLICATION_ID; default <topic prefix>processor, so two platforms with different topic "
            + "prefixes on one cluster never share it)")
    String applicationId;

    @Option(names = "--replay-background-rate", defaultValue = "${env:FAASM_REPLAY_BACKGROUND_RATE:-500}",
        description = "calls per second a replay starts at most while live calls are running; 0 = no limit "
            + "(FAASM_REPLAY_BACKGROUND_RATE; default ${DEFAULT-VALUE})")
    double replayBackgroundRate;

    @Option(names = "--static-membership", defaultValue = "${env:FAASM_STATIC_MEMBERSHIP:-false}",
        description = "join the processors' group with the instance id as group.instance.id, so a restarted processor "
            + "(a StatefulSet pod) gets its own tasks back without a rebalance (FAASM_STATIC_MEMBERSHIP; default "
            + "${DEFAULT-VALUE})")
    boolean staticMembership;

    @Option(names = "--standby-replicas", defaultValue = "${env:FAASM_STANDBY_REPLICAS:-0}",
        description = "warm copies of each task's stores kept on other processors (FAASM_STANDBY_REPLICAS; default "
            + "${DEFAULT-VALUE})")
    int standbyReplicas;

    @Option(names = "--session-timeout-seconds", defaultValue = "${env:FAASM_SESSION_TIMEOUT_SECONDS:-10}",
        description = "how long the group waits for a silent processor before moving its tasks; with static "
            + "membership, size it to a restart (FAASM_SESSION_TIMEOUT_SECONDS; default ${DEFAULT-VALUE})")
    int sessionTimeoutSeconds;

    @Option(names = "--leave-group-on-shutdown", defaultValue = "${env:FAASM_LEAVE_GROUP_ON_SHUTDOWN:-true}",
        arity = "1",
        description = "a stopped processor (SIGTERM) leaves the group at once so its tasks move to the others; false "
            + "keeps a static member's tasks waiting for its return (FAASM_LEAVE_GROUP_ON_SHUTDOWN; default "
            + "${DEFAULT-VALUE})")
    boolean leaveGroupOnShutdown;

    @Option(names = "--load-compiled-classes", defaultValue = "${env:FAASM_LOAD_COMPILED_CLASSES:-true}",
        arity = "1",
        description = "load a module uploaded while this processor runs from the JVM classes the edge compiled at "
            + "upload (carried in the modules topic) instead of compiling it here; they run as they are, so turn this "
            + "off if the modules topic is less trusted than the platform itself (FAASM_LOAD_COMPILED_CLASSES; "
            + "default ${DEFAULT-VALUE})")
    boolean loadCompiledClasses;

    @Option(names = "--max-attempts", defaultValue = "${env:FAASM_MAX_ATTEMPTS:-10}",
        description = "attempts of a call that fails for a platform reason (Redis or Kafka unreachable) before it "
            + "ends with RETRIES_EXHAUSTED; waits 1 s doubling to 30 s between them (FAASM_MAX_ATTEMPTS; default "
            + "${DEFAULT-VALUE})")
    int maxAttempts;

    @Option(names = "--max-calls-per-request", defaultValue = "${env:FAASM_MAX_CALLS_PER_REQUEST:-1000}",
        description = "chained calls one request from outside may cause in all, across processors; a chained call "
            + "beyond it fails (FAASM_MAX_CALLS_PER_REQUEST; default ${DEFAULT-VALUE})")
    int maxCallsPerRequest;

    @Option(names = "--max-chain-input-mib", defaultValue = "${env:FAASM_MAX_INPUT_MIB:-16}",
        description = "largest chained-call input: the edge's limit for calls from outside (FAASM_MAX_INPUT_MIB; "
            + "default ${DEFAULT-VALUE})")
    int maxChainInputMib;

    @Option(names = "--state-max-value-bytes", defaultValue = "${env:FAASM_STATE_MAX_VALUE_BYTES:-16777216}",
        description = "shared state: largest value (and total of appended elements) of one key "
            + "(FAASM_STATE_MAX_VALUE_BYTES; default ${DEFAULT-VALUE})")
    long stateMaxValueBytes;

    @Option(names = "--state-max-user-bytes", defaultValue = "${env:FAASM_STATE_MAX_USER_BYTES:-268435456}",
        description = "shared state: largest total of one user's keys (FAASM_STATE_MAX_USER_BYTES; default "
            + "${DEFAULT-VALUE})")
    long stateMaxUserBytes;

    @Option(names = "--state-lock-ttl-ms", defaultValue = "${env:FAASM_STATE_LOCK_TTL_MS:-10000}",
        description = "shared state: lease of a global lock, renewed while held; a killed processor's locks expire "
            + "after it (FAASM_STATE_LOCK_TTL_MS; default ${DEFAULT-VALUE})")
    long stateLockTtlMillis;

    StateConfig state() {
      return new StateConfig(stateMaxValueBytes, stateMaxUserBytes, java.time.Duration.ofMillis(stateLockTtlMillis));
    }

    ProcessorConfig config(String instanceId, Path funcRoot, String topicPrefix) {
      String app = applicationId == null || applicationId.isBlank() ? topicPrefix + "processor" : applicationId;
      return ProcessorConfig.defaults("processor-" + instanceId, funcRoot.resolve("streams"))
          .withApplicationId(app)
          .withReplayBackgroundRate(replayBackgroundRate)
          .withMembership(new ProcessorConfig.Membership(
              staticMembership, standbyReplicas, java.time.Duration.ofSeconds(sessionTimeoutSeconds),
              leaveGroupOnShutdown))
          .withRetry(new ProcessorConfig.Retry(
              maxAttempts, java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(30)))
          .withChainLimits(new ProcessorConfig.ChainLimits(maxCallsPerRequest, maxChainInputMib * 1024 * 1024))
          .withStreamThreads(streamThreads)
          .withMaxChainDepth(maxChainDepth);
    }
  }
}
