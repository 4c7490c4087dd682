package dev.faasm.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.faasm.cli.Node;
import dev.faasm.edge.EdgeConfig;
import dev.faasm.embedded.EmbeddedKafka;
import dev.faasm.embedded.EmbeddedRedis;
import dev.faasm.processor.ProcessorConfig;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStoreConfig;
import dev.faasm.runtime.FunctionRuntime;
import dev.faasm.runtime.RuntimeConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Load harness (docs/performance.md, part B). Starts the whole platform in this JVM on embedded defaults (in-process
 * KRaft broker, redis-server, one processor with one stream thread, the edge; like {@code faasm dev}) with the
 * committed {@code wasm/} functions, and beside it a {@link DirectServer} (Undertow running the function in-process, no
 * Kafka or Redis). Then, for both, over loopback:
 *
 * <ol>
 *   <li>concurrency 1: sequential sync {@code POST /f/simon/echo} on one keep-alive connection (after a warm-up), exact
 *       p50/p90/p99/max;
 *   <li>64 connections: throughput and latency for a fixed duration with {@code wrk} (falls back to a Java client);
 * </ol>
 *
 * with the CPU per call split by process and by this JVM's thread groups ({@link CpuMeter}); for the platform also a
 * per-phase breakdown of sequential calls from their own timestamps, the single Kafka and Redis hops measured alone
 * ({@link Hops}), and 10,000 connections each holding a sync call to {@code bad/loop} (runs until the guest timeout,
 * two at a time), sampling the JVM's threads and heap while the edge holds them. Everything is bounded by request
 * counts and durations. Usage: see {@link Options}; run by bench/run-load-bench.sh.
 */
public final class LoadBench {
  private static final String HOST = "127.0.0.1";
  private static final byte[] BODY = "hello faasm".getBytes(UTF_8);

  private final Options options;
  private final List<String[]> rows = new ArrayList<>();
  private final List<String[]> holdRows = new ArrayList<>();
  private final List<String[]> cpuRows = new ArrayList<>();
  private final List<String[]> breakdownRows = new ArrayList<>();
  private List<String[]> hopRows = List.of();

  private LoadBench(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    new LoadBench(Options.parse(args)).run();
    System.exit(0);
  }

