package dev.faasm.resultstore;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Whether Redis answered the last operation, and a log of one line per outage instead of one per failed operation.
 *
 * <p>The first failure of an outage logs one warning naming the URL, the action and the error; further failures log at
 * DEBUG and are counted; the first success afterwards logs one INFO line with the outage's length and that count.
 * Thread-safe; the success path is one volatile read while Redis is up.
 */
final class RedisOutages {
  private final String url;
  private final Logger log;
  private final LongSupplier nanoTime;
  private final AtomicReference<Outage> current = new AtomicReference<>();
  private final AtomicLong outages = new AtomicLong();

  /** An outage in progress: when it began and how many operations have failed since. */
  private static final class Outage {
    final long beganNanos;
    final AtomicLong failures = new AtomicLong(1);

    Outage(long beganNanos) {
      this.beganNanos = beganNanos;
    }
  }

  /**
   * @param url the redacted URL to name in log lines
   * @param log where the lines go (the owning class's logger)
   * @param nanoTime a monotonic clock, {@code System::nanoTime} outside tests
   */
  RedisOutages(String url, Logger log, LongSupplier nanoTime) {
    this.url = Objects.requireNonNull(url, "url");
    this.log = Objects.requireNonNull(log, "log");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** Records an operation that could not reach Redis. */
  void failed(String action, Exception error) {
    while (true) {
      Outage outage = current.get();
      if (outage != null) {
        long failures = outage.failures.incrementAndGet();
        log.debug("Redis at {} still unreachable while {} ({} failures so far)", url, action, failures, error);
        return;
      }
      if (current.compareAndSet(null, new Outage(nanoTime.getAsLong()))) {
        outages.incrementAndGet();
        log.warn(
            "Redis unreachable at {} while {}: {}; further failures are logged at DEBUG until it is back",
            url, action, error.getMessage());
        return;
      }
    }
  }

  /** Records an operation that Redis answered; ends the outage, if any. */
  void succeeded() {
    if (current.get() == null) {
      return;
    }
    Outage ended = current.getAndSet(null);
    if (ended != null) {
      double seconds = (nanoTime.getAsLong() - ended.beganNanos) / 1e9;
      log.info(
          "Redis at {} is back after {} s; {} operations failed meanwhile",
          url, String.format(Locale.ROOT, "%.1f", seconds), ended.failures.get());
    }
  }

  /** False from the first failed operation of an outage until the next operation that succeeds. */
  boolean available() {
    return current.get() == null;
  }

  /** How many outages have begun so far (one that is still going on included). */
  long outages() {
    return outages.get();
  }
}
