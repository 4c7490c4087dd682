package dev.faasm.bench;

import java.util.Arrays;

/** Percentiles of recorded latencies (nanoseconds), from a sorted copy: exact, no histogram buckets. */
final class Percentiles {
  private final long[] sorted;

  Percentiles(long[] values, int count) {
    if (count <= 0) {
      throw new IllegalArgumentException("no samples");
    }
    this.sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
  }

  Percentiles(long[] values) {
    this(values, values.length);
  }

  int count() {
    return sorted.length;
  }

  /** The nearest-rank percentile, {@code p} in [0, 100]. */
  long at(double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }

  long median() {
    return at(50);
  }

  long min() {
    return sorted[0];
  }

  long max() {
    return sorted[sorted.length - 1];
  }

  double mean() {
    double sum = 0;
    for (long v : sorted) {
      sum += v;
    }
    return sum / sorted.length;
  }

  static String us(long nanos) {
    return String.format("%.1f", nanos / 1000.0);
  }

  static String ms(long nanos) {
    return String.format("%.2f", nanos / 1e6);
  }

  /** "p50 / p90 / p99 / p99.9 / max" in µs. */
  String summaryUs() {
    return String.format(
        "p50 %s / p90 %s / p99 %s / p99.9 %s / max %s µs (n=%d)",
        us(at(50)), us(at(90)), us(at(99)), us(at(99.9)), us(max()), count());
  }
}
