package dev.faasm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.protocol.CallIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A run of the cluster under steady async load with events (scaling, rolling restarts, SIGKILL), measured from the
 * results topic: per event, the latency of the calls accepted around it against the calm baseline, and at the end
 * every accepted call checked for exactly one correct result.
 */
final class ClusterScenario implements AutoCloseable {
  /** The steady load: calls per second, and the fib arguments it cycles over (a few ms of CPU each). */
  static final int RATE = 20;
  static final int[] STEADY_N = {20, 21, 22, 23};

  /** What happened, when, and what the calls around it saw. */
  record Event(String name, long atMillis, long readyMillis) {}

  final String variant;
  final LocalCluster cluster;
  final SteadyLoad load;
  private final List<Event> events = new ArrayList<>();
  private final List<String> throughput = new ArrayList<>();
  private final long began = System.currentTimeMillis();
  private long calmFrom;
  private long calmTo;

  ClusterScenario(String variant, Map<String, String> overrides, int edges) throws Exception {
    this.variant = variant;
    String prefix = "cluster-" + CallIds.random().substring(0, 8) + "-";
    cluster = new LocalCluster(prefix, Files.createTempDirectory("faasm-cluster"), overrides);
    for (int i = 0; i < edges; i++) {
      cluster.startEdge();
    }
    load = new SteadyLoad(prefix + "results", cluster::edge, edges, cluster.addUser("bench"));
  }

