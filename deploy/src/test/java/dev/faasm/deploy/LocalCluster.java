package dev.faasm.deploy;

import dev.faasm.embedded.TestPlatform;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The manifests' deployment as local processes: edges (Deployment faasm-edge) and processors (StatefulSet
 * faasm-processor, pods {@code faasm-processor-<ordinal>} with a data directory per ordinal, like a PVC) each a JVM
 * running the production jar with the container's arguments and environment from k8s/, on the shared test broker and
 * redis-server. Only what cannot be the same on one machine is overridden: where Kafka and Redis are, ports, data
 * directories, replication 1 (one broker), heap sizes, and a topic/key prefix of its own.
 */
final class LocalCluster implements AutoCloseable {
  static final Path JAR = Path.of("..", "cli", "target", "faasm.jar");
  private static final Pattern RUNNING = Pattern.compile("streams \\w+ -> RUNNING");

  final String prefix;
  final Path root;
  private final Map<String, String> overrides;
  private final TreeMap<Integer, Process> processors = new TreeMap<>();
  private final List<Process> edges = new ArrayList<>();
  private final List<Integer> edgePorts = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** {@code overrides}: environment set on every processor on top of the manifests' (a variant under test). */
  LocalCluster(String prefix, Path root, Map<String, String> overrides) {
    if (!Files.isRegularFile(JAR)) {
      throw new AssertionError("the production jar is built by the cli module: " + JAR.toAbsolutePath());
    }
    this.prefix = prefix;
    this.root = root;
    this.overrides = Map.copyOf(overrides);
  }

  private Map<String, String> env(String workload, String pod) {
    Map<String, String> env = new HashMap<>(ManifestEnv.of(workload, pod).env());
    env.put("FAASM_KAFKA_BOOTSTRAP", TestPlatform.kafkaBootstrap());
    env.put("FAASM_REDIS_URL", TestPlatform.redisUrl());
    env.put("FAASM_TOPIC_PREFIX", prefix);
    env.put("FAASM_REDIS_PREFIX", prefix);
    env.put("FAASM_REPLICATION", "1");
    env.put("FUNC_ROOT", root.resolve(pod).toString());
    return env;
  }

  private List<String> command(String workload, String pod, String heap) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap, "-XX:+UseSerialGC",
        "-jar", JAR.toString()));
    for (String arg : ManifestEnv.of(workload, pod).args()) {
      // The image's committed functions are the repository's wasm/ here.
      cmd.add(arg.equals("/opt/faasm/wasm") ? Path.of("..", "wasm").toString() : arg);
    }
    return cmd;
  }

  private Process start(String workload, String pod, String heap, Map<String, String> extra) throws IOException {
    Files.createDirectories(root.resolve(pod));
    ProcessBuilder pb = new ProcessBuilder(command(workload, pod, heap));
    pb.environment().putAll(env(workload, pod));
    pb.environment().putAll(extra);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log(pod).toFile()));
    return pb.start();
  }

  Path log(String pod) {
    return root.resolve(pod + ".log");
  }

  /** Starts an edge on a free port and waits until it answers /ready. */
  int startEdge() throws Exception {
    int port = freePort();
    String pod = "faasm-edge-" + edges.size();
    Process p = start("faasm-edge", pod, "-Xmx384m", Map.of("FAASM_HTTP_PORT", Integer.toString(port)));
    edges.add(p);
    edgePorts.add(port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError(pod + " exited: " + Files.readString(log(pod)));
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(edge(edgePorts.size() - 1).resolve("/ready")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return port;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(pod + " never became ready");
  }

  /**
   * Makes a user and returns its API key, as an operator would ({@code faasm users add}); waits until every edge
   * accepts it.
   */
  String addUser(String user) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "users", "add", user);
    pb.environment().putAll(env("faasm-edge", "users-add"));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log("users-add").toFile()));
    Process p = pb.start();
    String key = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0 || key.isEmpty()) {
      throw new AssertionError("faasm users add failed: " + Files.readString(log("users-add")));
    }
    for (int i = 0; i < edges.size(); i++) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(edge(i).resolve("/f/" + user + "/"))
            .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 401) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("edge " + i + " never accepted the key of " + user + ": " + r.body());
        }
        Thread.sleep(200);
      }
    }
    return key;
  }

  URI edge(int i) {
    return URI.create("http://127.0.0.1:" + edgePorts.get(i));
  }

  int edgeCount() {
    return edges.size();
  }

  /** Starts pod faasm-processor-{@code ordinal} (as the StatefulSet controller would) without waiting. */
  Process startProcessor(int ordinal) throws IOException {
    if (processors.containsKey(ordinal) && processors.get(ordinal).isAlive()) {
      throw new IllegalStateException("processor " + ordinal + " is running");
    }
    Map<String, String> extra = new HashMap<>(overrides);
    extra.put("FAASM_ADMIN_PORT", "0");
    Process p = start("faasm-processor", pod(ordinal), "-Xmx768m", extra);
    processors.put(ordinal, p);
    return p;
  }

  /** Waits until processor {@code ordinal}'s log (since {@code fromLine}) says its Kafka Streams is RUNNING. */
  void awaitRunning(int ordinal, long fromLine) throws Exception {
    Path log = log(pod(ordinal));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      Process p = processors.get(ordinal);
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      if (lines.stream().skip(fromLine).anyMatch(l -> RUNNING.matcher(l).find())) {
        return;
      }
      if (!p.isAlive()) {
        throw new AssertionError(pod(ordinal) + " exited: " + String.join("\n", lines));
      }
      Thread.sleep(100);
    }
    throw new AssertionError(pod(ordinal) + " never reached RUNNING");
  }

  long logLines(int ordinal) throws IOException {
    Path log = log(pod(ordinal));
    return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8).size() : 0;
  }

  /** SIGTERM, as when Kubernetes deletes the pod; waits for the process to end (the grace period is 60 s). */
  void stop(int ordinal) throws InterruptedException {
    Process p = processors.remove(ordinal);
    p.destroy();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  /** SIGKILL. */
  void kill(int ordinal) throws InterruptedException {
    Process p = processors.remove(ordinal);
    p.destroyForcibly().waitFor();
  }

  /** Processors that exited by themselves. */
  List<String> deadProcessors() {
    List<String> dead = new ArrayList<>();
    processors.forEach((ordinal, p) -> {
      if (!p.isAlive()) {
        dead.add(pod(ordinal) + " (exit " + p.exitValue() + ")");
      }
    });
    return dead;
  }

  static String pod(int ordinal) {
    return "faasm-processor-" + ordinal;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (Process p : processors.values()) {
      p.destroyForcibly();
    }
    for (Process p : edges) {
      p.destroyForcibly();
    }
    for (Process p : processors.values()) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
