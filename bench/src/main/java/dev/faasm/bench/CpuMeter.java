package dev.faasm.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where the CPU went during a load run: machine-wide busy time (/proc/stat), this JVM's share, and this JVM's threads
 * grouped by name (digits replaced by #), so "CPU per call" can be split into broker, Streams, edge, guests...
 */
final class CpuMeter {
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

  private final long machineBusyTicks;
  private final long processNanos;
  private final Map<Long, String> names = new HashMap<>();
  private final Map<Long, Long> threadNanos = new HashMap<>();

  private CpuMeter() throws IOException {
    machineBusyTicks = machineBusyTicks();
    processNanos = processCpuNanos();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null) {
        names.put(info.getThreadId(), info.getThreadName());
        threadNanos.put(info.getThreadId(), threads.getThreadCpuTime(info.getThreadId()));
      }
    }
  }

  static CpuMeter start() throws IOException {
    return new CpuMeter();
  }

  /** The CPU used since {@link #start()}, per call, as text. */
  String perCall(long calls) throws IOException {
    long machine = (long) ((machineBusyTicks() - machineBusyTicks) / TICKS_PER_SECOND * 1e9);
    long process = processCpuNanos() - processNanos;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> byGroup = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long now = threads.getThreadCpuTime(info.getThreadId());
      if (now < 0) {
        continue;
      }
      long before = threadNanos.getOrDefault(info.getThreadId(), 0L);
      byGroup.merge(group(info.getThreadName()), now - before, Long::sum);
    }
    long javaThreads = byGroup.values().stream().mapToLong(Long::longValue).sum();
    byGroup.put("(GC, JIT and other VM threads)", process - javaThreads);
    String top = byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(10)
        .map(e -> String.format("%s %.0f", e.getKey(), e.getValue() / 1000.0 / calls))
        .collect(Collectors.joining("; "));
    return String.format("CPU per call: machine %.0f µs = this JVM %.0f µs + other processes (load generator,"
            + " redis-server, a broker run apart) %.0f µs%n    this JVM's threads, µs per call: %s",
        machine / 1000.0 / calls, process / 1000.0 / calls, (machine - process) / 1000.0 / calls, top);
  }

  /**
   * The CPU used since {@link #start()} as cores busy over {@code seconds} of wall time (1.0 = one core all the time):
   * the machine, this JVM, and this JVM's busiest thread groups.
   */
  String coresBusy(double seconds) throws IOException {
    double machine = (machineBusyTicks() - machineBusyTicks) / TICKS_PER_SECOND;
    double process = (processCpuNanos() - processNanos) / 1e9;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> byGroup = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long now = threads.getThreadCpuTime(info.getThreadId());
      if (now >= 0) {
        byGroup.merge(group(info.getThreadName()), now - threadNanos.getOrDefault(info.getThreadId(), 0L), Long::sum);
      }
    }
    long javaThreads = byGroup.values().stream().mapToLong(Long::longValue).sum();
    byGroup.put("(GC, JIT and other VM threads)", (long) (process * 1e9) - javaThreads);
    String top = byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(8)
        .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / 1e9 / seconds))
        .collect(Collectors.joining("; "));
    return String.format("cores busy: machine %.2f, this JVM %.2f; threads: %s", machine / seconds,
        process / seconds, top);
  }

  private static String group(String name) {
    return name.replaceAll("\\d+", "#");
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** user + nice + system + irq + softirq + steal ticks of all CPUs. */
  private static long machineBusyTicks() throws IOException {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long busy = 0;
    for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
      busy += Long.parseLong(f[i]);
    }
    return busy;
  }
}