  private void run() throws Exception {
    System.out.printf("# load benchmarks: %s, %d CPUs, Java %s, max heap %d MiB, client: %s%n", Machine.cpu(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20, Wrk.available() ? Wrk.version() : "Java (wrk not found)");
    Path work = Files.createTempDirectory("faasm-bench-load-");
    Path wasmDir = Modules.wasmDir();
    RuntimeConfig runtimeConfig =
        RuntimeConfig.defaults()
            .withTimeout(Duration.ofSeconds(options.guestTimeoutSeconds))
            .withCompileCacheDir(work.resolve("compiled"));
    EdgeConfig edgeConfig =
        EdgeConfig.defaults().withHost(HOST).withPort(0).withInstanceId("edge-bench")
            .withSyncWait(Duration.ofSeconds(options.syncWaitSeconds));
    long began = System.nanoTime();
    try (EmbeddedKafka kafka = options.kafka == null ? EmbeddedKafka.start(work.resolve("kafka")) : null;
        EmbeddedRedis redis = EmbeddedRedis.start(0);
        Node node =
            new Node(KafkaSettings.of(bootstrap(kafka)), Topics.withPrefix("faasm-", 4, (short) 1),
                ResultStoreConfig.of(redis.url()), runtimeConfig, work, "bench", true, telemetry(options.telemetry));
        FunctionRuntime directRuntime = new FunctionRuntime(runtimeConfig.withoutCompileCacheDir())) {
      node.seed(wasmDir);
      node.startProcessor(ProcessorConfig.defaults("processor-bench", work.resolve("streams")));
      node.startEdge(edgeConfig);
      System.out.printf("platform up in %.1f s: edge on port %d (Kafka %s, Redis %s)%n",
          (System.nanoTime() - began) / 1e9, node.edge().port(),
          bootstrap(kafka) + (kafka == null ? " in a separate JVM" : " in this JVM"), redis.url());
      try (DirectServer direct =
          new DirectServer(directRuntime, wasmDir, edgeConfig.ioThreads(), edgeConfig.workerThreads()).start()) {
        System.out.printf("direct server on port %d%n", direct.port());
        if (options.targets.contains("edge")) {
          measure("platform: edge → Kafka → processor → Redis → edge", node.edge().port(), true);
        }
        if (options.targets.contains("direct")) {
          measure("direct: Undertow runs the function in-process", direct.port(), false);
        }
        if (options.hops > 0) {
          System.out.println("== single hops, sequential, " + options.hops + " each");
          hopRows = Hops.measure(KafkaSettings.of(bootstrap(kafka)), redis.url(), options.hops);
        }
        if (options.holdCallers > 0) {
          hold(node);
        }
      }
      System.out.println("closing the platform");
    } finally {
      deleteTree(work);
    }
    System.out.println();
    System.out.println("## B. Platform under load (sync POST /f/simon/echo, body \"hello faasm\")");
    System.out.println();
    Table.print(
        new String[] {"path", "c=1 p50", "c=1 p90", "c=1 p99", "c=1 max", "c=" + options.connections + " calls/s",
            "c=" + options.connections + " p50", "p90", "p99", "max", "errors"},
        rows);
    System.out.println();
    System.out.println("CPU during the c=" + options.connections + " runs (2 CPUs = 2 s of CPU per second):");
    for (String[] r : cpuRows) {
      System.out.println("- " + r[0] + ": " + r[1]);
    }
    if (!breakdownRows.isEmpty()) {
      System.out.println();
      Table.print(new String[] {"platform, c=1: where a call's time goes (mean of " + options.breakdown + ")",
          "mean"}, breakdownRows);
    }
    if (!hopRows.isEmpty()) {
      System.out.println();
      Table.print(new String[] {"single hop, alone, sequential", "p50", "p99"}, hopRows);
    }
    if (!holdRows.isEmpty()) {
      System.out.println();
      Table.print(new String[] {options.holdCallers + " waiting callers (bad/loop)", "value"}, holdRows);
    }
  }

  /**
   * {@code sdk}: the OpenTelemetry SDK as {@code faasm dev} builds it with no {@code OTEL_*} set (dev.faasm.cli.Telemetry:
   * spans are made and sampled, answers carry trace ids, nothing is exported); {@code noop}: no spans at all.
   */
  private static OpenTelemetry telemetry(String kind) {
    return switch (kind) {
      case "noop" -> OpenTelemetry.noop();
      case "sdk" -> AutoConfiguredOpenTelemetrySdk.builder()
          .addPropertiesSupplier(() -> Map.of("otel.traces.exporter", "none", "otel.metrics.exporter", "none",
              "otel.logs.exporter", "none", "otel.service.name", "faasm-bench"))
          .disableShutdownHook()
          .build()
          .getOpenTelemetrySdk();
      default -> throw new IllegalArgumentException("--telemetry sdk|noop, not " + kind);
    };
  }

  // ------------------------------------------------------------------------------------------- c=1 and c=64

  private void measure(String label, int port, boolean platform) throws Exception {
    System.out.println("== " + label + " (port " + port + ")");
    String path = "/f/simon/echo";
    byte[] request = RawHttpClient.post(HOST, port, path, BODY);
    long[] latencies = new long[options.requests];
    try (RawHttpClient client = new RawHttpClient(HOST, port)) {
      for (int i = 0; i < options.warmupRequests; i++) {
        check(client.send(request));
      }
      for (int i = 0; i < options.requests; i++) {
        long t0 = System.nanoTime();
        RawHttpClient.Response r = client.send(request);
        latencies[i] = System.nanoTime() - t0;
        check(r);
      }
    }
    Percentiles c1 = new Percentiles(latencies);
    System.out.println("  c=1: " + c1.summaryUs());
    if (platform && options.breakdown > 0) {
      breakdown(port, options.breakdown);
    }

    LoadResult c64;
    CpuMeter cpu;
    if (Wrk.available() && !options.javaClient) {
      Wrk.run(HOST, port, path, BODY, options.connections, options.clientThreads, options.warmupSeconds);
      cpu = CpuMeter.start();
      c64 = Wrk.run(HOST, port, path, BODY, options.connections, options.clientThreads, options.durationSeconds);
    } else {
      JavaLoad.run(HOST, port, request, options.connections, options.warmupSeconds);
      cpu = CpuMeter.start();
      c64 = JavaLoad.run(HOST, port, request, options.connections, options.durationSeconds);
    }
    String cpuPerCall = cpu.perCall(c64.requests());
    System.out.println("  c=" + options.connections + ": " + c64);
    System.out.println("    " + cpuPerCall);
    cpuRows.add(new String[] {label, cpuPerCall.replace("\n", " ").replaceAll("\\s+", " ")});
    rows.add(new String[] {
      label,
      ms(c1.median()), ms(c1.at(90)), ms(c1.at(99)), ms(c1.max()),
      String.format("%,.0f", c64.perSecond()),
      ms(c64.p50Nanos()), ms(c64.p90Nanos()), ms(c64.p99Nanos()), ms(c64.maxNanos()),
      c64.errors() + (c64.client().isEmpty() ? "" : " (" + c64.client() + ")")
    });
  }

  private static final Pattern TIME = Pattern.compile("\"(submittedAt|startedAt|finishedAt)\":\"([^\"]+)\"");

  /**
   * Where a sequential call's time goes, from the platform's own timestamps (GET /calls/id: submittedAt on the edge,
   * startedAt/finishedAt of the guest, millisecond precision) and the client's clock (same machine, microseconds);
   * means over {@code n} calls, so the millisecond rounding averages out.
   */
  private void breakdown(int port, int n) throws IOException {
    byte[] request = RawHttpClient.post(HOST, port, "/f/simon/echo", BODY);
    long[] sent = new long[n];
    long[] received = new long[n];
    String[] ids = new String[n];
    try (RawHttpClient client = new RawHttpClient(HOST, port)) {
      for (int i = 0; i < n; i++) {
        sent[i] = epochMicros();
        RawHttpClient.Response r = client.send(request);
        received[i] = epochMicros();
        check(r);
        ids[i] = r.headers().get("x-faasm-call-id");
      }
      double[] sum = new double[4];
      for (int i = 0; i < n; i++) {
        RawHttpClient.Response r = client.send(RawHttpClient.get(HOST, port, "/calls/" + ids[i]));
        Map<String, Long> t = new TreeMap<>();
        Matcher m = TIME.matcher(new String(r.body(), UTF_8));
        while (m.find()) {
          // the platform truncates to whole milliseconds: take the middle of that millisecond (unbiased)
          t.put(m.group(1), Instant.parse(m.group(2)).toEpochMilli() * 1000 + 500);
        }
        if (t.size() != 3) {
          throw new IllegalStateException("no timings in " + new String(r.body(), UTF_8));
        }
        sum[0] += t.get("submittedAt") - sent[i];
        sum[1] += t.get("startedAt") - t.get("submittedAt");
        sum[2] += t.get("finishedAt") - t.get("startedAt");
        sum[3] += received[i] - t.get("finishedAt");
      }
      String[] phases = {
        "client sends → edge has the body (submittedAt)",
        "submittedAt → guest starts (edge → Kafka → Streams → processor io: Redis checks, status → runtime)",
        "guest runs (both ends in whole ms: a rough figure, A1 has the real one)",
        "guest ends → client has the answer (result → Redis SET NX + PUBLISH → edge waiter → HTTP)"
      };
      for (int k = 0; k < 4; k++) {
        breakdownRows.add(new String[] {phases[k], String.format("%.2f ms", sum[k] / n / 1000.0)});
      }
      breakdownRows.add(new String[] {"total (mean)", String.format("%.2f ms",
          Arrays.stream(sum).sum() / n / 1000.0)});
    }
  }

  private static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
  }

