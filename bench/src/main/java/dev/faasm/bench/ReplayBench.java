package dev.faasm.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.faasm.cli.Node;
import dev.faasm.edge.EdgeConfig;
import dev.faasm.embedded.EmbeddedKafka;
import dev.faasm.embedded.EmbeddedRedis;
import dev.faasm.processor.ProcessorConfig;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.proto.ReplayReport;
import dev.faasm.protocol.proto.ReplayRequest;
import dev.faasm.protocol.proto.ReplayState;
import dev.faasm.protocol.proto.ReplayTarget;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStore;
import dev.faasm.resultstore.ResultStoreConfig;
import dev.faasm.runtime.FunctionRuntime;
import dev.faasm.runtime.RuntimeConfig;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Replay benchmark (docs/replay-bench.md). Starts the platform in this JVM on embedded defaults like {@link LoadBench}
 * ({@code faasm dev}: in-process broker, redis-server, one processor, the edge) and, over loopback:
 *
 * <ol>
 *   <li>records {@code --calls} sync calls of {@code simon/echo} through the edge on {@code --connections}
 *       connections (a few bytes of input each), then more, up to {@code --large-calls} in all;
 *   <li><b>replay throughput</b>, with no live calls (so at full speed): replays exactly those calls (their time range, user simon, function echo, target
 *       ORIGINAL, no rate limit) {@code --throughput-runs} times, reading the report from the result store every 50 ms
 *       until DONE: calls/s = replayed / (finished − started), and the selection time (first report with
 *       {@code selected} set − started, ±50 ms); checks identical == replayed == selected == calls;
 *   <li><b>live latency</b>: sequential sync echo calls (concurrency 1) without a replay, then while replays run
 *       back to back (of all {@code --large-calls} without a rate limit, of the first {@code --calls} at each
 *       {@code --rates} limit), interleaved {@code --rounds} times, then without again (each replay run is compared
 *       with the no-replay runs just before and after it, and pooled): exact p50/p90/p99/max, also of only the calls made while a
 *       replay was replaying (not selecting), the replay's own calls/s while the live calls ran (the processor paces
 *       it to its replay background rate then), the cores busy by thread group, GC pauses, and where the slowest 1%
 *       spent their time.
 * </ol>
 *
 * Every loop is bounded by a count or a deadline. Run by bench/run-replay-bench.sh.
 */
public final class ReplayBench {
  private static final String HOST = "127.0.0.1";
  private static final byte[] LIVE_BODY = "hello faasm".getBytes(UTF_8);
  private static final long POLL_MILLIS = 50;
  private static final Pattern TIME = Pattern.compile("\"(submittedAt|startedAt|finishedAt)\":\"([^\"]+)\"");

  private final Options options;
  private final List<String[]> throughputRows = new ArrayList<>();
  private final List<String[]> replayRows = new ArrayList<>();
  private final List<String[]> breakdownRows = new ArrayList<>();
  private final List<String> cpuLines = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private Topics topics;
  private ResultStore store;
  private KafkaProducer<String, byte[]> producer;
  private int port;
  /** The processor's runtime: its guest-start counter tells replayed calls from live ones (echo chains nothing). */
  private FunctionRuntime runtime;
  /** The recorded calls: {@code options.calls} in [fromMillis, toMillis), {@code largeCalls} in [fromMillis, toLargeMillis). */
  private long fromMillis;
  private long toMillis;
  private long toLargeMillis;
  private int largeCalls;
  private final List<Phase> phases = new ArrayList<>();
  private final Map<String, Integer> selectingSamples = new HashMap<>();
  private final Map<String, Integer> replayingSamples = new HashMap<>();

  private ReplayBench(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    new ReplayBench(Options.parse(args)).run();
    System.exit(0);
  }

