package dev.faasm.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster (one process acting as KRaft controller and broker) running inside this JVM.
 *
 * <p>Log segments live under {@code <dataDir>/kafka}. A directory formatted by an earlier run for the same embedded
 * cluster id is reused as it is, so a restarted {@code faasm dev} keeps its topics; a directory formatted for another
 * cluster is refused, never wiped. {@link #close()} stops the broker but deletes nothing.
 *
 * <p>The broker is tuned for one node and low latency: internal topics with replication 1 and min ISR 1 (so
 * transactions and Kafka Streams exactly-once work), no initial rebalance delay, records up to {@link
 * #MAX_MESSAGE_BYTES}, no automatic topic creation, fast broker heartbeats.
 */
public final class EmbeddedKafka implements AutoCloseable {
  /** Largest record batch the broker accepts: room for an 80 MiB module plus headers. */
  public static final int MAX_MESSAGE_BYTES = 85 * 1024 * 1024;

  /** Cluster id of every embedded cluster (the ASCII of "faasm-embedded-1"), so a data directory can be reused. */
  public static final String CLUSTER_ID = new Uuid(0x6661_6173_6d2d_656dL, 0x6265_6464_6564_2d31L).toString();

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int NODE_ID = 1;
  private static final String BROKER_LISTENER = "PLAINTEXT";
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final int START_ATTEMPTS = 3;
  private static final Duration MAX_STARTUP = Duration.ofSeconds(120);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  private static final Object STARTUP_LOCK = new Object();

  private final KafkaRaftServer server;
  private final Path logDir;
  private final int brokerPort;
  private final int controllerPort;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafka(KafkaRaftServer server, Path logDir, int brokerPort, int controllerPort) {
    this.server = server;
    this.logDir = logDir;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
  }

  /** Starts a broker on free loopback ports, keeping its data under {@code dataDir}. */
  public static EmbeddedKafka start(Path dataDir) {
    return start(dataDir, 0);
  }

  /**
   * Starts a broker whose client listener is {@code 127.0.0.1:brokerPort} (0 = a free port), keeping its data under
   * {@code dataDir}. Returns once the broker is unfenced and accepts client requests.
   */
  public static EmbeddedKafka start(Path dataDir, int brokerPort) {
    if (brokerPort < 0 || brokerPort > 65535) {
      throw new IllegalArgumentException("broker port must be 0..65535, not " + brokerPort);
    }
    long began = System.nanoTime();
    Path logDir = dataDir.toAbsolutePath().resolve("kafka");
    if (brokerPort != 0 && !Ports.isFree(brokerPort)) {
      throw new EmbeddedException("cannot start embedded Kafka: port " + brokerPort + " is already in use");
    }
    format(logDir);
    EmbeddedException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int broker = brokerPort == 0 ? Ports.free() : brokerPort;
      int controller = Ports.free();
      while (controller == broker) {
        controller = Ports.free();
      }
      try {
        EmbeddedKafka kafka = launch(logDir, broker, controller);
        log.info(
            "embedded Kafka up at {} (data {}) in {} ms",
            kafka.bootstrapServers(), logDir, (System.nanoTime() - began) / 1_000_000);
        return kafka;
      } catch (EmbeddedException e) {
        last = e;
        // A port picked up front can be taken by another process before the broker binds it: pick again.
        boolean retry = Ports.isBindFailure(e) && attempt < START_ATTEMPTS;
        if (!retry) {
          break;
        }
        log.info("embedded Kafka could not bind its ports ({}), retrying", e.getMessage());
      }
    }
    throw last;
  }

  static EmbeddedKafka launch(Path logDir, int brokerPort, int controllerPort) {
    synchronized (STARTUP_LOCK) {
      // A failed start (e.g. a port taken since it was picked) is a "fatal fault" to Kafka, which halts the JVM.
      // In here that would kill the caller's whole process, so while starting, turn the halt into a failed start.
      Exit.setHaltProcedure(EmbeddedKafka::refuseToTerminate);
      Exit.setExitProcedure(EmbeddedKafka::refuseToTerminate);
      KafkaRaftServer server = null;
      try {
        KafkaConfig config = new KafkaConfig(settings(logDir, brokerPort, controllerPort), false);
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        return new EmbeddedKafka(server, logDir, brokerPort, controllerPort);
      } catch (RuntimeException e) {
        if (server != null) {
          stop(server, "after a failed start");
        }
        Throwable root = e;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        throw new EmbeddedException(
            "embedded Kafka failed to start on 127.0.0.1:" + brokerPort + " (controller " + controllerPort + "): "
                + root,
            e);
      } finally {
        Exit.resetHaltProcedure();
        Exit.resetExitProcedure();
      }
    }
  }

  private static void refuseToTerminate(int status, String message) {
    log.warn("embedded Kafka asked to end the JVM with status {} while starting ({}); failing the start instead",
        status, message);
  }

  /** The broker configuration, as the strings a server.properties file would hold. */
  static Map<String, String> settings(Path logDir, int brokerPort, int controllerPort) {
    String broker = BROKER_LISTENER + "://127.0.0.1:" + brokerPort;
    String controller = CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort;
    Map<String, String> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("inter.broker.listener.name", BROKER_LISTENER);
    p.put("listeners", broker + "," + controller);
    p.put("advertised.listeners", broker);
    p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("metadata.log.dir", logDir.toString());
    p.put("server.max.startup.time.ms", Long.toString(MAX_STARTUP.toMillis()));

    // One node: every internal topic has one replica, and transactions need min ISR 1.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");

    // Latency: no rebalance delay, quick heartbeats so the broker is unfenced (and shut down) quickly. A long
    // session: on one node a fenced broker takes every partition offline, so a busy laptop must not fence it.
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("broker.heartbeat.interval.ms", "200");
    p.put("broker.session.timeout.ms", "30000");

    // Modules of up to 80 MiB travel as single records.
    p.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
    p.put("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
    p.put("socket.request.max.bytes", Integer.toString(MAX_MESSAGE_BYTES + 16 * 1024 * 1024));
    // A segment must hold the largest batch; smaller than the 1 GiB default so compaction gets closed segments.
    p.put("log.segment.bytes", Integer.toString(128 * 1024 * 1024));
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));

    // A laptop-sized broker.
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("background.threads", "4");
    return p;
  }

  /** Formats {@code logDir} for the embedded cluster unless an earlier run already did. */
  private static void format(Path logDir) {
    Path meta = logDir.resolve("meta.properties");
    try {
      if (Files.isRegularFile(meta)) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
          props.load(in);
        }
        String clusterId = props.getProperty("cluster.id");
        String nodeId = props.getProperty("node.id");
        if (CLUSTER_ID.equals(clusterId) && String.valueOf(NODE_ID).equals(nodeId)) {
          log.debug("reusing Kafka data in {}", logDir);
          return;
        }
        throw new EmbeddedException(
            "Kafka data directory " + logDir + " belongs to cluster " + clusterId + " node " + nodeId
                + ", not the embedded cluster " + CLUSTER_ID + " node " + NODE_ID + "; use another directory");
      }
      Files.createDirectories(logDir);
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(NODE_ID)
          .setClusterId(CLUSTER_ID)
          .addDirectory(logDir.toString())
          .setMetadataLogDirectory(logDir.toString())
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setReleaseVersion(MetadataVersion.latestProduction())
          .run();
    } catch (EmbeddedException e) {
      throw e;
    } catch (Exception e) {
      throw new EmbeddedException("cannot format Kafka data directory " + logDir + ": " + e.getMessage(), e);
    }
  }

  /** {@code 127.0.0.1:<port>} of the client listener. */
  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  public int brokerPort() {
    return brokerPort;
  }

  public int controllerPort() {
    return controllerPort;
  }

  /** Where the broker keeps its log segments and metadata log. */
  public Path logDir() {
    return logDir;
  }

  /** Stops the broker and controller, waiting at most 30 s; later calls do nothing. Deletes no data. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long began = System.nanoTime();
    stop(server, "on close");
    log.info("embedded Kafka at {} stopped in {} ms", bootstrapServers(), (System.nanoTime() - began) / 1_000_000);
  }

  private static void stop(KafkaRaftServer server, String when) {
    Thread stopper =
        new Thread(
            () -> {
              server.shutdown();
              server.awaitShutdown();
            },
            "embedded-kafka-shutdown");
    stopper.setDaemon(true);
    stopper.setUncaughtExceptionHandler((t, e) -> log.warn("embedded Kafka shutdown {} failed", when, e));
    stopper.start();
    boolean interrupted = false;
    long deadline = System.nanoTime() + SHUTDOWN_TIMEOUT.toNanos();
    while (stopper.isAlive()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        log.warn("embedded Kafka did not stop within {} s {}; leaving it to the JVM", SHUTDOWN_TIMEOUT.toSeconds(), when);
        break;
      }
      try {
        stopper.join(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafka[" + bootstrapServers() + ", " + logDir + "]";
  }
}
