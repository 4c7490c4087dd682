package dev.faasm.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.faasm.runtime.BenchDirectRunner;
import dev.faasm.runtime.CallOutcome;
import dev.faasm.runtime.FunctionRuntime;
import dev.faasm.runtime.Invocation;
import dev.faasm.runtime.RuntimeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runtime benchmarks (docs/performance.md, part A), one process, results as a table on stdout:
 *
 * <ol>
 *   <li>{@code echo}: new instance + {@code simon/echo} call, per-call latencies through {@link FunctionRuntime#execute}
 *       (hand-off to a guest thread and back) and on the calling thread ({@link BenchDirectRunner});
 *   <li>{@code compile}: first call of a module no cache has seen (parse + validate + compile + run) vs the same module
 *       again (in-memory cache) vs a new runtime finding it in the on-disk compile cache;
 *   <li>{@code compute}: {@code bench/fib} and {@code bench/sha256} under Chicory vs Node.js (func/tools/run-node.mjs)
 *       vs native gcc -O2 (func/build.sh --native): medians of several runs after warm-up, and their ratios.
 * </ol>
 *
 * <p>Usage: {@code RuntimeBench [--parts echo,compile,compute] [--echo-calls N] [--echo-warmup N]
 * [--compile-iterations N] [--fib-n N] [--sha-mib N] [--runs N] [--warmup N]}. Run by bench/run-runtime-bench.sh.
 */
public final class RuntimeBench {
  private static final byte[] ECHO_INPUT = "hello faasm".getBytes(UTF_8);
  private static final Pattern NS_PER_RUN = Pattern.compile("ns_per_run=([0-9.]+)");

  private final Options options;
  private final List<String[]> rows = new ArrayList<>();
  private final List<String[]> computeRows = new ArrayList<>();

  private RuntimeBench(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    RuntimeBench bench = new RuntimeBench(Options.parse(args));
    bench.run();
    System.exit(0);
  }

  private void run() throws Exception {
    System.out.printf("# runtime benchmarks: %s, %d CPUs, Java %s (%s), max heap %d MiB%n", Machine.cpu(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() >> 20);
    if (options.parts.contains("echo")) {
      echo();
    }
    if (options.parts.contains("compile")) {
      compile("simon", "echo", ECHO_INPUT);
      compile("bench", "sha256", "0".getBytes(UTF_8)); // 0 MiB: the run is trivial, the compile is not
    }
    if (options.parts.contains("compute")) {
      compute("fib", Integer.toString(options.fibN));
      compute("sha256", Integer.toString(options.shaMib));
    }
    System.out.println();
    System.out.println("## A. Runtime");
    System.out.println();
    if (!rows.isEmpty()) {
      Table.print(new String[] {"measurement", "result", "how"}, rows);
    }
    if (!computeRows.isEmpty()) {
      System.out.println();
      Table.print(
          new String[] {"function (input)", "Chicory median (min–max)", "Node.js", "native gcc -O2",
              "Chicory/Node (per-round median, range)", "Chicory/native", "Node/native"},
          computeRows);
    }
  }

  // ---------------------------------------------------------------------------------------------------------- echo

  private void echo() {
    RuntimeConfig config = RuntimeConfig.defaults();
    byte[] wasm = Modules.read("simon", "echo");
    Invocation invocation = new Invocation("simon", "echo", Modules.sha256Hex(wasm), wasm, ECHO_INPUT, -1);
    try (FunctionRuntime runtime = new FunctionRuntime(config);
        BenchDirectRunner direct = new BenchDirectRunner(config)) {
      Supplier<CallOutcome> viaExecute = () -> runtime.execute(invocation, NoChains.INSTANCE).join();
      Supplier<CallOutcome> onCaller = () -> direct.run(invocation, NoChains.INSTANCE);
      requireEcho(viaExecute.get());
      requireEcho(onCaller.get());
      // Alternate the two paths in rounds so both see the same JIT and GC state.
      int rounds = 5;
      int perRound = options.echoCalls / rounds;
      long[] executeWall = new long[perRound * rounds];
      long[] executeGuest = new long[perRound * rounds];
      long[] directWall = new long[perRound * rounds];
      for (int i = 0; i < options.echoWarmup; i++) {
        requireOk(viaExecute.get());
        requireOk(onCaller.get());
      }
      int n = 0;
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < perRound; i++) {
          long t0 = System.nanoTime();
          CallOutcome o = viaExecute.get();
          executeWall[n + i] = System.nanoTime() - t0;
          executeGuest[n + i] = o.durationNanos();
          requireOk(o);
        }
        for (int i = 0; i < perRound; i++) {
          long t0 = System.nanoTime();
          CallOutcome o = onCaller.get();
          directWall[n + i] = System.nanoTime() - t0;
          requireOk(o);
        }
        n += perRound;
      }
      // Allocation of one call on the calling thread (the guest's memory pages are most of it).
      var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
      long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 1000; i++) {
        requireOk(onCaller.get());
      }
      long bytesPerCall = (threads.getCurrentThreadAllocatedBytes() - allocatedBefore) / 1000;
      Percentiles ex = new Percentiles(executeWall);
      Percentiles guest = new Percentiles(executeGuest);
      Percentiles dir = new Percentiles(directWall);
      System.out.println("echo via execute() (caller's view): " + ex.summaryUs());
      System.out.println("echo via execute(), time on the guest thread (CallOutcome.durationNanos): " + guest.summaryUs());
      System.out.println("echo on the calling thread (BenchDirectRunner): " + dir.summaryUs());
      String how = String.format("%,d sequential calls after %,d warm-up, exact percentiles", n, options.echoWarmup);
      rows.add(new String[] {"A1 new instance + simon/echo, execute(...).join() (incl. thread hand-off)",
          "p50 " + Percentiles.us(ex.median()) + " µs, p99 " + Percentiles.us(ex.at(99)) + " µs", how});
      rows.add(new String[] {"A1 same calls, time spent on the guest thread (CallOutcome.durationNanos)",
          "p50 " + Percentiles.us(guest.median()) + " µs, p99 " + Percentiles.us(guest.at(99)) + " µs", how});
      rows.add(new String[] {"A1 new instance + simon/echo on the calling thread (no hand-off)",
          "p50 " + Percentiles.us(dir.median()) + " µs, p99 " + Percentiles.us(dir.at(99)) + " µs", how});
      rows.add(new String[] {"A1 heap allocated per call (calling thread)", String.format("%,d bytes", bytesPerCall),
          "ThreadMXBean.getCurrentThreadAllocatedBytes over 1,000 calls"});
    }
  }

  private static void requireEcho(CallOutcome o) {
    requireOk(o);
    if (!Arrays.equals(o.output(), ECHO_INPUT)) {
      throw new IllegalStateException("echo returned '" + new String(o.output(), UTF_8) + "'");
    }
  }

  private static void requireOk(CallOutcome o) {
    if (!o.succeeded()) {
      throw new IllegalStateException("call failed: " + o.failure() + ": " + o.error());
    }
  }

  // ------------------------------------------------------------------------------------------------------- compile

  private void compile(String user, String function, byte[] input) throws IOException {
    byte[] base = Modules.read(user, function);
    String name = user + "/" + function;
    int iterations = options.compileIterations;
    int warmup = 3;
    Path diskDir = Files.createTempDirectory("faasm-bench-compiled-");
    RuntimeConfig memoryOnly = RuntimeConfig.defaults();
    RuntimeConfig withDisk = RuntimeConfig.defaults().withCompileCacheDir(diskDir);
    long[] fresh = new long[iterations];
    long[] freshValidate = new long[iterations];
    long[] warm = new long[iterations];
    long[] disk = new long[iterations];
    long firstEver;
    try (FunctionRuntime runtime = new FunctionRuntime(memoryOnly);
        FunctionRuntime writer = new FunctionRuntime(withDisk)) {
      long counter = 0;
      // The very first compile in this JVM (Chicory's compiler and ASM not yet JIT-compiled).
      byte[] first = Modules.variant(base, counter++);
      long t0 = System.nanoTime();
      requireOk(call(runtime, user, function, first, input));
      firstEver = System.nanoTime() - t0;
      for (int i = -warmup; i < iterations; i++) {
        // fresh: a digest nobody has seen: parse + validate + compile + instantiate + run
        byte[] v = Modules.variant(base, counter++);
        t0 = System.nanoTime();
        requireOk(call(runtime, user, function, v, input));
        long freshNanos = System.nanoTime() - t0;
        // warm: the same module again, compiled classes in memory
        t0 = System.nanoTime();
        requireOk(call(runtime, user, function, v, input));
        long warmNanos = System.nanoTime() - t0;
        // upload path: validate() of a module nobody has seen (parse + validate + compile, no run)
        byte[] u = Modules.variant(base, counter++);
        t0 = System.nanoTime();
        runtime.validate(u);
        long validateNanos = System.nanoTime() - t0;
        // disk: compiled by one runtime (written to disk), first call in a NEW runtime on the same directory
        byte[] d = Modules.variant(base, counter++);
        requireOk(call(writer, user, function, d, input));
        long diskNanos;
        try (FunctionRuntime restarted = new FunctionRuntime(withDisk)) {
          t0 = System.nanoTime();
          requireOk(call(restarted, user, function, d, input));
          diskNanos = System.nanoTime() - t0;
          if (restarted.diskCacheHits() != 1 || restarted.compilations() != 0) {
            throw new IllegalStateException("expected one disk-cache hit and no compilation, got "
                + restarted.diskCacheHits() + " hits, " + restarted.compilations() + " compilations");
          }
        }
        if (i >= 0) {
          fresh[i] = freshNanos;
          warm[i] = warmNanos;
          freshValidate[i] = validateNanos;
          disk[i] = diskNanos;
        }
      }
    } finally {
      deleteTree(diskDir);
    }
    Percentiles f = new Percentiles(fresh);
    Percentiles w = new Percentiles(warm);
    Percentiles u = new Percentiles(freshValidate);
    Percentiles d = new Percentiles(disk);
    System.out.printf("%s (%d bytes): first compile in this JVM %s ms; fresh %s; warm %s; validate %s; disk %s%n",
        name, base.length, Percentiles.ms(firstEver), f.summaryUs(), w.summaryUs(), u.summaryUs(), d.summaryUs());
    String how = String.format("median (min–max) of %d module variants after %d warm-up ones", iterations, warmup);
    rows.add(new String[] {"A2 " + name + " (" + base.length + " B): first call of a never-seen module",
        msRange(f), how + "; the first compile in this JVM took " + Percentiles.ms(firstEver) + " ms"});
    rows.add(new String[] {"A2 " + name + ": upload validate() of a never-seen module (no run)", msRange(u), how});
    rows.add(new String[] {"A2 " + name + ": same module again, compile cache warm (memory)", msRange(w), how});
    rows.add(new String[] {"A2 " + name + ": first call in a new FunctionRuntime, only the disk cache warm",
        msRange(d), how});
  }

  private static String msRange(Percentiles p) {
    return Percentiles.ms(p.median()) + " ms (" + Percentiles.ms(p.min()) + "–" + Percentiles.ms(p.max()) + ")";
  }

  private static CallOutcome call(FunctionRuntime runtime, String user, String function, byte[] wasm, byte[] input) {
    return runtime.execute(new Invocation(user, function, null, wasm, input, -1), NoChains.INSTANCE).join();
  }

  // ------------------------------------------------------------------------------------------------------- compute

  private void compute(String function, String input) throws Exception {
    Path wasmFile = Modules.path("bench", function);
    byte[] wasm = Files.readAllBytes(wasmFile);
    Invocation invocation =
        new Invocation("bench", function, Modules.sha256Hex(wasm), wasm, input.getBytes(UTF_8), -1);
    int runs = options.runs;
    int warmup = options.warmup;
    Path runNode = Modules.repoRoot().resolve("func/tools/run-node.mjs");
    Path nativeBin = Modules.repoRoot().resolve("func/build/native/" + function);
    boolean haveNative = Files.isExecutable(nativeBin);
    boolean haveNode = exec(List.of("node", "--version"), null, false) != null;
    List<String> nodeCommand = List.of("node", runNode.toString(), "--time", "1", "--warmup",
        Integer.toString(warmup), wasmFile.toString(), input);
    List<String> nativeCommand = List.of(nativeBin.toString(), "1");
    System.out.printf("%s(%s): %d rounds of (native, Node.js, Chicory) after warm-up%n", function, input, runs);

    long[] chicory = new long[runs];
    long[] node = new long[runs];
    long[] nat = new long[runs];
    long[] chicoryWarmup = new long[warmup];
    String expected;
    try (FunctionRuntime runtime = new FunctionRuntime(RuntimeConfig.defaults())) {
      // Warm-up: Chicory `warmup` calls in this JVM (compile, then JIT of the generated classes); native `warmup`
      // untimed processes; Node.js warms up inside each measured process (`warmup` untimed runs, same instance).
      CallOutcome first = null;
      for (int i = 0; i < warmup; i++) {
        long t0 = System.nanoTime();
        first = runtime.execute(invocation, NoChains.INSTANCE).join();
        chicoryWarmup[i] = System.nanoTime() - t0;
        requireOk(first);
      }
      expected = new String(first.output(), UTF_8);
      if (haveNative) {
        for (int i = 0; i < warmup; i++) {
          requireOutput("native", expected, exec(nativeCommand, input.getBytes(UTF_8), true).stdout);
        }
      }
      quiesce();
      // Rounds: each runner once per round, so a slow spell of this (shared, virtual) machine hits all three alike.
      for (int r = 0; r < runs; r++) {
        if (haveNative) {
          Result x = exec(nativeCommand, input.getBytes(UTF_8), true);
          requireOutput("native", expected, x.stdout);
          nat[r] = x.nsPerRun;
        }
        if (haveNode) {
          Result n = exec(nodeCommand, null, true);
          requireOutput("Node.js", expected, n.stdout);
          node[r] = n.nsPerRun;
        }
        long t0 = System.nanoTime();
        CallOutcome o = runtime.execute(invocation, NoChains.INSTANCE).join();
        chicory[r] = System.nanoTime() - t0;
        requireOk(o);
        requireOutput("Chicory", expected, new String(o.output(), UTF_8));
      }
    }
    System.out.printf("  Chicory warm-up runs (ms): %s%n  Chicory runs (ms): %s%n  Node.js runs (ms): %s%n"
            + "  native runs (ms):  %s%n  output: %s%n", msList(chicoryWarmup), msList(chicory),
        haveNode ? msList(node) : "n/a", haveNative ? msList(nat) : "n/a", expected);

    computeRows.add(new String[] {
      "A3 " + function + " (" + input + (function.equals("sha256") ? " MiB" : "") + ")",
      medianRange(chicory),
      haveNode ? medianRange(node) : "n/a (node not found)",
      haveNative ? medianRange(nat) : "n/a (run func/build.sh --native)",
      haveNode ? ratios(chicory, node) : "n/a",
      haveNative ? ratios(chicory, nat) : "n/a",
      haveNode && haveNative ? ratios(node, nat) : "n/a"
    });
  }

  private static String medianRange(long[] nanos) {
    Percentiles p = new Percentiles(nanos);
    return String.format("%.0f ms (%.0f–%.0f)", p.median() / 1e6, p.min() / 1e6, p.max() / 1e6);
  }

  /** Median of the per-round ratios a[i]/b[i], and their range. */
  private static String ratios(long[] a, long[] b) {
    long[] permille = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      permille[i] = Math.round(1000.0 * a[i] / b[i]);
    }
    Percentiles p = new Percentiles(permille);
    return String.format("%.2f (%.2f–%.2f)", p.median() / 1000.0, p.min() / 1000.0, p.max() / 1000.0);
  }

  private static void requireOutput(String who, String expected, String actual) {
    if (!expected.equals(actual.strip())) {
      throw new IllegalStateException(who + " printed '" + actual + "', the first runner '" + expected + "'");
    }
  }

  /** Waits (at most 30 s) until this JVM uses under 10% of a CPU: leftover JIT and GC work would skew the others. */
  private static void quiesce() throws InterruptedException {
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    System.gc();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      long before = os.getProcessCpuTime();
      Thread.sleep(500);
      if (os.getProcessCpuTime() - before < 50_000_000L) {
        return;
      }
    }
    System.out.println("  (this JVM did not go quiet within 30 s)");
  }

  private static String msList(long[] nanos) {
    StringBuilder sb = new StringBuilder();
    for (long v : nanos) {
      sb.append(sb.length() == 0 ? "" : " ").append(Percentiles.ms(v));
    }
    return sb.toString();
  }

  private record Result(String stdout, long nsPerRun) {}

  /**
   * Runs a process (bounded: 10 minutes), returns its stdout and, if {@code timed}, the ns_per_run it reported; null
   * if the program is not installed.
   */
  private static Result exec(List<String> command, byte[] stdin, boolean timed)
      throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).start();
    } catch (IOException e) {
      return null;
    }
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
    }
    CompletableFuture<String> out = readAsync(p.getInputStream());
    CompletableFuture<String> err = readAsync(p.getErrorStream());
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + String.join(" ", command));
    }
    String stderr = err.join();
    if (p.exitValue() != 0) {
      throw new IllegalStateException("exit " + p.exitValue() + ": " + String.join(" ", command) + ": " + stderr);
    }
    if (!timed) {
      return new Result(out.join(), 0);
    }
    Matcher m = NS_PER_RUN.matcher(stderr);
    if (!m.find()) {
      throw new IllegalStateException("no ns_per_run in the output of " + String.join(" ", command) + ": " + stderr);
    }
    return new Result(out.join(), Math.round(Double.parseDouble(m.group(1))));
  }

  private static CompletableFuture<String> readAsync(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Command-line options. */
  private static final class Options {
    Set<String> parts = new LinkedHashSet<>(List.of("echo", "compile", "compute"));
    int echoCalls = 100_000;
    int echoWarmup = 50_000;
    int compileIterations = 15;
    int fibN = 41;
    int shaMib = 64;
    int runs = 7;
    int warmup = 3;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + a);
        }
        String v = args[++i];
        switch (a) {
          case "--parts" -> o.parts = new LinkedHashSet<>(List.of(v.split(",")));
          case "--echo-calls" -> o.echoCalls = Integer.parseInt(v);
          case "--echo-warmup" -> o.echoWarmup = Integer.parseInt(v);
          case "--compile-iterations" -> o.compileIterations = Integer.parseInt(v);
          case "--fib-n" -> o.fibN = Integer.parseInt(v);
          case "--sha-mib" -> o.shaMib = Integer.parseInt(v);
          case "--runs" -> o.runs = Integer.parseInt(v);
          case "--warmup" -> o.warmup = Integer.parseInt(v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if (o.runs < 1 || o.warmup < 1 || o.compileIterations < 1 || o.echoCalls < 5) {
        throw new IllegalArgumentException("counts must be positive");
      }
      return o;
    }
  }
}
