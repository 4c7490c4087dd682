package dev.faasm.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * One process's metrics: a Prometheus registry with the JVM's own metrics bound, the platform's histogram buckets
 * and a cap on per-function labels ({@link FunctionLabels}). Edge and processor record into the same instance when
 * they share a process ({@code faasm dev}). Meter names follow OpenTelemetry's FaaS conventions where one exists
 * ({@code faas.invocations}, {@code faas.invoke_duration}, {@code faas.coldstarts}, {@code faas.timeouts},
 * {@code faas.errors}, {@code faas.mem_usage}); the rest are {@code faasm.*}.
 */
public final class PlatformMetrics implements AutoCloseable {
  /** Histogram buckets from half a millisecond to the 60 s call limit. */
  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1).dividedBy(2), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
    Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
    Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500),
    Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)
  };

  /** Memory buckets: 64 KiB (one page) to 4 GiB. */
  static final double[] MEMORY_BUCKETS = {
    65_536, 1 << 20, 4 << 20, 16 << 20, 64 << 20, 128 << 20, 256 << 20, 512 << 20, 1L << 30, 4L << 30
  };

  private final PrometheusMeterRegistry registry;
  private final FunctionLabels functions;
  private final JvmGcMetrics gc;
  private final java.util.Map<String, io.micrometer.core.instrument.Meter> meters =
      new java.util.concurrent.ConcurrentHashMap<>();

  public PlatformMetrics(String instance, int maxFunctionLabels) {
    Objects.requireNonNull(instance, "instance");
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags(Tags.of("instance", instance));
    this.functions = new FunctionLabels(maxFunctionLabels);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** Metrics of a process that labels at most 200 functions by name. */
  public static PlatformMetrics create(String instance) {
    return new PlatformMetrics(instance, FunctionLabels.DEFAULT_MAX);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The label for a function: {@code user/function}, or {@value FunctionLabels#OTHER} past the cap. */
  public String function(String user, String function) {
    return functions.label(user, function);
  }

  /** A counter, found in a cache of this registry's meters (no builder, no registry look-up, on the call path). */
  public Counter counter(String name, String... tags) {
    return (Counter) meters.computeIfAbsent(key(name, tags), k -> registry.counter(name, tags));
  }

  /** A latency timer with the platform's buckets (cached like {@link #counter}). */
  public Timer timer(String name, String description, Tags tags) {
    return (Timer) meters.computeIfAbsent(key(name, tags), k -> newTimer(name, description, tags));
  }

  private Timer newTimer(String name, String description, Tags tags) {
    return Timer.builder(name)
        .description(description)
        .tags(tags)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .minimumExpectedValue(LATENCY_BUCKETS[0])
        .maximumExpectedValue(LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1])
        .register(registry);
  }

  /** Bytes of guest memory, with page-to-gigabytes buckets (cached like {@link #counter}). */
  public DistributionSummary memory(String name, String description, Tags tags) {
    return (DistributionSummary) meters.computeIfAbsent(key(name, tags), k -> newMemory(name, description, tags));
  }

  private static String key(String name, String... tags) {
    return name + "|" + String.join("|", tags);
  }

  private static String key(String name, Tags tags) {
    StringBuilder b = new StringBuilder(name);
    tags.forEach(t -> b.append('|').append(t.getKey()).append('|').append(t.getValue()));
    return b.toString();
  }

  private DistributionSummary newMemory(String name, String description, Tags tags) {
    return DistributionSummary.builder(name)
        .description(description)
        .baseUnit("bytes")
        .tags(tags)
        .serviceLevelObjectives(MEMORY_BUCKETS)
        .register(registry);
  }

  /** The Prometheus text exposition of everything registered. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
