package dev.faasm.cli;

import dev.faasm.edge.EdgeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Everything on one machine with embedded defaults: a KRaft broker, redis-server, one processor and the edge. */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = "Run the whole platform locally: in-process Kafka, redis-server, a processor and the edge on :8080.")
final class DevCommand implements Callable<Integer> {
  @Mixin EdgeCommand.EdgeOptions edge;
  @Mixin ProcessorCommand.ProcessorOptions processor;

  @Option(names = "--func-root", defaultValue = "${env:FUNC_ROOT:-.faasm}", description = "local state (default ${DEFAULT-VALUE})")
  Path funcRoot;

  @Option(names = "--wasm-dir", defaultValue = "wasm", description = "functions to load at start (default ${DEFAULT-VALUE})")
  Path wasmDir;

  @Option(names = "--kafka-port", defaultValue = "9092", description = "embedded broker port (default ${DEFAULT-VALUE})")
  int kafkaPort;

  @Option(names = "--redis-port", defaultValue = "6379", description = "embedded redis-server port, 0 = any (default ${DEFAULT-VALUE})")
  int redisPort;

  @Option(names = "--access-log", description = "print a line per request (method, path, status, time, call id)")
  boolean accessLog;

  @Option(names = "--require-keys", description = "require API keys as the 'edge' role does (default: off in dev)")
  boolean requireKeys;

  /** Loopback only, unless --host says otherwise. */
  EdgeConfig edgeConfig(String id) {
    return edge.config(id, "127.0.0.1");
  }

  /** No API keys unless --require-keys. */
  Node.Access access() {
    return new Node.Access(requireKeys, edge.quotas());
  }

  @Override
  public Integer call() throws Exception {
    if (accessLog) {
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("faasm.access"))
          .setLevel(ch.qos.logback.classic.Level.INFO);
    }
    LocalServices local = LocalServices.find().orElse(null);
    if (local == null) {
      System.err.println("faasm dev: this is the production jar, which has no embedded Kafka broker or redis-server. "
          + "Run ./faasm dev from the repository (it uses dev/target/faasm-dev.jar), or start the edge and processor "
          + "roles against your own Kafka and Redis.");
      return 2;
    }
    Files.createDirectories(funcRoot);
    LocalServices.Running services = local.start(funcRoot.toAbsolutePath(), kafkaPort, redisPort);
    CommonOptions common = new CommonOptions();
    picocli.CommandLine.populateCommand(common);
    common.kafka = services.kafkaBootstrap();
    common.redis = services.redisUrl();
    common.funcRoot = funcRoot;
    common.partitions = 4;
    String id = "dev";
    Node node = common.node(id, true, Files.isDirectory(wasmDir) ? wasmDir : null);
    node.startProcessor(processor.config(id, funcRoot, common.topicPrefix), processor.state(),
        processor.loadCompiledClasses);
    EdgeConfig config = edgeConfig(id);
    node.startEdge(config, access());
    System.out.printf(
        "faasm dev is up: http://localhost:%d  (Kafka %s, Redis %s)%n  try: curl -X POST http://localhost:%d/f/simon/echo -d \"hello faasm\"%n"
            + "  console: http://localhost:%d/ui/%n",
        node.edge().port(), services.kafkaBootstrap(), services.redisUrl(), node.edge().port(), node.edge().port());
    System.out.printf(requireKeys
        ? "  API keys are required: ./faasm users add <user> --kafka %s%n"
        : "  authentication is OFF (dev mode): no API key needed, listening on %s only%n",
        requireKeys ? services.kafkaBootstrap() : config.host());
    Servers.runUntilSignalled(services, node);
    return 0;
  }
}
