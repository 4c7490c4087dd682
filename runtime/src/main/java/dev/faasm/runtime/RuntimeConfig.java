package dev.faasm.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Limits and settings of a {@link FunctionRuntime}. Immutable; start from {@link #defaults()} and copy with the
 * {@code withXxx} methods.
 *
 * @param timeout wall-clock limit of one call, counted from the moment its guest starts running
 * @param memoryLimitBytes cap on a guest's linear memory (rounded down to whole 64 KiB pages)
 * @param outputLimitBytes cap on a call's output; more fails the call with {@link FailureKind#OUTPUT_LIMIT}
 * @param logLimitBytes cap on a call's captured stdout+stderr; more is dropped and a truncation marker appended
 * @param maxChainedCalls chained calls (awaitable and deferred) one invocation may make
 * @param maxConcurrentGuests guests running at once; guests blocked awaiting another call do not count
 * @param guestStackBytes stack size of the threads guests run on
 * @param compileCacheDir where compiled modules are persisted across restarts; empty = memory only
 */
public record RuntimeConfig(
    Duration timeout,
    long memoryLimitBytes,
    int outputLimitBytes,
    int logLimitBytes,
    int maxChainedCalls,
    int maxConcurrentGuests,
    long guestStackBytes,
    Optional<Path> compileCacheDir) {

  /** One WebAssembly page. */
  public static final int PAGE_BYTES = 65536;

  /** 32-bit linear memories hold at most 65536 pages (4 GiB). */
  public static final long MAX_MEMORY_BYTES = 65536L * PAGE_BYTES;

  public RuntimeConfig {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(compileCacheDir, "compileCacheDir");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (memoryLimitBytes < PAGE_BYTES || memoryLimitBytes > MAX_MEMORY_BYTES) {
      throw new IllegalArgumentException(
          "memoryLimitBytes must be between 64 KiB and 4 GiB: " + memoryLimitBytes);
    }
    requirePositive("outputLimitBytes", outputLimitBytes);
    requirePositive("logLimitBytes", logLimitBytes);
    if (maxChainedCalls < 0) {
      throw new IllegalArgumentException("maxChainedCalls must not be negative: " + maxChainedCalls);
    }
    requirePositive("maxConcurrentGuests", maxConcurrentGuests);
    requirePositive("guestStackBytes", guestStackBytes);
  }

  /** 60 s, 256 MiB memory, 16 MiB output, 1 MiB logs, 64 chained calls, one guest per processor, 8 MiB stacks. */
  public static RuntimeConfig defaults() {
    return new RuntimeConfig(
        Duration.ofSeconds(60),
        256L * 1024 * 1024,
        16 * 1024 * 1024,
        1024 * 1024,
        64,
        Runtime.getRuntime().availableProcessors(),
        8L * 1024 * 1024,
        Optional.empty());
  }

  /** The memory limit in whole pages. */
  public int memoryLimitPages() {
    return (int) (memoryLimitBytes / PAGE_BYTES);
  }

  public RuntimeConfig withTimeout(Duration value) {
    return new RuntimeConfig(value, memoryLimitBytes, outputLimitBytes, logLimitBytes, maxChainedCalls,
        maxConcurrentGuests, guestStackBytes, compileCacheDir);
  }

  public RuntimeConfig withMemoryLimitBytes(long value) {
    return new RuntimeConfig(timeout, value, outputLimitBytes, logLimitBytes, maxChainedCalls,
        maxConcurrentGuests, guestStackBytes, compileCacheDir);
  }

  public RuntimeConfig withOutputLimitBytes(int value) {
    return new RuntimeConfig(timeout, memoryLimitBytes, value, logLimitBytes, maxChainedCalls,
        maxConcurrentGuests, guestStackBytes, compileCacheDir);
  }

  public RuntimeConfig withLogLimitBytes(int value) {
    return new RuntimeConfig(timeout, memoryLimitBytes, outputLimitBytes, value, maxChainedCalls,
        maxConcurrentGuests, guestStackBytes, compileCacheDir);
  }

  public RuntimeConfig withMaxChainedCalls(int value) {
    return new RuntimeConfig(timeout, memoryLimitBytes, outputLimitBytes, logLimitBytes, value,
        maxConcurrentGuests, guestStackBytes, compileCacheDir);
  }

  public RuntimeConfig withMaxConcurrentGuests(int value) {
    return new RuntimeConfig(timeout, memoryLimitBytes, outputLimitBytes, logLimitBytes, maxChainedCalls,
        value, guestStackBytes, compileCacheDir);
  }

  public RuntimeConfig withGuestStackBytes(long value) {
    return new RuntimeConfig(timeout, memoryLimitBytes, outputLimitBytes, logLimitBytes, maxChainedCalls,
        maxConcurrentGuests, value, compileCacheDir);
  }

  /** Persists compiled modules under {@code dir} (created if missing). */
  public RuntimeConfig withCompileCacheDir(Path dir) {
    return new RuntimeConfig(timeout, memoryLimitBytes, outputLimitBytes, logLimitBytes, maxChainedCalls,
        maxConcurrentGuests, guestStackBytes, Optional.of(dir));
  }

  /** Keeps compiled modules in memory only. */
  public RuntimeConfig withoutCompileCacheDir() {
    return new RuntimeConfig(timeout, memoryLimitBytes, outputLimitBytes, logLimitBytes, maxChainedCalls,
        maxConcurrentGuests, guestStackBytes, Optional.empty());
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
