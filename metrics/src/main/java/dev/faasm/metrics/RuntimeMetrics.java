package dev.faasm.metrics;

import dev.faasm.runtime.CallOutcome;
import dev.faasm.runtime.FailureKind;
import dev.faasm.runtime.FunctionRuntime;
import dev.faasm.runtime.Invocation;
import dev.faasm.runtime.RuntimeEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The function runtime's metrics: instances created, guest memory per call (its high-water mark), failures by kind
 * (timeouts, traps, limits), module compilations (cold starts) and their time, guests running and waiting for a slot.
 */
public final class RuntimeMetrics implements RuntimeEvents {
  private final PlatformMetrics metrics;
  private final Counter instances;
  private final Timer compile;
  private final Timer diskLoad;

  public RuntimeMetrics(PlatformMetrics metrics) {
    this.metrics = metrics;
    this.instances =
        Counter.builder("faasm.instances.created")
            .description("wasm instances created (one per call)")
            .register(metrics.registry());
    this.compile = metrics.timer("faasm.module.compile", "compiling a module version from scratch", Tags.empty());
    this.diskLoad =
        metrics.timer("faasm.module.load", "loading a module version from classes compiled before (the disk cache, or shipped with its upload)", Tags.empty());
  }

  /** Gauges and counters read from the runtime itself. */
  public RuntimeMetrics bind(FunctionRuntime runtime) {
    Gauge.builder("faasm.guests.running", runtime, FunctionRuntime::runningGuests)
        .description("guests holding a guest slot")
        .register(metrics.registry());
    Gauge.builder("faasm.guests.awaiting", runtime, FunctionRuntime::awaitingGuests)
        .description("guests blocked in an await for a chained call (they hold no slot meanwhile)")
        .register(metrics.registry());
    Gauge.builder("faasm.guests.waiting", runtime, FunctionRuntime::queuedGuests)
        .description("calls waiting for a guest slot")
        .register(metrics.registry());
    FunctionCounter.builder("faas.coldstarts", runtime, FunctionRuntime::compilations)
        .description("module versions compiled from scratch (not in the memory or disk compile cache)")
        .register(metrics.registry());
    return this;
  }

  @Override
  public void moduleLoaded(String digest, boolean compiled, long nanos) {
    (compiled ? compile : diskLoad).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void callEnded(Invocation invocation, CallOutcome outcome, long memoryBytes) {
    instances.increment();
    String function = metrics.function(invocation.user(), invocation.function());
    metrics.memory("faas.mem_usage", "guest memory at the end of a call (its high-water mark)",
            Tags.of("function", function))
        .record(memoryBytes);
    FailureKind kind = outcome.failure();
    if (kind == FailureKind.TIMEOUT) {
      metrics.counter("faas.timeouts", "function", function).increment();
    }
    if (kind != FailureKind.NONE) {
      metrics.counter("faas.errors", "function", function, "kind", kind.name()).increment();
    }
  }
}
