package dev.faasm.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.faasm.cli.Node;
import dev.faasm.edge.EdgeConfig;
import dev.faasm.embedded.EmbeddedKafka;
import dev.faasm.embedded.EmbeddedRedis;
import dev.faasm.processor.ProcessorConfig;
import dev.faasm.protocol.Quota;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStoreConfig;
import dev.faasm.runtime.RuntimeConfig;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fairness between users (docs/performance.md, "Fairness"): the whole platform in this JVM with API keys on (embedded
 * Kafka, redis-server, one processor, the edge), users {@code a} and {@code b} each with a copy of {@code simon/echo}.
 * User B sends synchronous calls at a fixed pace on one connection; its latencies are measured
 *
 * <ol>
 *   <li>alone;
 *   <li>while user A sends synchronous calls at {@code ratio} times B's rate (open loop: paced sends, each on its own
 *       request, at most {@code --max-outstanding} at once), with no quota;
 *   <li>the same, with A held to a calls-per-second quota ({@code --a-quota}; its calls above it get 429).
 * </ol>
 *
 * Every phase runs a warm-up and then a measured duration; everything stays on loopback and stops by itself. Usage:
 * {@code FairnessBench [--b-rate 20] [--ratio 20] [--a-quota 100] [--seconds 20] [--warmup-seconds 5]
 * [--max-outstanding 2000]}.
 */
public final class FairnessBench {
  private static final byte[] BODY = "hello faasm".getBytes(UTF_8);

  private double bRate = 20;
  private double ratio = 20;
  private double aQuota = 100;
  private int seconds = 20;
  private int warmupSeconds = 5;
  private int maxOutstanding = 2000;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private URI base;

  public static void main(String[] args) throws Exception {
    FairnessBench bench = new FairnessBench();
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--b-rate" -> bench.bRate = Double.parseDouble(v);
        case "--ratio" -> bench.ratio = Double.parseDouble(v);
        case "--a-quota" -> bench.aQuota = Double.parseDouble(v);
        case "--seconds" -> bench.seconds = Integer.parseInt(v);
        case "--warmup-seconds" -> bench.warmupSeconds = Integer.parseInt(v);
        case "--max-outstanding" -> bench.maxOutstanding = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    bench.run();
    System.exit(0);
  }