  /** Starts processors 0..n-1 and waits for them. */
  void startProcessors(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      cluster.startProcessor(i);
    }
    for (int i = 0; i < n; i++) {
      cluster.awaitRunning(i, 0);
    }
  }

  void steady() {
    load.startSteady(RATE, STEADY_N);
  }

  /** Scale up: the StatefulSet starts pods {@code from..to-1}. */
  void scaleUp(int from, int to) throws Exception {
    long at = System.currentTimeMillis();
    List<Long> lines = new ArrayList<>();
    for (int i = from; i < to; i++) {
      lines.add(cluster.logLines(i));
      cluster.startProcessor(i);
    }
    for (int i = from; i < to; i++) {
      cluster.awaitRunning(i, lines.get(i - from));
    }
    events.add(new Event("scale " + from + " -> " + to, at, System.currentTimeMillis()));
  }

  /** Scale down: the StatefulSet deletes the highest ordinals first, one at a time (SIGTERM). */
  void scaleDown(int from, int to) throws Exception {
    long at = System.currentTimeMillis();
    for (int i = from - 1; i >= to; i--) {
      cluster.stop(i);
    }
    events.add(new Event("scale " + from + " -> " + to, at, System.currentTimeMillis()));
  }

  /** A rolling restart: each pod, highest ordinal first, SIGTERMed, recreated and RUNNING before the next. */
  void rollingRestart(int processors) throws Exception {
    for (int i = processors - 1; i >= 0; i--) {
      long at = System.currentTimeMillis();
      long lines = cluster.logLines(i);
      cluster.stop(i);
      cluster.startProcessor(i);
      cluster.awaitRunning(i, lines);
      events.add(new Event("rolling restart of " + LocalCluster.pod(i), at, System.currentTimeMillis()));
    }
  }

  /** SIGKILL of a pod; the kubelet restarts its container after {@code restartAfter}. */
  void kill(int ordinal, Duration restartAfter) throws Exception {
    long at = System.currentTimeMillis();
    long lines = cluster.logLines(ordinal);
    cluster.kill(ordinal);
    Thread.sleep(restartAfter.toMillis());
    cluster.startProcessor(ordinal);
    cluster.awaitRunning(ordinal, lines);
    events.add(new Event("SIGKILL of " + LocalCluster.pod(ordinal) + ", restarted after "
        + restartAfter.toMillis() + " ms", at, System.currentTimeMillis()));
  }

  /** SIGKILL of a pod that does not come back (its node is lost): the others must take its tasks over. */
  void killForGood(int ordinal) throws Exception {
    long at = System.currentTimeMillis();
    cluster.kill(ordinal);
    events.add(new Event("SIGKILL of " + LocalCluster.pod(ordinal) + ", not restarted", at, at));
  }

  /** Saturates the processors with {@code count} calls of fib(n) and reports the calls/s they finish. */
  void measureThroughput(String label, int count, int n) throws Exception {
    long start = System.currentTimeMillis();
    List<String> ids = load.burst(count, n);
    load.awaitAll(Duration.ofMinutes(5));
    long end = ids.stream().mapToLong(id -> load.seen.get(id).atMillis()).max().orElse(start);
    throughput.add(String.format("| %s | %d x fib(%d) | %.0f calls/s |", label, count, n,
        count * 1000.0 / Math.max(1, end - start)));
  }

  /** Load with nothing happening, for {@code d}: the calm latency every event is compared with. */
  void baseline(Duration d) throws InterruptedException {
    calmFrom = System.currentTimeMillis();
    Thread.sleep(d.toMillis());
    calmTo = System.currentTimeMillis();
  }

  void settle(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  /** Stops the load, waits for every result, checks them and returns the report (also written under target/). */
  String finish() throws Exception {
    load.stopSteady();
    List<String> missing = load.awaitAll(Duration.ofMinutes(3));
    StringBuilder problems = new StringBuilder();
    int wrong = 0;
    long duplicates = 0;
    for (var e : load.sent.entrySet()) {
      SteadyLoad.Seen s = load.seen.get(e.getKey());
      if (s == null) {
        continue;
      }
      if (!s.succeeded() || !s.output().equals(e.getValue().expected())) {
        wrong++;
        if (wrong <= 5) {
          problems.append("call ").append(e.getKey()).append(": ").append(s.output()).append('\n');
        }
      }
      duplicates += s.records() - 1;
    }
    long[] calm = calmLatencies();
    long calmP50 = SteadyLoad.percentile(calm, 50);
    StringBuilder report = new StringBuilder();
    report.append("## ").append(variant).append("\n\n");
    report.append(String.format("%d calls accepted, %d not sent (the generator had 256 unanswered), %d refused%s, %d "
            + "without a result, %d wrong, %d duplicate result records; calm latency p50 %d ms, p99 %d ms; dead "
            + "processors: %s%n%n",
        load.sent.size(), load.skipped.get(), load.refused.get(),
        load.firstRefusal.get() == null ? "" : " (first: " + load.firstRefusal.get() + ")", missing.size(), wrong,
        duplicates, calmP50, SteadyLoad.percentile(calm, 99), cluster.deadProcessors()));
    report.append("| event | took | calls accepted within 30 s before or 15 s after | latency p50 / p99 / max | ")
        .append("added delay (max - calm p50) | in flight at the event: p99 / max to result |\n");
    report.append("|---|---|---|---|---|---|\n");
    for (Event ev : events) {
      long[] around = load.latencies(ev.atMillis() - 30_000, ev.readyMillis() + 15_000);
      long[] inFlight = inFlightAt(ev.atMillis());
      report.append(String.format("| %s | %.1f s | %d | %d / %d / %d ms | %d ms | %d / %d ms |%n", ev.name(),
          (ev.readyMillis() - ev.atMillis()) / 1000.0, around.length, SteadyLoad.percentile(around, 50),
          SteadyLoad.percentile(around, 99), SteadyLoad.max(around), SteadyLoad.max(around) - calmP50,
          SteadyLoad.percentile(inFlight, 99), SteadyLoad.max(inFlight)));
    }
    if (!throughput.isEmpty()) {
      report.append("\n| processors | burst | finished |\n|---|---|---|\n");
      throughput.forEach(t -> report.append(t).append('\n'));
    }
    if (problems.length() > 0) {
      report.append("\nproblems:\n").append(problems);
    }
    Path out = Path.of("target", "cluster");
    Files.createDirectories(out);
    Files.writeString(out.resolve(variant.replaceAll("[^A-Za-z0-9]+", "-") + ".md"), report);
    System.out.println(report);
    assertEquals(List.of(), missing, "calls without a result\n" + report);
    assertEquals(0, wrong, report.toString());
    assertEquals(0, load.refused.get(), report.toString());
    assertTrue(cluster.deadProcessors().isEmpty(), report.toString());
    return report.toString();
  }

  /** Latencies of the calls accepted during {@link #baseline}. */
  private long[] calmLatencies() {
    return load.latencies(calmFrom, calmTo);
  }

  /** For calls accepted before {@code at} whose result came after it: ms from acceptance to result, sorted. */
  private long[] inFlightAt(long at) {
    return load.sent.entrySet().stream()
        .filter(e -> e.getValue().sentAtMillis() < at && load.seen.containsKey(e.getKey())
            && load.seen.get(e.getKey()).atMillis() >= at)
        .mapToLong(e -> load.seen.get(e.getKey()).atMillis() - e.getValue().sentAtMillis())
        .sorted()
        .toArray();
  }

  @Override
  public void close() throws Exception {
    try {
      load.close();
    } finally {
      cluster.close();
    }
  }
}
