package dev.faasm.cli;

import dev.faasm.edge.EdgeConfig;
import dev.faasm.protocol.Quota;
import dev.faasm.edge.EdgeLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "edge", mixinStandardHelpOptions = true,
    description = "Run the HTTP edge. Every call needs a user's API key (see 'faasm users') unless --insecure.")
final class EdgeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(EdgeCommand.class);

  @Mixin CommonOptions common;
  @Mixin EdgeOptions edge;

  @Option(names = "--wasm-dir", description = "also load functions from this wasm/<user>/<function>/ tree")
  Path wasmDir;

  @Option(names = "--insecure", defaultValue = "${env:FAASM_INSECURE:-false}",
      description = "run WITHOUT authentication: anyone who reaches the edge can use every user's functions "
          + "(FAASM_INSECURE; default ${DEFAULT-VALUE})")
  boolean insecure;

  @Override
  public Integer call() throws Exception {
    String id = Servers.defaultInstanceId();
    Node node = common.node(id, false, wasmDir);
    if (insecure) {
      log.warn("started with --insecure: authentication is OFF; anyone who reaches port {} acts as an admin", edge.port);
    }
    node.startEdge(edge.config(id, "0.0.0.0"), access());
    if (!insecure && node.users().list().isEmpty()) {
      log.warn("no users yet: every call is refused until one is added ('faasm users add <user>')");
    }
    Servers.runUntilSignalled(node);
    return 0;
  }

  /** API keys are required unless {@code --insecure}. */
  Node.Access access() {
    return new Node.Access(!insecure, edge.quotas());
  }

  /** Edge settings. */
  static final class EdgeOptions {
    @Option(names = "--port", defaultValue = "${env:FAASM_HTTP_PORT:-8080}",
        description = "HTTP port (FAASM_HTTP_PORT; default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--sync-wait-seconds", defaultValue = "${env:FAASM_SYNC_WAIT_SECONDS:-60}",
        description = "how long a synchronous call waits before 504 (FAASM_SYNC_WAIT_SECONDS; default ${DEFAULT-VALUE})")
    long syncWaitSeconds;

    @Option(names = "--max-input-mib", defaultValue = "${env:FAASM_MAX_INPUT_MIB:-16}",
        description = "largest call input (FAASM_MAX_INPUT_MIB; default ${DEFAULT-VALUE})")
    int maxInputMib;

    @Option(names = "--max-module-mib", defaultValue = "${env:FAASM_MAX_MODULE_MIB:-64}",
        description = "largest uploaded module (FAASM_MAX_MODULE_MIB; default ${DEFAULT-VALUE})")
    int maxModuleMib;

    @Option(names = "--host", defaultValue = "${env:FAASM_HTTP_HOST}",
        description = "address to bind (FAASM_HTTP_HOST; default 0.0.0.0 for 'edge', 127.0.0.1 for 'dev')")
    String host;

    @Option(names = "--quota-calls-per-second", defaultValue = "${env:FAASM_QUOTA_CALLS_PER_SECOND:--1}",
        description = "calls per second per user without a quota of its own, -1 = unlimited "
            + "(FAASM_QUOTA_CALLS_PER_SECOND; default ${DEFAULT-VALUE})")
    double quotaCallsPerSecond;

    @Option(names = "--quota-calls-in-flight", defaultValue = "${env:FAASM_QUOTA_CALLS_IN_FLIGHT:--1}",
        description = "unfinished calls per user, -1 = unlimited (FAASM_QUOTA_CALLS_IN_FLIGHT; default "
            + "${DEFAULT-VALUE})")
    long quotaCallsInFlight;

    @Option(names = "--quota-module-mib", defaultValue = "${env:FAASM_QUOTA_MODULE_MIB:--1}",
        description = "total size of a user's functions, -1 = unlimited (FAASM_QUOTA_MODULE_MIB; default "
            + "${DEFAULT-VALUE})")
    long quotaModuleMib;

    Quota quotas() {
      return new Quota(
          quotaCallsPerSecond < 0 ? Quota.UNSET : quotaCallsPerSecond,
          quotaCallsInFlight < 0 ? Quota.UNSET : quotaCallsInFlight,
          quotaModuleMib < 0 ? Quota.UNSET : quotaModuleMib * 1024 * 1024);
    }


    @Option(names = "--idle-timeout-seconds", defaultValue = "${env:FAASM_IDLE_TIMEOUT_SECONDS:-30}",
        description = "close a connection that starts no request for this long (FAASM_IDLE_TIMEOUT_SECONDS; "
            + "default ${DEFAULT-VALUE})")
    long idleTimeoutSeconds;

    @Option(names = "--header-timeout-seconds", defaultValue = "${env:FAASM_HEADER_TIMEOUT_SECONDS:-10}",
        description = "close a connection whose request headers take longer (FAASM_HEADER_TIMEOUT_SECONDS; "
            + "default ${DEFAULT-VALUE})")
    long headerTimeoutSeconds;

    @Option(names = "--body-timeout-seconds", defaultValue = "${env:FAASM_BODY_TIMEOUT_SECONDS:-60}",
        description = "answer 408 to a request body that takes longer (FAASM_BODY_TIMEOUT_SECONDS; "
            + "default ${DEFAULT-VALUE})")
    long bodyTimeoutSeconds;

    @Option(names = "--max-connections", defaultValue = "${env:FAASM_MAX_CONNECTIONS:-0}",
        description = "open connections at most; 0 = 3/4 of the file-descriptor limit (FAASM_MAX_CONNECTIONS; "
            + "default ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(names = "--max-header-kib", defaultValue = "${env:FAASM_MAX_HEADER_KIB:-16}",
        description = "request line and headers at most, 431 above (FAASM_MAX_HEADER_KIB; default ${DEFAULT-VALUE})")
    int maxHeaderKib;

    EdgeConfig config(String instanceId, String defaultHost) {
      return EdgeConfig.defaults()
          .withHost(host == null || host.isBlank() ? defaultHost : host)
          .withPort(port)
          .withSyncWait(java.time.Duration.ofSeconds(syncWaitSeconds))
          .withMaxInputBytes(maxInputMib * 1024 * 1024)
          .withMaxModuleBytes(maxModuleMib * 1024 * 1024)
          .withInstanceId("edge-" + instanceId)
          .withLimits(EdgeLimits.defaults()
              .withNoRequestTimeout(Duration.ofSeconds(idleTimeoutSeconds))
              .withRequestParseTimeout(Duration.ofSeconds(headerTimeoutSeconds))
              .withBodyReadTimeout(Duration.ofSeconds(bodyTimeoutSeconds))
              .withMaxConnections(maxConnections)
              .withMaxHeaderBytes(maxHeaderKib * 1024));
    }
  }
}
