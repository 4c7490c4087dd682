package dev.faasm.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.faasm.cli.Node;
import dev.faasm.edge.EdgeConfig;
import dev.faasm.embedded.EmbeddedKafka;
import dev.faasm.embedded.EmbeddedRedis;
import dev.faasm.processor.ProcessorConfig;
import dev.faasm.processor.StateConfig;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStoreConfig;
import dev.faasm.runtime.RuntimeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The first call of a function right after its upload was accepted (docs/performance.md, A6). The edge and the
 * processor have runtimes of their own, as on a cluster: the edge compiles the module while validating the upload, the
 * processor has never seen it. For each of N new modules (a committed function with a custom section naming it: the
 * same program under a new digest) it uploads the module, and as soon as the upload is answered 201 makes a sync call,
 * then a second one; it reports the upload, the first call and the second call, end to end over HTTP on loopback.
 *
 * <p>{@code --classes true} (the default): the processor loads the module from the classes the edge compiled (carried
 * in the module's record); {@code false}: it compiles the module itself when the upload arrives. Usage:
 * {@code FirstCallBench [--classes true|false] [--modules N] [--warmup N]}.
 */
public final class FirstCallBench {
  private static final String HOST = "127.0.0.1";
  /** Calls of the first module before anything is measured, so that the platform's path is JIT-compiled. */
  private static final int WARM_CALLS = 3_000;

  public static void main(String[] args) throws Exception {
    boolean classes = true;
    int modules = 15;
    int warmup = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--classes" -> classes = Boolean.parseBoolean(args[++i]);
        case "--modules" -> modules = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    run(classes, modules, warmup);
    System.exit(0);
  }

  private static void run(boolean classes, int modules, int warmup) throws Exception {
    System.out.printf("# first call after upload: %s, %d CPUs, Java %s; processor %s%n", Machine.cpu(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        classes ? "loads the edge's classes" : "compiles the module itself");
    Path work = Files.createTempDirectory("faasm-bench-first-call-");
    Topics topics = Topics.withPrefix("faasm-", 4, (short) 1);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"));
        EmbeddedRedis redis = EmbeddedRedis.start(0);
        Node edge = new Node(KafkaSettings.of(kafka.bootstrapServers()), topics, ResultStoreConfig.of(redis.url()),
            RuntimeConfig.defaults(), work.resolve("edge"), "edge-bench", false);
        Node processor = new Node(KafkaSettings.of(kafka.bootstrapServers()), topics,
            ResultStoreConfig.of(redis.url()), RuntimeConfig.defaults(), work.resolve("processor"),
            "processor-bench", true)) {
      processor.startProcessor(ProcessorConfig.defaults("processor-bench", work.resolve("streams")),
          StateConfig.defaults(), classes);
      edge.startEdge(EdgeConfig.defaults().withHost(HOST).withPort(0).withInstanceId("edge-bench"));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10)).build();
      String base = "http://" + HOST + ":" + edge.edge().port();
      List<String[]> rows = new ArrayList<>();
      for (String[] fn : new String[][] {{"simon", "echo", "hello faasm"}, {"bench", "sha256", "0"}}) {
        byte[] wasm = Modules.read(fn[0], fn[1]);
        long[][] samples = new long[4][modules];
        long[][] toGuest = new long[2][modules]; // submittedAt → startedAt of the first and second call, ms
        URI warm = URI.create(base + "/f/" + fn[0] + "/" + fn[1] + "-0/"); // the first warm-up module
        for (int i = -warmup; i < modules; i++) {
          String name = fn[1] + "-" + (i + warmup);
          URI uri = URI.create(base + "/f/" + fn[0] + "/" + name + "/");
          long t0 = System.nanoTime();
          expect(http.send(HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofByteArray(
              Modules.variant(wasm, i + warmup))).build(), HttpResponse.BodyHandlers.ofString()), 201);
          long t1 = System.nanoTime();
          HttpResponse<String> first = http.send(HttpRequest.newBuilder(uri)
              .POST(HttpRequest.BodyPublishers.ofString(fn[2])).build(), HttpResponse.BodyHandlers.ofString());
          expect(first, 200);
          long t2 = System.nanoTime();
          HttpResponse<String> second = http.send(HttpRequest.newBuilder(uri)
              .POST(HttpRequest.BodyPublishers.ofString(fn[2])).build(), HttpResponse.BodyHandlers.ofString());
          expect(second, 200);
          long t3 = System.nanoTime();
          if (i == -warmup) {
            // Warm the platform's own path (JIT) on this first module before anything is measured.
            for (int k = 0; k < WARM_CALLS; k++) {
              expect(http.send(HttpRequest.newBuilder(warm).POST(HttpRequest.BodyPublishers.ofString(fn[2])).build(),
                  HttpResponse.BodyHandlers.ofString()), 200);
            }
          }
          expect(http.send(HttpRequest.newBuilder(warm).POST(HttpRequest.BodyPublishers.ofString(fn[2])).build(),
              HttpResponse.BodyHandlers.ofString()), 200);
          long t4 = System.nanoTime();
          if (i >= 0) {
            samples[0][i] = t1 - t0;
            samples[1][i] = t2 - t1;
            samples[2][i] = t3 - t2;
            samples[3][i] = t4 - t3;
            toGuest[0][i] = toGuestMillis(http, base, first);
            toGuest[1][i] = toGuestMillis(http, base, second);
          }
        }
        String[] row = new String[] {fn[0] + "/" + fn[1] + " (" + wasm.length + " B)", span(samples[0]),
            span(samples[1]), span(samples[2]), span(samples[3])};
        rows.add(row);
        System.out.printf("  %s/%s: submitted → guest started (the calls' own ms timestamps): first call median %d ms"
            + " (max %d), second %d ms (max %d)%n", fn[0], fn[1], median(toGuest[0]), max(toGuest[0]),
            median(toGuest[1]), max(toGuest[1]));
        System.out.println("  " + String.join(" | ", row));
      }
      System.out.printf("processor: %d modules loaded from the edge's classes, %d compiled%n",
          processor.runtime().preloadedFromClasses(), processor.runtime().compilations());
      for (String timer : List.of("faasm.module.load", "faasm.module.compile")) {
        io.micrometer.core.instrument.Timer t = processor.metrics().registry().find(timer).timer();
        if (t != null && t.count() > 0) {
          System.out.printf("processor %s: %d, mean %.2f ms, max %.2f ms%n", timer, t.count(),
              t.mean(java.util.concurrent.TimeUnit.MILLISECONDS), t.max(java.util.concurrent.TimeUnit.MILLISECONDS));
        }
      }
      System.out.println();
      System.out.println("## A6. First call after upload (" + modules + " new modules each after " + warmup
          + " warm-up; processor " + (classes ? "loads the edge's classes" : "compiles") + ")");
      System.out.println();
      Table.print(new String[] {"function", "upload (201)", "first call", "second call",
          "then a call of the function's first module"}, rows);
    } finally {
      LoadBench.deleteTree(work);
    }
  }

  private static long toGuestMillis(HttpClient http, String base, HttpResponse<String> call) throws Exception {
    String id = call.headers().firstValue("X-Faasm-Call-Id").orElseThrow();
    Map<String, Object> status = JSON.std.mapFrom(http.send(
        HttpRequest.newBuilder(URI.create(base + "/calls/" + id)).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body());
    return Duration.between(Instant.parse((String) status.get("submittedAt")),
        Instant.parse((String) status.get("startedAt"))).toMillis();
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static long max(long[] values) {
    return Arrays.stream(values).max().orElse(0);
  }

  private static void expect(HttpResponse<String> response, int status) {
    if (response.statusCode() != status) {
      throw new IllegalStateException("expected " + status + ", got " + response.statusCode() + ": "
          + response.body());
    }
  }

  /** "median (min–max)" in ms. */
  private static String span(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return String.format("%s ms (%s–%s)", Percentiles.ms(sorted[sorted.length / 2]), Percentiles.ms(sorted[0]),
        Percentiles.ms(sorted[sorted.length - 1]));
  }

  private FirstCallBench() {}
}