  private void run() throws Exception {
    System.out.printf("# replay benchmarks: %s, %d CPUs, Java %s, max heap %d MiB%s%n", Machine.cpu(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20,
        options.kafkaOverrides.isEmpty() ? "" : ", platform Kafka clients with " + options.kafkaOverrides);
    Path work = Files.createTempDirectory("faasm-bench-replay-");
    RuntimeConfig runtimeConfig = RuntimeConfig.defaults().withCompileCacheDir(work.resolve("compiled"));
    EdgeConfig edgeConfig = EdgeConfig.defaults().withHost(HOST).withPort(0).withInstanceId("edge-bench");
    topics = Topics.withPrefix("faasm-", 4, (short) 1);
    long began = System.nanoTime();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"));
        EmbeddedRedis redis = EmbeddedRedis.start(0);
        Node node =
            new Node(new KafkaSettings(kafka.bootstrapServers(), options.kafkaOverrides), topics,
                ResultStoreConfig.of(redis.url()), runtimeConfig, work, "bench", true)) {
      node.seed(Modules.wasmDir());
      ProcessorConfig processorConfig = ProcessorConfig.defaults("processor-bench", work.resolve("streams"));
      node.startProcessor(processorConfig);
      node.startEdge(edgeConfig);
      port = node.edge().port();
      runtime = node.runtime();
      System.out.printf("platform up in %.1f s: edge on port %d, %d guest slots, replay background rate %.0f/s"
              + " (Kafka %s, Redis %s)%n",
          (System.nanoTime() - began) / 1e9, port, node.runtime().config().maxConcurrentGuests(),
          processorConfig.replayBackgroundRate(), kafka.bootstrapServers(), redis.url());
      try (ResultStore s = new ResultStore(ResultStoreConfig.of(redis.url()));
          KafkaProducer<String, byte[]> p = KafkaSettings.of(kafka.bootstrapServers()).producer("bench-replays")) {
        store = s;
        producer = p;
        record();
        throughput();
        latency();
      }
      System.out.println("closing the platform");
    } finally {
      LoadBench.deleteTree(work);
    }
    printTables();
  }

  // ------------------------------------------------------------------------------------------------ 1. record

  private void record() throws Exception {
    System.out.printf("== recording %,d sync calls of simon/echo on %d connections%n", options.calls,
        options.connections);
    send(options.connections, 200, "w"); // warm-up, outside the replayed time range
    Thread.sleep(20);
    fromMillis = System.currentTimeMillis();
    long t0 = System.nanoTime();
    send(options.connections, options.calls, "r");
    double seconds = (System.nanoTime() - t0) / 1e9;
    toMillis = System.currentTimeMillis() + 1; // exclusive; every recorded call was timestamped before its answer
    Thread.sleep(20); // later calls fall after toMillis
    System.out.printf("  %,d calls in %.1f s (%,.0f calls/s); replayed range [%s, %s)%n", options.calls, seconds,
        options.calls / seconds, Instant.ofEpochMilli(fromMillis), Instant.ofEpochMilli(toMillis));
    largeCalls = Math.max(options.calls, options.largeCalls);
    toLargeMillis = toMillis;
    if (largeCalls > options.calls) {
      int more = largeCalls - options.calls;
      System.out.printf("== recording %,d more for the large replay (%,d calls) run beside live calls%n", more,
          largeCalls);
      t0 = System.nanoTime();
      send(options.connections, more, "l");
      seconds = (System.nanoTime() - t0) / 1e9;
      toLargeMillis = System.currentTimeMillis() + 1;
      Thread.sleep(20);
      System.out.printf("  %,d calls in %.1f s (%,.0f calls/s)%n", more, seconds, more / seconds);
    }
  }

