package dev.faasm.runtime;

/**
 * Benchmark-only: runs a call on the CALLING thread, exactly as {@link FunctionRuntime} runs it on a guest thread
 * (module cache lookup, watchdog, fresh instance, entry, output), minus the hand-off to the guest thread pool and the
 * slot accounting. {@code FunctionRuntime} has no public synchronous entry, so this lives in the runtime's package
 * (same class loader on the class path) to measure "new instance + call" without the thread hand-off. Not for chaining
 * functions that await (there is no guest slot to give back).
 */
public final class BenchDirectRunner implements AutoCloseable {
  private final RuntimeConfig config;
  private final ModuleCache modules;
  private final Watchdog watchdog = new Watchdog();

  public BenchDirectRunner(RuntimeConfig config) {
    this.config = config;
    this.modules =
        new ModuleCache(
            FunctionRuntime.MODULE_CACHE_ENTRIES,
            new ModuleValidator(config.memoryLimitPages()),
            config.compileCacheDir().map(DiskCompileCache::new));
  }

  /** Mirrors {@code FunctionRuntime.loadAndRun}; {@code durationNanos} is filled in here. */
  public CallOutcome run(Invocation invocation, CallHost host) {
    return run(invocation, host, true);
  }

  /**
   * As {@link #run(Invocation, CallHost)}; with {@code snapshots} false a Proto-Faaslet runs its {@code _faasm_zygote}
   * in every call instead of starting from its snapshot (what a call costs without Proto-Faaslets).
   */
  public CallOutcome run(Invocation invocation, CallHost host, boolean snapshots) {
    long start = System.nanoTime();
    LoadedModule module = modules.load(invocation.wasm(), invocation.digest());
    Watchdog.Guard guard = watchdog.arm(config.timeout());
    CallOutcome o;
    try {
      GuestCall call = new GuestCall(module, new CallContext(invocation, System.currentTimeMillis(), config, host, null,
          guard));
      o = (snapshots ? call : call.withoutSnapshots()).run();
    } finally {
      guard.disarm();
    }
    return new CallOutcome(o.failure(), o.returnCode(), o.output(), o.logs(), o.error(), o.deferredChains(),
        System.currentTimeMillis(), System.nanoTime() - start);
  }

  @Override
  public void close() {
    watchdog.cancelAll();
    watchdog.close();
  }
}
