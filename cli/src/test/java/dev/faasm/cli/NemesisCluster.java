package dev.faasm.cli;

import dev.faasm.edge.EdgeConfig;
import dev.faasm.embedded.EmbeddedRedis;
import dev.faasm.embedded.TestPlatform;
import dev.faasm.protocol.CallIds;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStoreConfig;
import dev.faasm.runtime.RuntimeConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * The platform under test for the nemesis suite: the shared embedded broker, a redis-server of its own (supervised, so
 * a server that exits is restarted empty on the same port), two edges in this JVM (on ephemeral ports, functions
 * seeded) and processors in separate JVMs that can be killed, paused and resumed.
 *
 * <p>{@link #close()} kills every processor JVM (resuming paused ones first) and stops the redis-server; a shutdown
 * hook does the same if the test JVM ends without closing, so nothing outlives the run.
 */
final class NemesisCluster implements AutoCloseable {
  static final int PARTITIONS = 4;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern RUNNING = Pattern.compile("streams \\w+ -> RUNNING");
  /** Logged at INFO by the processor when a queued call is not run because another processor finished it. */
  static final String WITHDRAWN_FINISHED_ELSEWHERE = "withdrawn before it started";
  /** Logged at DEBUG (enabled for the processor JVMs) when a queued call is not run because its task moved away. */
  static final String WITHDRAWN_TASK_MOVED = "withdrawn: its task left this processor";

  final String prefix = "nemesis-" + CallIds.random().substring(0, 8) + "-";
  final KafkaSettings kafka = KafkaSettings.of(TestPlatform.kafkaBootstrap());
  final Topics topics = Topics.withPrefix(prefix, PARTITIONS, (short) 1);
  final EmbeddedRedis redis;
  final ResultStoreConfig storeConfig;
  final Path root;
  private final Path processorLogConfig;
  private final List<Node> edges = new ArrayList<>();
  private final Map<String, Processor> processors = new LinkedHashMap<>();
  /** Processes currently SIGSTOPped by a nemesis: resumed before anything is killed or closed. */
  private final Set<Long> stopped = ConcurrentHashMap.newKeySet();
  private final Thread reaper = new Thread(this::killEverything, "nemesis-reaper");
  private int nextProcessor;

  /** One processor JVM and its log. */
  record Processor(String name, Process process, Path log) {
    long pid() {
      return process.pid();
    }
  }

  NemesisCluster(int processorCount, Duration syncWait) throws Exception {
    root = Files.createTempDirectory("faasm-nemesis");
    processorLogConfig = root.resolve("logback-processor.xml");
    Files.writeString(processorLogConfig, PROCESSOR_LOGBACK, StandardCharsets.UTF_8);
    Runtime.getRuntime().addShutdownHook(reaper);
    redis = EmbeddedRedis.start(0).supervise();
    storeConfig = new ResultStoreConfig(redis.url(), Duration.ofHours(1), prefix);
    try {
      for (int i = 0; i < 2; i++) {
        Node edge = new Node(
            kafka, topics, storeConfig, RuntimeConfig.defaults(), root.resolve("edge" + i), "nemesis-edge" + i, false);
        edges.add(edge);
        if (i == 0) {
          edge.seed(Repo.wasmDir()); // the second edge's registry catches up with the seeded functions
        }
        edge.startEdge(EdgeConfig.defaults().withPort(0).withHost("127.0.0.1").withSyncWait(syncWait));
      }
      List<Processor> started = new ArrayList<>();
      for (int i = 0; i < processorCount; i++) {
        started.add(launchProcessor());
      }
      for (Processor p : started) {
        awaitRunning(p);
      }
    } catch (Exception | AssertionError e) {
      close();
      throw e;
    }
  }

  int edgeCount() {
    return edges.size();
  }

  URI edge(int i) {
    return URI.create("http://127.0.0.1:" + edges.get(i).edge().port());
  }

  synchronized List<Processor> processors() {
    return List.copyOf(processors.values());
  }

  /** Starts one more processor JVM and waits until its streams are RUNNING. */
  Processor startProcessor() throws Exception {
    Processor p = launchProcessor();
    awaitRunning(p);
    return p;
  }

  /** Starts one more processor JVM without waiting for it. */
  synchronized Processor launchProcessor() throws IOException {
    String name = "p" + nextProcessor++;
    Path dir = root.resolve(name);
    Files.createDirectories(dir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java, "-Xmx256m", "-XX:+UseSerialGC", "-Dlogback.configurationFile=" + processorLogConfig,
            "-cp", System.getProperty("java.class.path"), Faasm.class.getName(), "processor",
            "--kafka", kafka.bootstrapServers(),
            "--redis", redis.url(),
            "--redis-prefix", prefix,
            "--topic-prefix", prefix,
            "--partitions", Integer.toString(PARTITIONS),
            "--application-id", prefix + "processor",
            "--func-root", dir.toString());
    pb.environment().put("FAASM_INSTANCE_ID", name);
    pb.environment().put("FAASM_ADMIN_PORT", "0"); // several processors on one host
    pb.environment().put("FAASM_ADMIN_HOST", "127.0.0.1");
    pb.redirectErrorStream(true);
    Path log = dir.resolve("processor.log");
    pb.redirectOutput(log.toFile());
    Processor p = new Processor(name, pb.start(), log);
    processors.put(name, p);
    return p;
  }

  /** Waits for the processor's "streams ... -> RUNNING" log line (its Kafka Streams state listener). */
  void awaitRunning(Processor p) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.process().isAlive()) {
        throw new AssertionError("processor " + p.name() + " exited with " + p.process().exitValue() + "; see "
            + p.log());
      }
      if (Files.exists(p.log()) && RUNNING.matcher(Files.readString(p.log(), StandardCharsets.UTF_8)).find()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("processor " + p.name() + " did not reach RUNNING within " + READY_TIMEOUT.toSeconds()
        + " s; see " + p.log());
  }

  /** SIGKILL: the JVM ends at once, with calls claimed, queued and running. */
  void kill(Processor p) throws InterruptedException {
    cont(p.pid());
    p.process().destroyForcibly();
    if (!p.process().waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("processor " + p.name() + " survived SIGKILL");
    }
    synchronized (this) {
      processors.remove(p.name());
    }
  }

  /** SIGSTOP: the process freezes (a long GC pause, a stalled VM) and keeps its sockets open. */
  void stop(long pid) throws IOException, InterruptedException {
    stopped.add(pid);
    signal("STOP", pid);
  }

  /** SIGCONT: resumes a stopped process. */
  void cont(long pid) throws InterruptedException {
    if (stopped.remove(pid)) {
      try {
        signal("CONT", pid);
      } catch (IOException e) {
        throw new AssertionError("cannot resume pid " + pid, e);
      }
    }
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
    String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + signal + " " + pid + " failed: " + out);
    }
  }

  /** The pid of the redis-server answering now, from {@code INFO server}. */
  long redisPid() {
    try (Jedis jedis = new Jedis(redis.url())) {
      Matcher m = Pattern.compile("process_id:(\\d+)").matcher(jedis.info("server"));
      if (!m.find()) {
        throw new AssertionError("INFO server of " + redis.url() + " names no process_id");
      }
      return Long.parseLong(m.group(1));
    }
  }

  /** {@code SHUTDOWN NOSAVE}; returns once the supervisor's new, empty server answers PING. */
  void restartRedisEmpty() throws InterruptedException {
    int before = redis.restarts();
    try (Jedis jedis = new Jedis(redis.url())) {
      jedis.sendCommand(Protocol.Command.SHUTDOWN, "NOSAVE");
    } catch (RuntimeException expected) {
      // the server closes the connection as it exits
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (redis.restarts() > before && redis.isRunning()) {
        try (Jedis jedis = new Jedis(redis.url())) {
          if ("PONG".equals(jedis.ping())) {
            return;
          }
        } catch (RuntimeException notYet) {
          // not accepting connections yet
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("redis-server at " + redis.url() + " was not restarted within 60 s");
  }

  /** Processors that should be running and are not (none is killed without being removed from the list). */
  synchronized List<String> deadProcessors() {
    return processors.values().stream()
        .filter(p -> !p.process().isAlive())
        .map(p -> p.name() + " (exit " + p.process().exitValue() + ", log " + p.log() + ")")
        .toList();
  }

  /** Lines containing {@code text} in every processor log so far, killed processors included. */
  long countInProcessorLogs(String text) throws IOException {
    long n = 0;
    try (var dirs = Files.list(root)) {
      for (Path dir : dirs.toList()) {
        Path log = dir.resolve("processor.log");
        if (Files.isRegularFile(log)) {
          n += Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).count();
        }
      }
    }
    return n;
  }

  @Override
  public void close() {
    killEverything();
    for (int i = edges.size() - 1; i >= 0; i--) {
      edges.get(i).close();
    }
    edges.clear();
    keepLogsAndDeleteRoot();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // the JVM is shutting down and runs the reaper itself
    }
  }

  /** Resumes whatever is stopped, kills every processor JVM and stops redis-server. Idempotent. */
  private void killEverything() {
    for (Long pid : List.copyOf(stopped)) {
      ProcessHandle.of(pid).ifPresent(h -> {
        try {
          cont(pid);
        } catch (InterruptedException | AssertionError e) {
          h.destroyForcibly();
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
        }
      });
    }
    List<Processor> all;
    synchronized (this) {
      all = List.copyOf(processors.values());
      processors.clear();
    }
    for (Processor p : all) {
      p.process().destroyForcibly();
    }
    for (Processor p : all) {
      try {
        p.process().waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (redis != null) {
      redis.close();
    }
  }

  /** Copies the processor logs to {@code target/nemesis/<prefix>/} and deletes the temporary tree. */
  private void keepLogsAndDeleteRoot() {
    Path keep = Path.of("target", "nemesis", prefix.substring(0, prefix.length() - 1));
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        if (p.getFileName().toString().equals("processor.log")) {
          Files.createDirectories(keep);
          Files.copy(p, keep.resolve(p.getParent().getFileName() + ".log"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("[nemesis] cannot clean up " + root + ": " + e);
    }
  }

  private static final String PROCESSOR_LOGBACK =
      "<configuration>\n"
          + "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
          + "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>\n"
          + "  </appender>\n"
          + "  <logger name=\"dev.faasm\" level=\"INFO\"/>\n"
          + "  <logger name=\"dev.faasm.processor.CallExecutor\" level=\"DEBUG\"/>\n"
          + "  <root level=\"WARN\"><appender-ref ref=\"OUT\"/></root>\n"
          + "</configuration>\n";
}
