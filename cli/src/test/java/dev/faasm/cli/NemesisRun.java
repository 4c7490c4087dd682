package dev.faasm.cli;

import dev.faasm.embedded.TopicReader;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.Codec;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Runs phases against a {@link NemesisCluster}: a bounded load with one nemesis in its middle, then checks every
 * accepted call through an edge ({@code GET /calls/<id>}, retrying 503 and misses) and on the results topic, and
 * reports calls, lost, wrong, failed, duplicate result records, re-runs and recovery times.
 */
final class NemesisRun {
  /**
   * One phase: {@code calls} calls over {@code load}, the nemesis applied {@code lead} after the load started, right
   * after a burst of {@code burst} slow calls (so that calls are claimed and queued on the processors when it strikes).
   */
  record Phase(Nemesis nemesis, int calls, Duration load, Duration lead, int burst) {
    Phase(Nemesis nemesis, int calls, Duration load, Duration lead) {
      this(nemesis, calls, load, lead, 0);
    }
  }

  /**
   * What one phase found.
   *
   * @param sent calls sent
   * @param accepted calls the platform owes a result (202, 200, and sync 500/504 with a call id)
   * @param refused calls answered 503 (not accepted; the client knows to retry)
   * @param unexpected any other answer (a connection error, a 4xx, another 5xx), and processors that died by
   *     themselves
   * @param timedOut sync calls answered 504 (accepted; checked like the others)
   * @param results results owed: the accepted calls and every call they chained
   * @param lost results owed that never appeared, through the edge or on the results topic
   * @param wrong results whose output differs from the expected one (edge answer, GET, or topic record)
   * @param failed results that are failures (no call in the load fails by itself)
   * @param duplicates result records on the topic beyond the first per call
   * @param reruns duplicates whose contents differ from the first record (the guest ran again)
   * @param rerunsAfterResult re-runs whose guest started after the first result was finished
   * @param withdrawn calls a processor did not start because another one had finished them meanwhile (its log's
   *     "withdrawn before it started": a re-run prevented)
   * @param withdrawnMoved calls a processor did not start because their task had moved to another processor
   * @param recoveryMs from the end of the fault to the first result record written after it (any partition)
   * @param partitionsRecoveryMs from the end of the fault until every partition of the results topic had a result
   *     record written after it (-1: a partition had none)
   * @param maxLatencyMs the longest time from sending an accepted call to the first result record of it or of one of
   *     its chained calls, whichever came last
   * @param problems the first few examples of anything counted as a problem
   */
  record Report(
      String nemesis, int sent, int accepted, int refused, int unexpected, int timedOut, int results, int lost,
      int wrong, int failed, long duplicates, long reruns, long rerunsAfterResult, long withdrawn, long withdrawnMoved,
      long recoveryMs,
      long partitionsRecoveryMs, long maxLatencyMs, long phaseSeconds, List<String> problems) {

    boolean clean() {
      return unexpected == 0 && lost == 0 && wrong == 0 && failed == 0 && rerunsAfterResult == 0;
    }

    String row() {
      return String.format(
          Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |",
          nemesis, sent, accepted, refused, timedOut, results, lost, wrong, failed, duplicates, reruns,
          rerunsAfterResult, withdrawn, withdrawnMoved, recoveryMs, partitionsRecoveryMs,
        maxLatencyMs, phaseSeconds);
    }

    static String header() {
      return "| nemesis | sent | accepted | 503 | 504 | results owed | lost | wrong | failed | dup records "
          + "| re-runs | re-runs after result | withdrawn (finished elsewhere) | withdrawn (task moved) "
          + "| recovery ms (first result) | recovery ms (every partition) | max latency ms | phase s |\n"
          + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
    }
  }

  private static final int MAX_EXAMPLES = 10;

  private final NemesisCluster cluster;
  private final NemesisLoad load;
  private final Duration settle;
  private final List<Report> reports = new ArrayList<>();

  NemesisRun(NemesisCluster cluster, Duration settle) {
    this.cluster = cluster;
    this.load = new NemesisLoad(cluster);
    this.settle = settle;
  }

  List<Report> reports() {
    return List.copyOf(reports);
  }

