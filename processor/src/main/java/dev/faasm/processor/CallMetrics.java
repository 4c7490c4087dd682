package dev.faasm.processor;

import dev.faasm.metrics.PlatformMetrics;
import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A processor's call metrics: invocations and their duration by function and outcome, time from submission to the
 * guest's start (queueing), retries, chained calls, calls in the pending stores.
 */
final class CallMetrics {
  private final PlatformMetrics metrics;
  private final Counter retries;
  private final Counter chained;
  private final Counter withdrawn;
  private final Map<String, Long> pendingByTask = new ConcurrentHashMap<>();

  CallMetrics(PlatformMetrics metrics) {
    this.metrics = metrics;
    this.retries =
        Counter.builder("faasm.call.retries")
            .description("attempts to complete a call that failed for a platform reason (e.g. Redis down)")
            .register(metrics.registry());
    this.chained =
        Counter.builder("faasm.call.chained").description("chained calls dispatched").register(metrics.registry());
    this.withdrawn =
        Counter.builder("faasm.call.withdrawn")
            .description("calls withdrawn at their guest slot (task moved, or finished elsewhere)")
            .register(metrics.registry());
    Gauge.builder("faasm.pending.calls", pendingByTask, m -> m.values().stream().mapToLong(Long::longValue).sum())
        .description("calls accepted and not yet finished, in this processor's pending stores")
        .register(metrics.registry());
  }

  /** A call's result was stored: it ran (or failed before running). */
  void finished(Call call, CallResult result, long durationNanos) {
    String function = metrics.function(call.user(), call.function());
    String outcome = result.succeeded() ? "succeeded" : "failed";
    metrics.counter("faas.invocations", "function", function, "outcome", outcome).increment();
    metrics.timer("faas.invoke_duration", "how long a call's guest ran",
            Tags.of("function", function, "outcome", outcome))
        .record(durationNanos, TimeUnit.NANOSECONDS);
    if (result.startedAtMillis() > 0 && call.submittedAtMillis() > 0) {
      metrics.timer("faasm.call.queueing", "from submission to the guest's start", Tags.of("function", function))
          .record(Math.max(0, result.startedAtMillis() - call.submittedAtMillis()), TimeUnit.MILLISECONDS);
    }
  }

  void retried(int calls) {
    retries.increment(calls);
  }

  void chained(int calls) {
    chained.increment(calls);
  }

  void withdrawn() {
    withdrawn.increment();
  }

  void pending(String task, long entries) {
    pendingByTask.put(task, entries);
  }

  void taskClosed(String task) {
    pendingByTask.remove(task);
  }
}
