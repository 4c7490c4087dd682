package dev.faasm.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one processor instance.
 *
 * @param applicationId Kafka Streams application id: processors sharing it share the calls topic's partitions
 * @param instanceId unique per process; names its reply channel for awaited calls
 * @param streamThreads Kafka Streams threads (they only route calls; guests run on the runtime's threads)
 * @param maxChainDepth deepest allowed chain (a call from outside has depth 0)
 * @param maxInFlight calls launched and not yet finished, per instance (awaiting guests included)
 * @param maxQueuedGuests launch no more calls while this many are claimed: launched here and not yet on a guest (in
 *     preparation or waiting for a slot); the rest wait in the pending store, where a rebalance can move them
 * @param commitInterval Kafka Streams commit interval: bounds how long an accepted call sits in memory only
 * @param moduleWait how long a call waits for its module to arrive from the modules topic
 * @param stateDir Kafka Streams state directory (the pending-call store)
 * @param moduleCollectInterval how often unreferenced module versions are looked for and deleted
 * @param replayBackgroundRate calls per second a replay starts at most while live calls are running (0 = no limit)
 * @param membership how this processor belongs to the processors' consumer group
 * @param retry how often a call that fails for a platform reason is tried again, and how soon
 * @param chains limits on the calls a request may cause and on their inputs
 */
public record ProcessorConfig(
    String applicationId,
    String instanceId,
    int streamThreads,
    int maxChainDepth,
    int maxInFlight,
    int maxQueuedGuests,
    Duration commitInterval,
    Duration moduleWait,
    Path stateDir,
    Duration moduleCollectInterval,
    double replayBackgroundRate,
    Membership membership,
    Retry retry,
    ChainLimits chains) {

  /**
   * What chaining may cost: at most {@code maxCallsPerRequest} chained calls caused by one request from outside
   * (the whole tree, whichever processors run it), each with an input of at most {@code maxInputBytes} (the edge's
   * limit for calls from outside).
   */
  public record ChainLimits(int maxCallsPerRequest, int maxInputBytes) {
    public ChainLimits {
      if (maxCallsPerRequest < 1 || maxInputBytes < 0) {
        throw new IllegalArgumentException("invalid chain limits " + maxCallsPerRequest + ", " + maxInputBytes);
      }
    }

    /** 1,000 calls per request, 16 MiB inputs. */
    public static ChainLimits defaults() {
      return new ChainLimits(1_000, 16 * 1024 * 1024);
    }
  }

  /**
   * A call whose run fails for a platform reason (Redis or Kafka unreachable, a module that cannot be read; not a
   * guest's own failure, which is its result) is tried again after {@code firstBackoff}, doubling up to {@code
   * maxBackoff}; after {@code maxAttempts} failed attempts it ends with a {@code RETRIES_EXHAUSTED} failure.
   */
  public record Retry(int maxAttempts, Duration firstBackoff, Duration maxBackoff) {
    public Retry {
      Objects.requireNonNull(firstBackoff, "firstBackoff");
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      if (maxAttempts < 1 || firstBackoff.isNegative() || maxBackoff.compareTo(firstBackoff) < 0) {
        throw new IllegalArgumentException("invalid retry " + maxAttempts + ", " + firstBackoff + ", " + maxBackoff);
      }
    }

    /** 10 attempts, 1 s doubling to 30 s: about 2.5 minutes of trying. */
    public static Retry defaults() {
      return new Retry(10, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /** The wait after the {@code attempts}-th failed attempt. */
    public Duration backoff(int attempts) {
      int doublings = Math.min(Math.max(0, attempts - 1), 30);
      long millis = firstBackoff.toMillis() << doublings;
      return millis < 0 || millis > maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(millis);
    }
  }

  /**
   * How a processor belongs to the group: with {@code staticMembership} its instance id is its Kafka {@code
   * group.instance.id} (a StatefulSet pod's stable name), so a restarted pod gets its own tasks back within {@code
   * sessionTimeout} without a rebalance; {@code standbyReplicas} warm copies of each task's stores are kept on other
   * processors so a failed one's tasks move to a warm copy. With {@code leaveOnShutdown} a processor that is stopped
   * (SIGTERM: a rolling restart or a scale-down) leaves the group at once, static member or not, so its tasks move to
   * the others (warm when they hold standbys) instead of waiting for it; a killed one (SIGKILL, a crash) cannot leave,
   * and its restart with the same instance id takes its tasks back without a rebalance.
   */
  public record Membership(
      boolean staticMembership, int standbyReplicas, Duration sessionTimeout, boolean leaveOnShutdown) {
    public Membership {
      Objects.requireNonNull(sessionTimeout, "sessionTimeout");
      if (standbyReplicas < 0 || sessionTimeout.isNegative() || sessionTimeout.isZero()) {
        throw new IllegalArgumentException("invalid membership " + standbyReplicas + ", " + sessionTimeout);
      }
    }

    /** Dynamic membership, no standbys, a 10 s session timeout: for one machine and the tests. */
    public static Membership defaults() {
      return new Membership(false, 0, Duration.ofSeconds(10), true);
    }
  }


  public ProcessorConfig {
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(commitInterval, "commitInterval");
    Objects.requireNonNull(moduleWait, "moduleWait");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(moduleCollectInterval, "moduleCollectInterval");
    Objects.requireNonNull(membership, "membership");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(chains, "chains");
    if (replayBackgroundRate < 0) {
      throw new IllegalArgumentException("replayBackgroundRate must be >= 0: " + replayBackgroundRate);
    }
    if (streamThreads < 1 || maxChainDepth < 0 || maxInFlight < 1 || maxQueuedGuests < 1) {
      throw new IllegalArgumentException("processor limits must be positive");
    }
  }

  public static ProcessorConfig defaults(String instanceId, Path stateDir) {
    int cpus = Runtime.getRuntime().availableProcessors();
    return new ProcessorConfig(
        "faasm-processor", instanceId, 1, 16, 10_000, Math.max(32, 8 * cpus), Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        stateDir, Duration.ofMinutes(10), 500, Membership.defaults(), Retry.defaults(),
        ChainLimits.defaults());
  }

  public ProcessorConfig withApplicationId(String id) {
    return new ProcessorConfig(
        id, instanceId, streamThreads, maxChainDepth, maxInFlight, maxQueuedGuests, commitInterval, moduleWait,
        stateDir, moduleCollectInterval, replayBackgroundRate, membership, retry, chains);
  }

  public ProcessorConfig withStreamThreads(int n) {
    return new ProcessorConfig(
        applicationId, instanceId, n, maxChainDepth, maxInFlight, maxQueuedGuests, commitInterval, moduleWait,
        stateDir, moduleCollectInterval, replayBackgroundRate, membership, retry, chains);
  }

  public ProcessorConfig withMaxChainDepth(int depth) {
    return new ProcessorConfig(
        applicationId, instanceId, streamThreads, depth, maxInFlight, maxQueuedGuests, commitInterval, moduleWait,
        stateDir, moduleCollectInterval, replayBackgroundRate, membership, retry, chains);
  }

  public ProcessorConfig withReplayBackgroundRate(double rate) {
    return new ProcessorConfig(
        applicationId, instanceId, streamThreads, maxChainDepth, maxInFlight, maxQueuedGuests, commitInterval,
        moduleWait, stateDir, moduleCollectInterval, rate, membership, retry, chains);
  }

  public ProcessorConfig withMembership(Membership m) {
    return new ProcessorConfig(
        applicationId, instanceId, streamThreads, maxChainDepth, maxInFlight, maxQueuedGuests, commitInterval,
        moduleWait, stateDir, moduleCollectInterval, replayBackgroundRate, m, retry, chains);
  }

  public ProcessorConfig withRetry(Retry r) {
    return new ProcessorConfig(
        applicationId, instanceId, streamThreads, maxChainDepth, maxInFlight, maxQueuedGuests, commitInterval,
        moduleWait, stateDir, moduleCollectInterval, replayBackgroundRate, membership, r, chains);
  }

  public ProcessorConfig withChainLimits(ChainLimits c) {
    return new ProcessorConfig(
        applicationId, instanceId, streamThreads, maxChainDepth, maxInFlight, maxQueuedGuests, commitInterval,
        moduleWait, stateDir, moduleCollectInterval, replayBackgroundRate, membership, retry, c);
  }
}