  /** Runs one phase and checks it; the report is also kept for {@link #markdown}. */
  Report run(Phase phase) throws Exception {
    long began = System.nanoTime();
    long withdrawnBefore = cluster.countInProcessorLogs(NemesisCluster.WITHDRAWN_FINISHED_ELSEWHERE);
    long movedBefore = cluster.countInProcessorLogs(NemesisCluster.WITHDRAWN_TASK_MOVED);
    var answersFuture = load.run(phase.calls(), phase.load());
    Thread.sleep(phase.lead().toMillis());
    var burstFuture = load.burst(phase.burst());
    if (phase.burst() > 0) {
      Thread.sleep(100); // the burst reaches the processors and fills their guest slots
    }
    Nemesis.Window window = phase.nemesis().apply(cluster);
    List<NemesisLoad.Answer> answers = new ArrayList<>(
        answersFuture.get(phase.load().toSeconds() + 300, TimeUnit.SECONDS));
    answers.addAll(burstFuture.get(300, TimeUnit.SECONDS));

    List<String> problems = new ArrayList<>();
    int refused = 0;
    int unexpected = 0;
    int timedOut = 0;
    int wrong = 0;
    int failed = 0;
    Map<String, byte[]> owed = new LinkedHashMap<>();
    Map<String, Long> sentAt = new HashMap<>();
    List<NemesisLoad.Answer> accepted = new ArrayList<>();
    for (NemesisLoad.Answer a : answers) {
      if (a.accepted()) {
        accepted.add(a);
        owed.putAll(a.expected());
        a.expected().keySet().forEach(id -> sentAt.put(id, a.sentAtMillis()));
        if (a.status() == 504) {
          timedOut++;
        } else if (a.status() == 500) {
          failed++;
          note(problems, "sync " + a.kind() + " " + a.callId() + " answered 500: " + a.body());
        } else if (a.status() == 200 && !Arrays.equals(a.expected().get(a.callId()), a.syncOutput())) {
          wrong++;
          note(problems, "sync " + a.kind() + " " + a.callId() + " answered " + a.body());
        }
      } else if (a.status() == 503) {
        refused++;
      } else {
        unexpected++;
        note(problems, a.kind() + " via edge " + a.edge() + " answered " + a.status() + ": " + a.body());
      }
    }

    Map<String, String> states = awaitFinished(owed.keySet());
    int lost = 0;
    for (Map.Entry<String, byte[]> e : owed.entrySet()) {
      String id = e.getKey();
      String json = states.get(id);
      if (json == null) {
        lost++;
        note(problems, "call " + id + " has no result after " + settle.toSeconds() + " s");
      } else if (!"succeeded".equals(JsonField.get(json, "status"))) {
        failed++;
        note(problems, "call " + id + " failed: " + json);
      } else {
        byte[] output = getOutput(id);
        if (!Arrays.equals(e.getValue(), output)) {
          wrong++;
          note(problems, "call " + id + " output " + show(output) + ", expected " + show(e.getValue()));
        }
      }
    }

    // The results topic: every owed call has a correct first record; count the records beyond the first.
    Map<String, List<ConsumerRecord<String, byte[]>>> records = resultRecords(owed.keySet());
    long duplicates = 0;
    long reruns = 0;
    long rerunsAfterResult = 0;
    long maxLatencyMs = 0;
    long slowestGuestMs = 0;
    for (Map.Entry<String, byte[]> e : owed.entrySet()) {
      List<ConsumerRecord<String, byte[]>> recs = records.getOrDefault(e.getKey(), List.of());
      if (recs.isEmpty()) {
        if (states.containsKey(e.getKey())) {
          lost++;
          note(problems, "call " + e.getKey() + " has a result in Redis but none on the results topic");
        }
        continue;
      }
      CallResult first = Codec.decodeResult(recs.get(0).value());
      slowestGuestMs = Math.max(slowestGuestMs, first.finishedAtMillis() - first.startedAtMillis());
      if (first.succeeded() && !Arrays.equals(e.getValue(), first.output())) {
        wrong++;
        note(problems, "call " + e.getKey() + " first result record " + show(first.output()));
      }
      maxLatencyMs = Math.max(maxLatencyMs, recs.get(0).timestamp() - sentAt.get(e.getKey()));
      for (ConsumerRecord<String, byte[]> later : recs.subList(1, recs.size())) {
        duplicates++;
        CallResult again = Codec.decodeResult(later.value());
        if (!sameRun(first, again)) {
          reruns++;
          if (again.startedAtMillis() >= first.finishedAtMillis()) {
            rerunsAfterResult++;
            note(problems, "call " + e.getKey() + " ran again at " + again.startedAtMillis()
                + " after its result of " + first.finishedAtMillis());
          }
        }
      }
    }
    List<String> dead = cluster.deadProcessors();
    dead.forEach(d -> note(problems, "processor died by itself: " + d));
    unexpected += dead.size();
    List<ConsumerRecord<String, byte[]>> all = readResults();
    long recoveryMs = firstResultAfter(all, window.endedMillis(), -1);
    long partitionsRecoveryMs = 0;
    for (int p = 0; p < cluster.topics.partitions(); p++) {
      long ms = firstResultAfter(all, window.endedMillis(), p);
      partitionsRecoveryMs = ms < 0 || partitionsRecoveryMs < 0 ? -1 : Math.max(partitionsRecoveryMs, ms);
    }
    long withdrawn = cluster.countInProcessorLogs(NemesisCluster.WITHDRAWN_FINISHED_ELSEWHERE) - withdrawnBefore;
    long withdrawnMoved = cluster.countInProcessorLogs(NemesisCluster.WITHDRAWN_TASK_MOVED) - movedBefore;
    Report r = new Report(
        phase.nemesis().name(), answers.size(), accepted.size(), refused, unexpected, timedOut, owed.size(), lost,
        wrong, failed, duplicates, reruns, rerunsAfterResult, withdrawn, withdrawnMoved, recoveryMs,
        partitionsRecoveryMs, maxLatencyMs,
        (System.nanoTime() - began) / 1_000_000_000, List.copyOf(problems));
    reports.add(r);
    System.out.println("[nemesis] " + r.row() + " slowest guest " + slowestGuestMs + " ms"
        + (problems.isEmpty() ? "" : "\n  problems: " + problems));
    return r;
  }

