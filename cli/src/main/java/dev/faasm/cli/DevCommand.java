package dev.faasm.cli;

import dev.faasm.embedded.EmbeddedKafka;
import dev.faasm.embedded.EmbeddedRedis;
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

  @Override
  public Integer call() throws Exception {
    if (accessLog) {
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("faasm.access"))
          .setLevel(ch.qos.logback.classic.Level.INFO);
    }
    Files.createDirectories(funcRoot);
    EmbeddedKafka kafka = EmbeddedKafka.start(funcRoot.resolve("kafka").toAbsolutePath(), kafkaPort);
    // Supervised: if redis-server dies, a new (empty) one starts on the same port and the clients reconnect.
    EmbeddedRedis redis = EmbeddedRedis.start(redisPort).supervise();
    CommonOptions common = new CommonOptions();
    picocli.CommandLine.populateCommand(common);
    common.kafka = kafka.bootstrapServers();
    common.redis = redis.url();
    common.funcRoot = funcRoot;
    common.partitions = 4;
    String id = "dev";
    Node node = common.node(id, true, Files.isDirectory(wasmDir) ? wasmDir : null);
    node.startProcessor(processor.config(id, funcRoot, common.topicPrefix), processor.state());
    node.startEdge(edge.config(id));
    System.out.printf(
        "faasm dev is up: http://localhost:%d  (Kafka %s, Redis %s)%n  try: curl -X POST http://localhost:%d/f/simon/echo -d \"hello faasm\"%n",
        node.edge().port(), kafka.bootstrapServers(), redis.url(), node.edge().port());
    Servers.runUntilSignalled(redis, kafka, node);
    return 0;
  }
}