  private void run() throws Exception {
    System.out.printf("# fairness: %s, %d CPUs, load average %s; B %.0f calls/s, A %.0f× = %.0f calls/s, A's quota "
            + "%.0f calls/s; %d s measured after %d s warm-up per phase%n", Machine.cpu(),
        Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).split(" ")[0], bRate,
        ratio, bRate * ratio, aQuota, seconds, warmupSeconds);
    Path work = Files.createTempDirectory("faasm-bench-fairness-");
    RuntimeConfig runtimeConfig = RuntimeConfig.defaults().withCompileCacheDir(work.resolve("compiled"));
    try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"));
        EmbeddedRedis redis = EmbeddedRedis.start(0);
        Node node = new Node(KafkaSettings.of(kafka.bootstrapServers()), Topics.withPrefix("faasm-", 4, (short) 1),
            ResultStoreConfig.of(redis.url()), runtimeConfig, work, "bench", true, OpenTelemetry.noop())) {
      node.seed(Modules.wasmDir());
      node.startProcessor(ProcessorConfig.defaults("processor-bench", work.resolve("streams")));
      node.startEdge(EdgeConfig.defaults().withHost("127.0.0.1").withPort(0).withInstanceId("edge-bench"),
          new Node.Access(true, Quota.NONE));
      base = URI.create("http://127.0.0.1:" + node.edge().port());
      String a = node.users().add("a", false, Quota.NONE).get(30, TimeUnit.SECONDS);
      String b = node.users().add("b", false, Quota.NONE).get(30, TimeUnit.SECONDS);
      byte[] echo = Files.readAllBytes(Modules.wasmDir().resolve("simon/echo/function.wasm"));
      for (String[] u : new String[][] {{"a", a}, {"b", b}}) {
        HttpResponse<byte[]> up = http.send(request("/f/" + u[0] + "/echo/", u[1])
            .PUT(HttpRequest.BodyPublishers.ofByteArray(echo)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (up.statusCode() != 201) {
          throw new IllegalStateException("upload for " + u[0] + ": HTTP " + up.statusCode());
        }
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(phase("B alone", b, null));
      rows.add(phase("B while A sends " + (int) ratio + "× B's rate, no quota", b, a));
      node.users().setQuota("a", new Quota(aQuota, Quota.UNSET, Quota.UNSET)).get(30, TimeUnit.SECONDS);
      rows.add(phase("B while A sends " + (int) ratio + "× B's rate, A's quota " + (int) aQuota + "/s", b, a));
      System.out.println();
      Table.print(
          new String[] {"phase", "B calls", "B p50", "B p90", "B p99", "B max", "B errors", "A sent/s", "A 200/s",
              "A 429/s", "A other", "A skipped"},
          rows);
    }
  }

  private HttpRequest.Builder request(String path, String key) {
    return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + key)
        .timeout(Duration.ofSeconds(60));
  }

  /** Runs B (and A, when {@code aKey} is set) through a warm-up and a measured window; one table row. */
  private String[] phase(String name, String bKey, String aKey) throws Exception {
    System.out.println("== " + name);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    AtomicLong aOk = new AtomicLong();
    AtomicLong aLimited = new AtomicLong();
    AtomicLong aOther = new AtomicLong();
    AtomicLong aSkipped = new AtomicLong();
    AtomicLong aSent = new AtomicLong();
    long total = TimeUnit.SECONDS.toNanos(warmupSeconds + seconds);
    long measuredFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long end = System.nanoTime() + total;
    Future<?> flood = null;
    if (aKey != null) {
      flood = threads.submit(() -> flood(aKey, end, measuredFrom, aSent, aOk, aLimited, aOther, aSkipped));
    }
    Future<long[]> measured = threads.submit(() -> paced(bKey, end, measuredFrom));
    long[] lat = measured.get();
    if (flood != null) {
      flood.get();
    }
    threads.shutdown();
    Thread.sleep(2000); // let A's last calls drain before the next phase
    int n = (int) lat[0];
    long errors = lat[1];
    long[] values = java.util.Arrays.copyOfRange(lat, 2, 2 + n);
    Percentiles p = new Percentiles(values);
    double s = seconds;
    String[] row = {name, Integer.toString(n), Percentiles.ms(p.median()) + " ms", Percentiles.ms(p.at(90)) + " ms",
        Percentiles.ms(p.at(99)) + " ms", Percentiles.ms(p.max()) + " ms", Long.toString(errors),
        aKey == null ? "—" : String.format("%.0f", aSent.get() / s),
        aKey == null ? "—" : String.format("%.0f", aOk.get() / s),
        aKey == null ? "—" : String.format("%.0f", aLimited.get() / s),
        aKey == null ? "—" : Long.toString(aOther.get()), aKey == null ? "—" : Long.toString(aSkipped.get())};
    System.out.println(String.join(" | ", row));
    return row;
  }

  /** B: synchronous calls on a fixed schedule, one at a time; returns {count, errors, latencies...} of the window. */
  private long[] paced(String key, long end, long measuredFrom) throws Exception {
    long period = (long) (1e9 / bRate);
    long[] out = new long[2 + (int) (bRate * (seconds + warmupSeconds)) + 16];
    int n = 0;
    long errors = 0;
    long next = System.nanoTime();
    while (true) {
      long now = System.nanoTime();
      if (next > now) {
        TimeUnit.NANOSECONDS.sleep(next - now);
      }
      long start = System.nanoTime();
      if (start >= end) {
        break;
      }
      HttpResponse<byte[]> r = http.send(request("/f/b/echo", key).POST(HttpRequest.BodyPublishers.ofByteArray(BODY))
          .build(), HttpResponse.BodyHandlers.ofByteArray());
      long took = System.nanoTime() - start;
      if (start >= measuredFrom && n + 2 < out.length) {
        if (r.statusCode() == 200 && java.util.Arrays.equals(BODY, r.body())) {
          out[2 + n++] = took;
        } else {
          errors++;
        }
      }
      next += period;
    }
    out[0] = n;
    out[1] = errors;
    return out;
  }

  /** A: paced sends without waiting for answers, at most {@link #maxOutstanding} at once (else skipped). */
  private Void flood(
      String key, long end, long measuredFrom, AtomicLong sent, AtomicLong ok, AtomicLong limited, AtomicLong other,
      AtomicLong skipped) throws InterruptedException {
    long period = (long) (1e9 / (bRate * ratio));
    Semaphore outstanding = new Semaphore(maxOutstanding);
    long next = System.nanoTime();
    while (true) {
      long now = System.nanoTime();
      if (next > now) {
        TimeUnit.NANOSECONDS.sleep(next - now);
      }
      long at = System.nanoTime();
      if (at >= end) {
        break;
      }
      boolean counted = at >= measuredFrom;
      next += period;
      if (!outstanding.tryAcquire()) {
        if (counted) {
          skipped.incrementAndGet();
        }
        continue;
      }
      if (counted) {
        sent.incrementAndGet();
      }
      http.sendAsync(request("/f/a/echo", key).POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build(),
              HttpResponse.BodyHandlers.discarding())
          .whenComplete((r, e) -> {
            outstanding.release();
            if (!counted) {
              return;
            }
            if (e == null && r.statusCode() == 200) {
              ok.incrementAndGet();
            } else if (e == null && r.statusCode() == 429) {
              limited.incrementAndGet();
            } else {
              other.incrementAndGet();
            }
          });
    }
    outstanding.acquire(maxOutstanding); // every answer is in
    outstanding.release(maxOutstanding);
    return null;
  }
}