  /** Two records of one call from the same run of its guest (a loser re-publishing the winner's result). */
  private static boolean sameRun(CallResult a, CallResult b) {
    return a.state() == b.state() && a.failureKind().equals(b.failureKind()) && Arrays.equals(a.output(), b.output())
        && a.startedAtMillis() == b.startedAtMillis() && a.finishedAtMillis() == b.finishedAtMillis();
  }

  /**
   * Polls {@code GET /calls/<id>} through the edges until each call is finished; 503 (store being rebuilt), 404 (a
   * status lost with Redis) and unfinished states are retried until the settle time is up. Returns id -> status JSON
   * of the finished ones.
   */
  private Map<String, String> awaitFinished(java.util.Collection<String> ids) throws InterruptedException {
    Map<String, String> done = new HashMap<>();
    List<String> open = new ArrayList<>(ids);
    long deadline = System.nanoTime() + settle.toNanos();
    while (!open.isEmpty() && System.nanoTime() < deadline) {
      List<String> still = new ArrayList<>();
      for (String id : open) {
        String json = finishedStatus(id);
        if (json != null) {
          done.put(id, json);
        } else {
          still.add(id);
        }
      }
      open = still;
      if (!open.isEmpty()) {
        Thread.sleep(200);
      }
    }
    return done;
  }

