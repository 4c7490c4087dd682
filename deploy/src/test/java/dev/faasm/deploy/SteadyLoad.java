package dev.faasm.deploy;

import dev.faasm.embedded.TestPlatform;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.Codec;
import dev.faasm.registry.KafkaSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Async calls of {@code bench/fib} through the edges at a steady rate (or as a burst), and a watcher of the results
 * topic that records, per call, its first result record (time, partition, outcome) and how many records it got.
 */
final class SteadyLoad implements AutoCloseable {
  private static final Pattern CALL_ID = Pattern.compile("\"callId\"\\s*:\\s*\"([^\"]+)\"");

  /** An accepted call. */
  record Sent(long sentAtMillis, String expected) {}

  /** The first result record of a call, and how many it has. */
  record Seen(long atMillis, int partition, boolean succeeded, String output, long startedAt, int records) {}

  private final IntFunction<URI> edges;
  private final String key;
  private final int edgeCount;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final Semaphore inFlightRequests = new Semaphore(256);
  final Map<String, Sent> sent = new ConcurrentHashMap<>();
  final Map<String, Seen> seen = new ConcurrentHashMap<>();
  final AtomicInteger refused = new AtomicInteger();
  /** Ticks the generator skipped because 256 requests were still unanswered (a slow machine, not the platform). */
  final AtomicInteger skipped = new AtomicInteger();
  final AtomicReference<String> firstRefusal = new AtomicReference<>();
  private final AtomicLong next = new AtomicLong();
  private final Thread watcher;
  private volatile boolean closed;

  SteadyLoad(String resultsTopic, IntFunction<URI> edges, int edgeCount, String key) {
    this.edges = edges;
    this.key = key;
    this.edgeCount = edgeCount;
    this.watcher = new Thread(() -> watch(resultsTopic), "results-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Starts {@code perSecond} calls per second of fib(n), n cycling over {@code ns}. */
  void startSteady(int perSecond, int... ns) {
    long periodMicros = 1_000_000L / perSecond;
    ticker.scheduleAtFixedRate(() -> submit(ns), 0, periodMicros, TimeUnit.MICROSECONDS);
  }

  void stopSteady() throws InterruptedException {
    ticker.shutdown();
    ticker.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Submits {@code count} calls as fast as the edges take them; returns their ids once all were accepted. */
  List<String> burst(int count, int n) throws InterruptedException {
    List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < count; i++) {
      inFlightRequests.acquire();
      send(n, id -> ids.add(id), done);
    }
    inFlightRequests.acquire(256);
    inFlightRequests.release(256);
    return ids;
  }

  private void submit(int[] ns) {
    if (!inFlightRequests.tryAcquire()) {
      skipped.incrementAndGet();
      return;
    }
    long i = next.getAndIncrement();
    send(ns[(int) (i % ns.length)], id -> {}, new AtomicInteger());
  }

  private void send(int n, java.util.function.Consumer<String> accepted, AtomicInteger done) {
    long i = next.getAndIncrement();
    URI edge = edges.apply((int) (i % edgeCount));
    long at = System.currentTimeMillis();
    http.sendAsync(
            HttpRequest.newBuilder(edge.resolve("/fa/bench/fib"))
                .header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(Integer.toString(n)))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .whenComplete((r, e) -> {
          try {
            if (e != null || r.statusCode() != 202) {
              refused.incrementAndGet();
              firstRefusal.compareAndSet(null, e != null ? e.toString() : r.statusCode() + " " + r.body());
              return;
            }
            Matcher m = CALL_ID.matcher(r.body());
            if (!m.find()) {
              refused.incrementAndGet();
              firstRefusal.compareAndSet(null, "no callId in " + r.body());
              return;
            }
            sent.put(m.group(1), new Sent(at, Long.toString(fib(n))));
            accepted.accept(m.group(1));
          } finally {
            done.incrementAndGet();
            inFlightRequests.release();
          }
        });
  }

  private void watch(String topic) {
    Map<String, Object> props = KafkaSettings.of(TestPlatform.kafkaBootstrap()).consumerProps("cluster-watch");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      while (partitions.isEmpty() && !closed) {
        consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          CallResult result = Codec.decodeResult(r.value());
          seen.merge(r.key(),
              new Seen(r.timestamp(), r.partition(), result.succeeded(),
                  new String(result.output(), StandardCharsets.UTF_8).trim(), result.startedAtMillis(), 1),
              (first, again) -> new Seen(first.atMillis(), first.partition(), first.succeeded(), first.output(),
                  first.startedAt(), first.records() + 1));
        }
      }
    }
  }

  /** Waits until every accepted call has a result; returns the ids still without one. */
  List<String> awaitAll(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> missing;
    do {
      missing = sent.keySet().stream().filter(id -> !seen.containsKey(id)).toList();
      if (missing.isEmpty()) {
        return missing;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    return missing;
  }

  /** Latency (ms) of the calls accepted in [fromMillis, toMillis), sorted. */
  long[] latencies(long fromMillis, long toMillis) {
    return sent.entrySet().stream()
        .filter(e -> e.getValue().sentAtMillis() >= fromMillis && e.getValue().sentAtMillis() < toMillis)
        .filter(e -> seen.containsKey(e.getKey()))
        .mapToLong(e -> seen.get(e.getKey()).atMillis() - e.getValue().sentAtMillis())
        .sorted()
        .toArray();
  }

  /** Results per second between two times (first result records only). */
  double completionRate(long fromMillis, long toMillis) {
    long n = seen.values().stream().filter(s -> s.atMillis() >= fromMillis && s.atMillis() < toMillis).count();
    return n * 1000.0 / Math.max(1, toMillis - fromMillis);
  }

  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1 < 0 ? 0
        : (int) Math.ceil(p / 100 * sorted.length) - 1)];
  }

  static long max(long[] sorted) {
    return sorted.length == 0 ? -1 : sorted[sorted.length - 1];
  }

  static long fib(int n) {
    long a = 0;
    long b = 1;
    for (int i = 0; i < n; i++) {
      long t = a + b;
      a = b;
      b = t;
    }
    return a;
  }

  @Override
  public void close() throws InterruptedException {
    ticker.shutdownNow();
    closed = true;
    watcher.join(5_000);
  }

  static String show(long[] values) {
    return Arrays.toString(values);
  }
}