  private static void check(RawHttpClient.Response r) {
    if (r.status() != 200 || !Arrays.equals(r.body(), BODY)) {
      throw new IllegalStateException("echo answered " + r.status() + ": " + new String(r.body(), UTF_8));
    }
  }

  private static String ms(long nanos) {
    return String.format("%.2f ms", nanos / 1e6);
  }

  // ------------------------------------------------------------------------------------------------- hold

  private record Sample(int waiting, int established, int threads, long heapUsed, Map<String, Integer> groups) {
    @Override
    public String toString() {
      return String.format("waiting calls %d, established connections %d, JVM threads %d (edge XNIO-1: %d), heap"
          + " after GC %s", waiting, established, threads, xnio(groups, "XNIO-1"), mib(heapUsed));
    }
  }

  private void hold(Node node) throws Exception {
    int port = node.edge().port();
    int callers = options.holdCallers;
    System.out.printf("== %d waiting callers: sync POST /f/bad/loop (guest timeout %d s, %d guests), held %d s%n",
        callers, options.guestTimeoutSeconds, node.runtime().config().maxConcurrentGuests(), options.holdSeconds);
    Sample before = sample(node, port);
    System.out.println("  before: " + before);
    List<String> command = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), HoldClient.class.getName(), HOST, Integer.toString(port),
        "/f/bad/loop", Integer.toString(callers), Integer.toString(options.holdSeconds));
    Process client = new ProcessBuilder(command).redirectErrorStream(true).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(client.getInputStream(), UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("READ_ERROR " + e);
      }
      lines.add("EOF");
    }, "hold-client-reader");
    reader.setDaemon(true);
    reader.start();

    Sample peak = null;
    String allSent = null;
    String done = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180 + options.holdSeconds);
    long nextSample = Long.MAX_VALUE;
    while (System.nanoTime() < deadline) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line != null) {
        System.out.println("  client: " + line);
        if (line.startsWith("ALL_SENT")) {
          allSent = line;
          nextSample = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        } else if (line.startsWith("DONE") || line.startsWith("GAVE_UP")) {
          done = line;
        } else if (line.equals("EOF")) {
          break;
        }
      }
      if (System.nanoTime() >= nextSample && done == null) {
        Sample s = sample(node, port);
        System.out.println("  holding: " + s);
        if (peak == null || s.waiting() > peak.waiting()) {
          peak = s;
        }
        nextSample = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      }
    }
    if (!client.waitFor(30, TimeUnit.SECONDS)) {
      client.destroyForcibly();
    }
    if (peak == null) {
      holdRows.add(new String[] {"result", "the client did not get all calls sent: " + done});
      return;
    }
    System.out.println("  threads by name while holding: " + peak.groups());
    long heapDelta = peak.heapUsed() - before.heapUsed();
    holdRows.add(new String[] {"calls waiting in the edge (Edge.waitingCalls) at the sample", peak.waiting() + ""});
    holdRows.add(new String[] {"established connections to the edge port", peak.established() + ""});
    holdRows.add(new String[] {"JVM threads before → while holding (whole JVM: broker, Redis client, processor,"
        + " edge)", before.threads() + " → " + peak.threads()});
    holdRows.add(new String[] {"edge Undertow threads (XNIO-1 I/O + task) while holding",
        xnio(peak.groups(), "XNIO-1") + " (before: " + xnio(before.groups(), "XNIO-1") + ")"});
    holdRows.add(new String[] {"heap used after GC before → while holding",
        mib(before.heapUsed()) + " → " + mib(peak.heapUsed()) + String.format(" (%+.1f KiB per waiting caller)",
            heapDelta / 1024.0 / Math.max(1, peak.waiting()))});
    holdRows.add(new String[] {"client", (allSent == null ? "never sent all" : allSent) + "; "
        + (done == null ? "no DONE line" : done)});
  }

  private static String mib(long bytes) {
    return String.format("%.0f MiB", bytes / 1024.0 / 1024.0);
  }

  private static int xnio(Map<String, Integer> groups, String prefix) {
    return groups.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToInt(Map.Entry::getValue).sum();
  }

  private static Sample sample(Node node, int port) throws IOException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long heap = memory.getHeapMemoryUsage().getUsed();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Integer> groups = new TreeMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null) {
        groups.merge(info.getThreadName().replaceAll("[-_ ]?\\d+$", "-*"), 1, Integer::sum);
      }
    }
    return new Sample(node.edge().waitingCalls(), established(port), threads.getThreadCount(), heap, groups);
  }

  /** TCP connections in state ESTABLISHED whose local port is {@code port} (the server side), from /proc/net. */
  private static int established(int port) throws IOException {
    int count = 0;
    String hexPort = String.format(":%04X", port);
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(file);
      if (!Files.isReadable(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p)) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("01")) {
          count++;
        }
      }
    }
    return count;
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("cannot delete " + dir + ": " + e);
    }
  }

  // ------------------------------------------------------------------------------------------------ clients

  /** Throughput and latency of a fixed-duration run with many connections. */
  record LoadResult(long requests, double seconds, long errors, long p50Nanos, long p90Nanos, long p99Nanos,
      long maxNanos, String client) {
    double perSecond() {
      return requests / seconds;
    }

    @Override
    public String toString() {
      return String.format("%,d requests in %.1f s = %,.0f/s, p50 %.2f / p90 %.2f / p99 %.2f / max %.2f ms, %d errors"
              + " (%s)", requests, seconds, perSecond(), p50Nanos / 1e6, p90Nanos / 1e6, p99Nanos / 1e6,
          maxNanos / 1e6, errors, client);
    }
  }

  /** Fallback load generator: one thread per connection, raw keep-alive HTTP/1.1, fixed duration. */
  static final class JavaLoad {
    private JavaLoad() {}

    static LoadResult run(String host, int port, byte[] request, int connections, int seconds)
        throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      long[][] latencies = new long[connections][];
      int[] counts = new int[connections];
      AtomicLong errors = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      long start = System.nanoTime();
      for (int c = 0; c < connections; c++) {
        int id = c;
        Thread t = new Thread(() -> {
          long[] mine = new long[1 << 20];
          int n = 0;
          try (RawHttpClient client = new RawHttpClient(host, port)) {
            while (System.nanoTime() < end && n < mine.length) {
              long t0 = System.nanoTime();
              RawHttpClient.Response r = client.send(request);
              mine[n++] = System.nanoTime() - t0;
              if (r.status() != 200) {
                errors.incrementAndGet();
              }
            }
          } catch (IOException e) {
            errors.incrementAndGet();
          }
          latencies[id] = mine;
          counts[id] = n;
        }, "load-" + c);
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      int total = Arrays.stream(counts).sum();
      long[] all = new long[total];
      int at = 0;
      for (int c = 0; c < connections; c++) {
        System.arraycopy(latencies[c], 0, all, at, counts[c]);
        at += counts[c];
      }
      Percentiles p = new Percentiles(all);
      return new LoadResult(total, elapsed, errors.get(), p.at(50), p.at(90), p.at(99), p.max(),
          "Java client, " + connections + " threads");
    }
  }

  private String bootstrap(EmbeddedKafka kafka) {
    return kafka != null ? kafka.bootstrapServers() : options.kafka;
  }

  /** Command-line options. */
  private static final class Options {
    Set<String> targets = new LinkedHashSet<>(List.of("edge", "direct"));
    int requests = 10_000;
    // Fewer left the JIT still compiling the platform's path: a p50 2.6× and a p99 2× what a warm JVM gives.
    int warmupRequests = 10_000;
    int connections = 64;
    int clientThreads = 2;
    int durationSeconds = 15;
    int warmupSeconds = 5;
    boolean javaClient;
    int holdCallers = 10_000;
    int holdSeconds = 15;
    int guestTimeoutSeconds = 1;
    int syncWaitSeconds = 60;
    int hops = 2_000;
    int breakdown = 1_000;
    String telemetry = "sdk";
    /** A broker to use instead of starting one in this JVM (bootstrap servers), e.g. {@link BrokerMain}'s. */
    String kafka;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--java-client")) {
          o.javaClient = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + a);
        }
        String v = args[++i];
        switch (a) {
          case "--targets" -> o.targets = new LinkedHashSet<>(List.of(v.split(",")));
          case "--requests" -> o.requests = Integer.parseInt(v);
          case "--warmup-requests" -> o.warmupRequests = Integer.parseInt(v);
          case "--connections" -> o.connections = Integer.parseInt(v);
          case "--client-threads" -> o.clientThreads = Integer.parseInt(v);
          case "--duration" -> o.durationSeconds = Integer.parseInt(v);
          case "--warmup-seconds" -> o.warmupSeconds = Integer.parseInt(v);
          case "--hold" -> o.holdCallers = Integer.parseInt(v);
          case "--hold-seconds" -> o.holdSeconds = Integer.parseInt(v);
          case "--guest-timeout-seconds" -> o.guestTimeoutSeconds = Integer.parseInt(v);
          case "--sync-wait-seconds" -> o.syncWaitSeconds = Integer.parseInt(v);
          case "--hops" -> o.hops = Integer.parseInt(v);
          case "--breakdown" -> o.breakdown = Integer.parseInt(v);
          case "--telemetry" -> o.telemetry = v;
          case "--kafka" -> o.kafka = v;
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if (o.requests < 1 || o.connections < 1 || o.durationSeconds < 1 || o.durationSeconds > 600
          || o.holdSeconds > 600) {
        throw new IllegalArgumentException("requests, connections and durations must be positive and bounded");
      }
      return o;
    }
  }
}