  private String finishedStatus(String id) throws InterruptedException {
    try {
      HttpResponse<String> r = load.http().send(
          HttpRequest.newBuilder(load.callUri(id, null)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && (r.body().contains("\"succeeded\"") || r.body().contains("\"failed\""))) {
        return r.body();
      }
    } catch (IOException e) {
      // retried on the next round
    }
    return null;
  }

  private byte[] getOutput(String id) throws IOException, InterruptedException {
    for (int attempt = 0; attempt < 50; attempt++) {
      HttpResponse<byte[]> r = load.http().send(
          HttpRequest.newBuilder(load.callUri(id, "output")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 200) {
        return r.body();
      }
      Thread.sleep(200);
    }
    return null;
  }

  /** The results topic's records of the given calls, in log order; waits briefly for records still on their way. */
  private Map<String, List<ConsumerRecord<String, byte[]>>> resultRecords(java.util.Set<String> ids)
      throws InterruptedException {
    Map<String, List<ConsumerRecord<String, byte[]>>> byId = new HashMap<>();
    for (int attempt = 0; attempt < 10; attempt++) {
      byId.clear();
      for (ConsumerRecord<String, byte[]> rec : readResults()) {
        if (ids.contains(rec.key())) {
          byId.computeIfAbsent(rec.key(), k -> new ArrayList<>()).add(rec);
        }
      }
      if (byId.keySet().containsAll(ids)) {
        break;
      }
      Thread.sleep(500);
    }
    return byId;
  }

  private List<ConsumerRecord<String, byte[]>> readResults() {
    return TopicReader.readAll(
        cluster.kafka.consumerProps("nemesis-check-" + CallIds.random()), cluster.topics.results());
  }

  /**
   * Milliseconds from {@code endedMillis} to the first result record written after it, on one partition or (-1) on
   * any; -1 if there is none.
   */
  private static long firstResultAfter(List<ConsumerRecord<String, byte[]>> records, long endedMillis, int partition) {
    return records.stream()
        .filter(r -> partition < 0 || r.partition() == partition)
        .mapToLong(ConsumerRecord::timestamp)
        .filter(t -> t >= endedMillis)
        .min()
        .stream()
        .map(t -> t - endedMillis)
        .findFirst()
        .orElse(-1);
  }

  private static void note(List<String> problems, String problem) {
    if (problems.size() < MAX_EXAMPLES) {
      problems.add(problem);
    }
  }

  private static String show(byte[] b) {
    return b == null ? "null" : "'" + new String(b, StandardCharsets.ISO_8859_1) + "'";
  }

  /** The reports so far as a markdown table with totals, also written to {@code target/nemesis/<name>.md}. */
  String markdown(String name, String setup) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append(setup).append("\n\n").append(Report.header()).append('\n');
    Map<String, long[]> recoveries = new TreeMap<>();
    for (Report r : reports) {
      md.append(r.row()).append('\n');
      recoveries.computeIfAbsent(r.nemesis(), k -> new long[] {Long.MAX_VALUE, 0, 0, 0, 0});
      long[] agg = recoveries.get(r.nemesis());
      agg[0] = Math.min(agg[0], r.recoveryMs());
      agg[1] = Math.max(agg[1], r.recoveryMs());
      agg[2] = r.partitionsRecoveryMs() < 0 || agg[2] < 0 ? -1 : Math.max(agg[2], r.partitionsRecoveryMs());
      agg[4] = Math.max(agg[4], r.maxLatencyMs());
      agg[3]++;
    }
    md.append(String.format(
        Locale.ROOT, "| **total** | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | | | | %d |%n",
        sum(Report::sent), sum(Report::accepted), sum(Report::refused), sum(Report::timedOut), sum(Report::results),
        sum(Report::lost), sum(Report::wrong), sum(Report::failed), sumL(Report::duplicates), sumL(Report::reruns),
        sumL(Report::rerunsAfterResult), sumL(Report::withdrawn), sumL(Report::withdrawnMoved),
        sumL(Report::phaseSeconds)));
    md.append("\nPer nemesis: recovery = from the end of the fault to the first result record after it (on any "
        + "partition; on every partition), max latency = longest send-to-result time of a call in those phases.\n\n"
        + "| nemesis | runs | recovery ms, first result (min–max) | recovery ms, every partition (max) "
        + "| max latency ms |\n|---|---|---|---|---|\n");
    recoveries.forEach((k, v) -> md.append(String.format(
        Locale.ROOT, "| %s | %d | %d–%d | %d | %d |%n", k, v[3], v[0], v[1], v[2], v[4])));
    Path out = Path.of("target", "nemesis", name + ".md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
    return md.toString();
  }

  private int sum(java.util.function.ToIntFunction<Report> f) {
    return reports.stream().mapToInt(f).sum();
  }

  private long sumL(java.util.function.ToLongFunction<Report> f) {
    return reports.stream().mapToLong(f).sum();
  }
}