  /** {@code calls} sync echo calls split over {@code connections} keep-alive connections; fails on any error. */
  private void send(int connections, int calls, String prefix) throws InterruptedException {
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int first = c;
      Thread t = new Thread(() -> {
        try (RawHttpClient client = new RawHttpClient(HOST, port)) {
          for (int i = first; i < calls && errors.isEmpty(); i += connections) {
            byte[] body = (prefix + i).getBytes(UTF_8);
            check(client.send(RawHttpClient.post(HOST, port, "/f/simon/echo", body)), body);
          }
        } catch (IOException | RuntimeException e) {
          errors.add(e);
        }
      }, "record-" + c);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("recording failed: " + errors.get(0), errors.get(0));
    }
  }

  // --------------------------------------------------------------------------------------------- 2. throughput

  private void throughput() throws Exception {
    System.out.printf("== replay throughput: %d replays of the %,d recorded calls, no rate limit, no live calls%n",
        options.throughputRuns, options.calls);
    // No live traffic here (the processor paces a replay while a live guest started in the last 200 ms): let the
    // recording's last calls age out first.
    Thread.sleep(500);
    for (int run = 1; run <= options.throughputRuns; run++) {
      long guestsBefore = runtime.guestsStarted();
      Tracker t = submit(0, toMillis, options.calls);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.maxReplaySeconds);
      List<long[]> starts = new ArrayList<>(); // {nanoTime, guests started by this replay}
      while (!t.poll()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("replay " + t.id + " not done after " + options.maxReplaySeconds + " s: "
              + t.last);
        }
        sampleReplayer(t.selectedSeenMillis == 0 ? selectingSamples : replayingSamples);
        starts.add(new long[] {System.nanoTime(), runtime.guestsStarted() - guestsBefore});
        Thread.sleep(POLL_MILLIS);
      }
      ReplayReport r = t.last;
      verify(t, "throughput run " + run);
      long wall = r.getFinishedAtMillis() - r.getStartedAtMillis();
      long selection = t.selectionMillis();
      long replaying = wall - selection;
      System.out.printf("  run %d: %s%n", run, brief(r));
      throughputRows.add(new String[] {
        Integer.toString(run), String.format("%,d", r.getSelected()), String.format("%,d", r.getReplayed()),
        String.format("%,d", r.getIdentical()), String.format("%,d", r.getDifferent() + r.getFailed()),
        String.format("≈ %,d ms", selection), String.format("%,d ms", wall),
        String.format("**%,.0f**", r.getReplayed() * 1000.0 / Math.max(1, wall)),
        replaying > 0 ? String.format("%,.0f", r.getReplayed() * 1000.0 / replaying) : "n/a",
        steadyRate(starts, r.getReplayed())
      });
    }
  }

  /**
   * The replay's rate between 10% and 90% of its calls started (from the 50-ms samples of the runtime's guest-start
   * counter): its full speed, without the start and end of the replaying part.
   */
  private static String steadyRate(List<long[]> starts, long calls) {
    long[] first = null;
    long[] last = null;
    for (long[] s : starts) {
      if (first == null && s[1] >= calls / 10) {
        first = s;
      }
      if (s[1] <= calls * 9 / 10) {
        last = s;
      }
    }
    if (first == null || last == null || last[0] - first[0] < 100_000_000L) {
      return "n/a";
    }
    return String.format("%,.0f", (last[1] - first[1]) * 1e9 / (last[0] - first[0]));
  }

  /** Records a problem unless the replay is DONE with selected = replayed = identical = the calls it covers. */
  private boolean verify(Tracker t, String what) {
    ReplayReport r = t.last;
    if (r.getState() != ReplayState.REPLAY_STATE_DONE) {
      problems.add(what + ": replay " + r.getReplayId() + " ended " + r.getState() + ": " + r.getError());
      return false;
    }
    if (r.getSelected() != t.expected || r.getReplayed() != t.expected || r.getIdentical() != r.getReplayed()) {
      problems.add(what + ": expected " + t.expected + " selected, replayed and identical: " + brief(r)
          + (r.getDifferencesCount() > 0 ? "; first difference " + r.getDifferences(0) : ""));
      return false;
    }
    return true;
  }

  /** One stack sample of the processor's replay thread: its state, top frame and innermost platform frame. */
  private static void sampleReplayer(Map<String, Integer> into) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds(), 64)) {
      if (info == null || !info.getThreadName().startsWith("faasm-replayer-")) {
        continue;
      }
      StackTraceElement[] stack = info.getStackTrace();
      String top = stack.length == 0 ? "?" : frame(stack[0]);
      String ours = Arrays.stream(stack).filter(f -> f.getClassName().startsWith("dev.faasm")).findFirst()
          .map(ReplayBench::frame).orElse("-");
      into.merge(info.getThreadState() + " " + top + " ← " + ours, 1, Integer::sum);
    }
  }

  private static String frame(StackTraceElement f) {
    String c = f.getClassName();
    return c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName() + ":" + f.getLineNumber();
  }

  private static String brief(ReplayReport r) {
    return String.format("%s, selected %d, replayed %d, identical %d, different %d, failed %d, skipped %d, %d ms",
        r.getState(), r.getSelected(), r.getReplayed(), r.getIdentical(), r.getDifferent(), r.getFailed(),
        r.getSkipped(), r.getFinishedAtMillis() - r.getStartedAtMillis());
  }

  /** Puts a QUEUED replay of the calls recorded in [fromMillis, to) on the replays topic. */
  private Tracker submit(double ratePerSecond, long to, int expected) throws Exception {
    String id = CallIds.random();
    ReplayRequest request =
        ReplayRequest.newBuilder()
            .setReplayId(id)
            .setRequestedAtMillis(System.currentTimeMillis())
            .setFromMillis(fromMillis)
            .setToMillis(to)
            .setUser("simon")
            .setFunction("echo")
            .setTarget(ReplayTarget.REPLAY_TARGET_ORIGINAL)
            .setRatePerSecond(ratePerSecond)
            .build();
    ReplayReport queued =
        ReplayReport.newBuilder().setReplayId(id).setState(ReplayState.REPLAY_STATE_QUEUED).setRequest(request).build();
    producer.send(new ProducerRecord<>(topics.replays(), id, queued.toByteArray())).get(30, TimeUnit.SECONDS);
    return new Tracker(id, expected);
  }

  /** One submitted replay, as seen in the result store. */
  private final class Tracker {
    final String id;
    final int expected;
    ReplayReport last;
    long selectedSeenMillis;

    Tracker(String id, int expected) {
      this.id = id;
      this.expected = expected;
    }

    /** Reads the report once; true when the replay has ended. */
    boolean poll() {
      Optional<ReplayReport> r = store.replayReport(id);
      if (r.isEmpty()) {
        return false;
      }
      last = r.get();
      boolean ended = last.getState() == ReplayState.REPLAY_STATE_DONE
          || last.getState() == ReplayState.REPLAY_STATE_FAILED;
      if (selectedSeenMillis == 0 && (last.getSelected() > 0 || ended)) {
        selectedSeenMillis = System.currentTimeMillis();
      }
      return ended;
    }

    /** First report with {@code selected} set − started, clamped to the replay's length (±50 ms, the poll). */
    long selectionMillis() {
      long end = last.getFinishedAtMillis();
      return Math.max(0, Math.min(selectedSeenMillis, end) - last.getStartedAtMillis());
    }
  }
  /**
   * Replays back to back on a thread of its own: keeps {@code depth} submitted and not ended (2 without a rate limit,
   * so the next one is already queued when one ends), until {@link #stop()}, which waits (bounded) for them to end.
   */
  private final class ReplayLoad implements Runnable {
    private final double rate;
    private final long to;
    private final int expected;
    private final int depth;
    private final Deque<Tracker> open = new ArrayDeque<>();
    private final List<Tracker> ended = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean replaying;
    private volatile Throwable failure;

    ReplayLoad(double rate, long to, int expected) {
      this.rate = rate;
      this.to = to;
      this.expected = expected;
      this.depth = rate > 0 ? 1 : 2;
      this.thread = new Thread(this, "replay-feeder");
      this.thread.setDaemon(true);
    }

    ReplayLoad start() {
      thread.start();
      return this;
    }

    @Override
    public void run() {
      long deadline = Long.MAX_VALUE;
      try {
        while (true) {
          if (!stopping && open.size() < depth) {
            open.add(submit(rate, to, expected));
            continue;
          }
          if (open.isEmpty()) {
            return;
          }
          if (stopping && deadline == Long.MAX_VALUE) {
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.maxReplaySeconds);
          }
          Tracker head = open.peek();
          if (head.poll()) {
            ended.add(open.poll());
            continue;
          }
          if (head.last != null && head.last.getReplayed() > 0) {
            replaying = true;
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("replay " + head.id + " not done " + options.maxReplaySeconds
                + " s after the live calls ended: " + head.last);
          }
          Thread.sleep(POLL_MILLIS);
        }
      } catch (Exception e) {
        failure = e;
      }
    }

    /** Waits (bounded) until the first replay is past its selection and replaying calls. */
    void awaitReplaying() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!replaying && failure == null && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      if (!replaying) {
        throw new IllegalStateException("no replay started replaying within 120 s", failure);
      }
    }

    List<Tracker> stop() throws InterruptedException {
      stopping = true;
      thread.join(TimeUnit.SECONDS.toMillis(options.maxReplaySeconds + 30));
      if (thread.isAlive() || failure != null) {
        throw new IllegalStateException("the replays did not end cleanly", failure);
      }
      return ended;
    }
  }

  // ------------------------------------------------------------------------------------------ 3. live latency

  /** One live run: its latencies, those of the calls sent and answered while a replay was replaying, and more. */
  private record Phase(String label, Double rate, long[] latencies, Percentiles all, Percentiles whileReplaying,
      String gc) {
    boolean replay() {
      return rate != null;
    }
  }

  private void latency() throws Exception {
    System.out.printf("== live latency: sequential sync POST /f/simon/echo, %,d warm-up then %,d measured per run%n",
        options.warmupRequests, options.requests);
    try (RawHttpClient client = new RawHttpClient(HOST, port)) {
      byte[] request = RawHttpClient.post(HOST, port, "/f/simon/echo", LIVE_BODY);
      for (int i = 0; i < options.warmupRequests; i++) {
        check(client.send(request), LIVE_BODY);
      }
      // Then until the JIT has settled (recording and the replays above compiled a lot): batches of 500 calls until
      // one costs less than 100 ms of compilation, at most 60 s.
      CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int extra = 0;
      long compiling;
      do {
        long before = jit.getTotalCompilationTime();
        for (int i = 0; i < 500; i++) {
          check(client.send(request), LIVE_BODY);
        }
        extra += 500;
        compiling = jit.getTotalCompilationTime() - before;
      } while (compiling >= 100 && System.nanoTime() < deadline);
      System.out.printf("  warm-up: %,d + %,d calls (the last 500 with %d ms of JIT compilation)%n",
          options.warmupRequests, extra, compiling);
      // Interleaved (no replay, replays, no replay, replays, ..., no replay) so that every replay run has a baseline
      // measured just before and just after it, not minutes apart.
      for (int round = 1; round <= options.rounds; round++) {
        String suffix = options.rounds > 1 ? " [" + round + "]" : "";
        phase(client, (round == 1 ? "no replay" : "no replay (again)") + suffix, null);
        for (double rate : options.rates) {
          if (rate > 0) {
            phase(client, String.format("%,d-call replays at rate_per_second %.0f", options.calls, rate) + suffix,
                rate);
          } else {
            phase(client, String.format("%,d-call replays back to back, no rate limit (platform pacing only)",
                largeCalls) + suffix, rate);
          }
        }
      }
      if (options.baselineAgain) {
        phase(client, "no replay (again)" + (options.rounds > 1 ? " [end]" : ""), null);
      }
    }
  }

  private void phase(RawHttpClient client, String label, Double rate) throws Exception {
    System.out.println("  -- " + label);
    ReplayLoad load = null;
    if (rate != null) {
      // No rate limit: the large set, so that most of the live run is spent replaying, not selecting. With a limit:
      // the small set, so the last replay ends soon after the live calls.
      load = (rate > 0 ? new ReplayLoad(rate, toMillis, options.calls)
          : new ReplayLoad(rate, toLargeMillis, largeCalls)).start();
      load.awaitReplaying();
    }
    Recording jfr = null;
    if (options.jfr != null && rate != null && rate == 0) {
      jfr = new Recording(Configuration.getConfiguration("profile"));
      jfr.start();
    }
    byte[] request = RawHttpClient.post(HOST, port, "/f/simon/echo", LIVE_BODY);
    int n = options.requests;
    long[] latencies = new long[n];
    long[] sentMicros = new long[n];
    long[] receivedMicros = new long[n];
    String[] ids = new String[n];
    long[] gcBefore = gc();
    CpuMeter cpu = CpuMeter.start();
    long guestsBefore = runtime.guestsStarted();
    long windowStart = System.currentTimeMillis();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      sentMicros[i] = epochMicros();
      long s = System.nanoTime();
      RawHttpClient.Response r = client.send(request);
      latencies[i] = System.nanoTime() - s;
      receivedMicros[i] = epochMicros();
      check(r, LIVE_BODY);
      ids[i] = r.headers().get("x-faasm-call-id");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long windowEnd = System.currentTimeMillis();
    long replayedInWindow = runtime.guestsStarted() - guestsBefore - n; // every live call started one guest
    String cores = cpu.coresBusy(seconds);
    long[] gcAfter = gc();
    if (jfr != null) {
      jfr.stop();
      jfr.dump(Path.of(options.jfr));
      jfr.close();
      System.out.println("  JFR recording of this run: " + options.jfr);
    }
    List<Tracker> replays = load == null ? List.of() : load.stop();

    Percentiles p = new Percentiles(latencies);
    System.out.println("  " + p.summaryUs());
    System.out.println("  " + cores);
    cpuLines.add(label + ": " + cores);
    Percentiles whileReplaying = null;
    if (!replays.isEmpty()) {
      // Calls sent and answered inside a replay's replaying part: after its first report with `selected` set
      // (seen up to 50 ms late) and before it finished.
      long[] inside = new long[n];
      int count = 0;
      for (int i = 0; i < n; i++) {
        long sent = sentMicros[i] / 1000;
        long received = receivedMicros[i] / 1000;
        for (Tracker t : replays) {
          if (t.selectedSeenMillis <= sent && received <= t.last.getFinishedAtMillis()) {
            inside[count++] = latencies[i];
            break;
          }
        }
      }
      if (count > 0) {
        whileReplaying = new Percentiles(inside, count);
        System.out.println("  while replaying: " + whileReplaying.summaryUs());
      }
      System.out.printf("  replayed during the live calls: %,d calls in %.1f s = %,.0f calls/s%n", replayedInWindow,
          seconds, replayedInWindow / seconds);
      replayRow(label, replays, windowStart, windowEnd, replayedInWindow / seconds);
    }
    phases.add(new Phase(label, rate, latencies, p, whileReplaying,
        String.format("%d pauses, %d ms", gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1])));
    if (options.breakdown) {
      breakdown(client, label, ids, sentMicros, receivedMicros, latencies);
    }
  }

  private void replayRow(String label, List<Tracker> replays, long windowStart, long windowEnd,
      double ratePerSecondDuringLive) {
    long calls = 0;
    long replayingMillis = 0;
    long selectingMillis = 0;
    long replayingInWindow = 0;
    int clean = 0;
    for (Tracker t : replays) {
      ReplayReport r = t.last;
      calls += r.getReplayed();
      long selectedAt = r.getStartedAtMillis() + t.selectionMillis();
      selectingMillis += t.selectionMillis();
      replayingMillis += r.getFinishedAtMillis() - selectedAt;
      replayingInWindow +=
          Math.max(0, Math.min(windowEnd, r.getFinishedAtMillis()) - Math.max(windowStart, selectedAt));
      if (verify(t, label)) {
        clean++;
      }
    }
    long window = Math.max(1, windowEnd - windowStart);
    replayRows.add(new String[] {
      label, String.format("%d (%d clean)", replays.size(), clean), String.format("%,d", calls),
      String.format("%,.0f", calls * 1000.0 / Math.max(1, replayingMillis)),
      String.format("**%,.0f**", ratePerSecondDuringLive),
      String.format("%.0f%%", 100.0 * selectingMillis / Math.max(1, selectingMillis + replayingMillis)),
      String.format("%.0f%% of %.1f s", 100.0 * replayingInWindow / window, window / 1000.0)
    });
  }

  /**
   * Where the live calls' time went, from their own timestamps (GET /calls/id; whole milliseconds, taken as the middle
   * of the millisecond) against this JVM's clock: the mean over all calls and over the slowest 1%.
   */
  private void breakdown(RawHttpClient client, String label, String[] ids, long[] sent, long[] received,
      long[] latencies) throws IOException {
    int n = ids.length;
    double[][] parts = new double[n][];
    for (int i = 0; i < n; i++) {
      RawHttpClient.Response r = client.send(RawHttpClient.get(HOST, port, "/calls/" + ids[i]));
      Map<String, Long> t = new HashMap<>();
      Matcher m = TIME.matcher(new String(r.body(), UTF_8));
      while (m.find()) {
        t.put(m.group(1), Instant.parse(m.group(2)).toEpochMilli() * 1000 + 500);
      }
      if (t.size() != 3) {
        throw new IllegalStateException("no timings for call " + ids[i] + ": " + new String(r.body(), UTF_8));
      }
      parts[i] = new double[] {
        t.get("submittedAt") - sent[i], t.get("startedAt") - t.get("submittedAt"),
        t.get("finishedAt") - t.get("startedAt"), received[i] - t.get("finishedAt")
      };
    }
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingLong((Integer i) -> latencies[i]).reversed());
    int tail = Math.max(1, n / 100);
    double[] all = new double[4];
    double[] slow = new double[4];
    for (int k = 0; k < n; k++) {
      for (int j = 0; j < 4; j++) {
        all[j] += parts[order[k]][j] / n;
        if (k < tail) {
          slow[j] += parts[order[k]][j] / tail;
        }
      }
    }
    breakdownRows.add(new String[] {label, "all " + n, f(all[0]), f(all[1]), f(all[2]), f(all[3])});
    breakdownRows.add(new String[] {"", "slowest " + tail, f(slow[0]), f(slow[1]), f(slow[2]), f(slow[3])});
  }

  private static String f(double micros) {
    return String.format("%.2f ms", micros / 1000.0);
  }

  // ------------------------------------------------------------------------------------------------- output

  private void printTables() {
    System.out.println();
    System.out.printf("## Replay throughput (%,d recorded sync calls of simon/echo, target original, no rate limit)%n%n",
        options.calls);
    Table.print(new String[] {"run", "selected", "replayed", "identical", "different+failed",
        "selection (±50 ms)", "finished − started", "calls/s", "calls/s after selection",
        "calls/s, 10–90% of calls"}, throughputRows);
    printSamples("selecting", selectingSamples);
    printSamples("replaying", replayingSamples);

    System.out.println();
    System.out.println("## Live calls (c=1, sync POST /f/simon/echo) without and with replays");
    System.out.println();
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < phases.size(); i++) {
      Phase ph = phases.get(i);
      List<Phase> neighbours = neighbouringBaselines(i);
      rows.add(latencyRow(ph.label(), ph.all(), neighbours, ph.gc()));
      if (ph.whileReplaying() != null) {
        rows.add(latencyRow("  … of which sent and answered while replaying", ph.whileReplaying(), neighbours, ""));
      }
    }
    Table.print(new String[] {"live run", "calls", "p50", "p90", "p99", "max",
        "p99 / no-replay p99 (run before, run after)", "GC"}, rows);
    printPooled();
    if (!replayRows.isEmpty()) {
      System.out.println();
      Table.print(new String[] {"replays during the live run", "replays", "calls replayed",
          "replay calls/s (after selection, whole replays)", "replay calls/s during the live calls", "time selecting",
          "live run spent replaying"}, replayRows);
    }
    if (!breakdownRows.isEmpty()) {
      System.out.println();
      Table.print(new String[] {"where live calls' time goes (mean)", "calls", "client → edge",
          "edge → guest starts", "guest runs", "guest ends → client"}, breakdownRows);
    }
    System.out.println();
    System.out.println("CPU during the live runs (2 CPUs = 2.00 cores):");
    cpuLines.forEach(l -> System.out.println("- " + l));
    System.out.println();
    if (problems.isEmpty()) {
      System.out.println("every replay: DONE, selected = replayed = identical = the calls recorded in its range");
    } else {
      System.out.println("PROBLEMS:");
      problems.forEach(p -> System.out.println("- " + p));
    }
  }

  /** The no-replay runs just before and just after phase i (for a no-replay run: the one before it). */
  private List<Phase> neighbouringBaselines(int i) {
    List<Phase> found = new ArrayList<>();
    for (int j = i - 1; j >= 0; j--) {
      if (!phases.get(j).replay()) {
        found.add(phases.get(j));
        break;
      }
    }
    if (phases.get(i).replay()) {
      for (int j = i + 1; j < phases.size(); j++) {
        if (!phases.get(j).replay()) {
          found.add(phases.get(j));
          break;
        }
      }
    }
    return found;
  }

  /** All the calls of all the no-replay runs against all those of the replay runs at each rate, pooled. */
  private void printPooled() {
    List<Phase> baselines = phases.stream().filter(ph -> !ph.replay()).toList();
    if (baselines.size() < 2 || baselines.size() == phases.size()) {
      return;
    }
    Percentiles base = pool(baselines);
    System.out.printf("%npooled: no replay (%d runs, %,d calls): p50 %s, p90 %s, p99 %s%n", baselines.size(),
        base.count(), ms(base.median()), ms(base.at(90)), ms(base.at(99)));
    for (double rate : options.rates) {
      List<Phase> runs = phases.stream().filter(ph -> ph.replay() && ph.rate() == rate).toList();
      Percentiles p = pool(runs);
      System.out.printf("pooled: %s (%d runs, %,d calls): p50 %s, p90 %s, p99 %s = %.2f× the pooled no-replay p99%n",
          rate > 0 ? String.format("replays at rate_per_second %.0f", rate) : "replays, no rate limit (pacing only)",
          runs.size(), p.count(), ms(p.median()), ms(p.at(90)), ms(p.at(99)), (double) p.at(99) / base.at(99));
    }
  }

  private static Percentiles pool(List<Phase> runs) {
    long[] all = runs.stream().flatMapToLong(ph -> Arrays.stream(ph.latencies())).toArray();
    return new Percentiles(all);
  }

  private static String[] latencyRow(String label, Percentiles p, List<Phase> baselines, String gc) {
    String versus = baselines.stream()
        .map(b -> String.format("%.2f×", (double) p.at(99) / b.all().at(99)))
        .reduce((a, b) -> a + ", " + b).orElse("");
    return new String[] {label, String.format("%,d", p.count()), ms(p.median()), ms(p.at(90)), ms(p.at(99)),
        ms(p.max()), versus, gc};
  }

  private static void printSamples(String what, Map<String, Integer> samples) {
    int total = samples.values().stream().mapToInt(Integer::intValue).sum();
    if (total == 0) {
      return;
    }
    System.out.printf("%nthe processor's replay thread while %s (%d stack samples, every 50 ms):%n", what, total);
    samples.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(6)
        .forEach(e -> System.out.printf("- %3.0f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static void check(RawHttpClient.Response r, byte[] body) {
    if (r.status() != 200 || !Arrays.equals(r.body(), body)) {
      throw new IllegalStateException("echo answered " + r.status() + ": " + new String(r.body(), UTF_8));
    }
  }

  /** {collections, milliseconds} summed over the JVM's collectors. */
  private static long[] gc() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, b.getCollectionCount());
      millis += Math.max(0, b.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  private static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
  }

  private static String ms(long nanos) {
    return String.format("%.2f ms", nanos / 1e6);
  }

  /** Command-line options. */
  private static final class Options {
    int calls = 5_000;
    int largeCalls = 20_000;
    int connections = 4;
    int throughputRuns = 3;
    int rounds = 2;
    int requests = 3_000;
    int warmupRequests = 1_000;
    double[] rates = {0, 500};
    boolean baselineAgain = true;
    boolean breakdown = true;
    int maxReplaySeconds = 300;
    String jfr;
    Map<String, Object> kafkaOverrides = new HashMap<>();

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--no-baseline-again" -> o.baselineAgain = false;
          case "--no-breakdown" -> o.breakdown = false;
          default -> {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
              case "--calls" -> o.calls = Integer.parseInt(v);
              case "--large-calls" -> o.largeCalls = Integer.parseInt(v);
              case "--connections" -> o.connections = Integer.parseInt(v);
              case "--throughput-runs" -> o.throughputRuns = Integer.parseInt(v);
              case "--rounds" -> o.rounds = Integer.parseInt(v);
              case "--requests" -> o.requests = Integer.parseInt(v);
              case "--warmup-requests" -> o.warmupRequests = Integer.parseInt(v);
              case "--rates" -> o.rates = v.isBlank() || v.equals("none") ? new double[0]
                  : Arrays.stream(v.split(",")).mapToDouble(Double::parseDouble).toArray();
              case "--max-replay-seconds" -> o.maxReplaySeconds = Integer.parseInt(v);
              case "--jfr" -> o.jfr = v;
              case "--kafka" -> {
                int eq = v.indexOf('=');
                if (eq < 1) {
                  throw new IllegalArgumentException("--kafka wants key=value, not " + v);
                }
                o.kafkaOverrides.put(v.substring(0, eq), v.substring(eq + 1));
              }
              default -> throw new IllegalArgumentException("unknown option " + a);
            }
          }
        }
      }
      if (o.calls < 1 || o.connections < 1 || o.requests < 1 || o.warmupRequests < 0 || o.throughputRuns < 0 || o.rounds < 1
          || o.maxReplaySeconds < 1 || o.maxReplaySeconds > 3600 || Arrays.stream(o.rates).anyMatch(r -> r < 0)) {
        throw new IllegalArgumentException("counts must be positive, rates >= 0, --max-replay-seconds in [1, 3600]");
      }
      return o;
    }
  }
}
