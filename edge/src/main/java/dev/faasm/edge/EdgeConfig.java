package dev.faasm.edge;

import dev.faasm.protocol.CallIds;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one edge instance.
 *
 * @param host address to bind
 * @param port port to bind; 0 picks a free one (see {@link Edge#port()})
 * @param syncWait how long a synchronous call may take before the edge answers 504 (the call keeps running)
 * @param maxInputBytes largest call input accepted (413 above it)
 * @param maxModuleBytes largest module upload accepted (413 above it)
 * @param instanceId unique per process; names this edge's reply channel in the result store
 * @param ioThreads Undertow IO threads: they parse requests and write answers, never block
 * @param workerThreads Undertow worker threads: short Redis calls, Kafka sends and module validation
 * @param backlog TCP accept backlog (the kernel may cap it, see {@code net.core.somaxconn})
 * @param limits timeouts, the connection cap and the header cap
 */
public record EdgeConfig(
    String host,
    int port,
    Duration syncWait,
    int maxInputBytes,
    int maxModuleBytes,
    String instanceId,
    int ioThreads,
    int workerThreads,
    int backlog,
    EdgeLimits limits) {

  public static final int MIB = 1024 * 1024;

  public EdgeConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(syncWait, "syncWait");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(limits, "limits");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535, not " + port);
    }
    if (syncWait.isNegative() || syncWait.isZero()) {
      throw new IllegalArgumentException("syncWait must be positive, not " + syncWait);
    }
    if (maxInputBytes < 1 || maxModuleBytes < 1) {
      throw new IllegalArgumentException("body limits must be positive");
    }
    if (!instanceId.matches("[A-Za-z0-9_.-]{1,128}")) {
      throw new IllegalArgumentException("invalid instance id '" + instanceId + "': must match [A-Za-z0-9_.-]{1,128}");
    }
    if (ioThreads < 1 || workerThreads < 1 || backlog < 1) {
      throw new IllegalArgumentException("ioThreads, workerThreads and backlog must be >= 1");
    }
  }

  /**
   * Port 8080 on all interfaces, 60 s sync wait, 16 MiB inputs, 64 MiB modules, a random instance id, {@link
   * EdgeLimits#defaults()}.
   */
  public static EdgeConfig defaults() {
    int cpus = Runtime.getRuntime().availableProcessors();
    return new EdgeConfig(
        "0.0.0.0", 8080, Duration.ofSeconds(60), 16 * MIB, 64 * MIB, "edge-" + CallIds.random(), Math.max(2, cpus),
        Math.max(16, 8 * cpus), 16_384, EdgeLimits.defaults());
  }

  public EdgeConfig withHost(String h) {
    return new EdgeConfig(
        h, port, syncWait, maxInputBytes, maxModuleBytes, instanceId, ioThreads, workerThreads, backlog, limits);
  }

  public EdgeConfig withPort(int p) {
    return new EdgeConfig(
        host, p, syncWait, maxInputBytes, maxModuleBytes, instanceId, ioThreads, workerThreads, backlog, limits);
  }

  public EdgeConfig withSyncWait(Duration d) {
    return new EdgeConfig(
        host, port, d, maxInputBytes, maxModuleBytes, instanceId, ioThreads, workerThreads, backlog, limits);
  }

  public EdgeConfig withMaxInputBytes(int n) {
    return new EdgeConfig(
        host, port, syncWait, n, maxModuleBytes, instanceId, ioThreads, workerThreads, backlog, limits);
  }

  public EdgeConfig withMaxModuleBytes(int n) {
    return new EdgeConfig(
        host, port, syncWait, maxInputBytes, n, instanceId, ioThreads, workerThreads, backlog, limits);
  }

  public EdgeConfig withInstanceId(String id) {
    return new EdgeConfig(
        host, port, syncWait, maxInputBytes, maxModuleBytes, id, ioThreads, workerThreads, backlog, limits);
  }

  public EdgeConfig withLimits(EdgeLimits l) {
    return new EdgeConfig(
        host, port, syncWait, maxInputBytes, maxModuleBytes, instanceId, ioThreads, workerThreads, backlog, l);
  }

  public EdgeConfig withThreads(int io, int workers) {
    return new EdgeConfig(
        host, port, syncWait, maxInputBytes, maxModuleBytes, instanceId, io, workers, backlog, limits);
  }
}
