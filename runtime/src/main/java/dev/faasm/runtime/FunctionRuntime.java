package dev.faasm.runtime;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates, compiles (Chicory's runtime compiler, cached per module digest) and runs WebAssembly functions. Each
 * call gets a fresh instance on a guest thread, within the limits of its {@link RuntimeConfig}; whatever the guest
 * does, the call ends as a {@link CallOutcome}.
 */
public final class FunctionRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FunctionRuntime.class);

  /** Compiled modules kept in memory. */
  static final int MODULE_CACHE_ENTRIES = 64;

  private static final long CLOSE_WAIT_SECONDS = 10;

  private final RuntimeConfig config;
  private final Clock clock;
  private final ModuleCache modules;
  private final GuestScheduler scheduler;
  private final Watchdog watchdog = new Watchdog();
  private final RuntimeEvents events;
  private final java.util.concurrent.atomic.AtomicLong guestsStarted = new java.util.concurrent.atomic.AtomicLong();
  /** One thread that loads uploaded modules ahead of their first call (idle: none). */
  private final ThreadPoolExecutor preloads = preloadThread();
  private volatile boolean closed;

  public FunctionRuntime(RuntimeConfig config) {
    this(config, Clock.systemUTC());
  }

  /** @param clock gives {@link CallOutcome#startedAtMillis()} */
  public FunctionRuntime(RuntimeConfig config, Clock clock) {
    this(config, clock, RuntimeEvents.NONE);
  }

  /** @param events hears of module loads and ended calls (metrics) */
  public FunctionRuntime(RuntimeConfig config, Clock clock, RuntimeEvents events) {
    this.events = Objects.requireNonNull(events, "events");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.modules =
        new ModuleCache(
            MODULE_CACHE_ENTRIES,
            new ModuleValidator(config.memoryLimitPages()),
            config.compileCacheDir().map(DiskCompileCache::new));
    this.modules.events(events);
    this.scheduler = new GuestScheduler(config.maxConcurrentGuests(), config.guestStackBytes());
    log.info("function runtime started: {} guests at once, timeout {}, memory limit {} bytes, compile cache {}",
        config.maxConcurrentGuests(), config.timeout(), config.memoryLimitBytes(),
        config.compileCacheDir().map(Object::toString).orElse("in memory"));
  }

  public RuntimeConfig config() {
    return config;
  }

  /**
   * Checks that the module can run here, and compiles and caches it.
   *
   * @throws InvalidModuleException naming the problem
   */
  public ModuleInfo validate(byte[] wasm) {
    Objects.requireNonNull(wasm, "wasm");
    return modules.load(wasm, null).info();
  }

  /**
   * The generated classes of a module this runtime validated or loaded recently (it keeps the last few), for
   * {@link #preload} elsewhere; empty if it has not.
   */
  public Optional<CompiledClasses> compiledClasses(String digest) {
    return modules.compiledClasses(Objects.requireNonNull(digest, "digest"));
  }

  /**
   * Loads a module ahead of its first call, off the caller's thread (a module that has just been uploaded): from the
   * given classes when this runtime's Chicory made them, else by compiling it. A call that arrives meanwhile waits for
   * this load instead of starting another. Failures are only logged: the module's calls report them.
   *
   * @return completes when the module is loaded, or its load failed
   */
  public CompletableFuture<Void> preload(byte[] wasm, String digest, Optional<CompiledClasses> classes) {
    Objects.requireNonNull(wasm, "wasm");
    Objects.requireNonNull(digest, "digest");
    if (closed || modules.contains(digest)) {
      return CompletableFuture.completedFuture(null);
    }
    classes.filter(CompiledClasses::loadableHere).ifPresent(modules::offer);
    try {
      return CompletableFuture.runAsync(() -> {
        try {
          modules.load(wasm, digest);
        } catch (RuntimeException e) {
          log.debug("preloading module {} failed; its calls will say why", digest, e);
        }
      }, preloads);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return CompletableFuture.completedFuture(null); // closed meanwhile
    }
  }

  /** Modules loaded from classes given to {@link #preload} instead of being compiled here. */
  public long preloadedFromClasses() {
    return modules.offeredHits();
  }

  /**
   * Runs a call when a guest slot is free. The future always completes normally, with the outcome; failures of the
   * guest (and of the module) are outcomes.
   */
  public CompletableFuture<CallOutcome> execute(Invocation invocation, CallHost host) {
    Objects.requireNonNull(invocation, "invocation");
    Objects.requireNonNull(host, "host");
    CompletableFuture<CallOutcome> result = new CompletableFuture<>();
    if (closed) {
      result.complete(notRun("the runtime is closed"));
      return result;
    }
    scheduler.submit(
        new GuestScheduler.GuestTask() {
          @Override
          public void run(GuestScheduler.Slot slot) {
            if (!stillWanted(host)) {
              CallOutcome withdrawn = failure(FailureKind.WITHDRAWN, "withdrawn by the platform before it started");
              result.complete(new CallOutcome(withdrawn.failure(), 0, withdrawn.output(), withdrawn.logs(),
                  withdrawn.error(), List.of(), clock.millis(), 0));
              return;
            }
            try {
              result.complete(runGuest(invocation, host, slot));
            } catch (VirtualMachineError e) {
              // The JVM's failure, not the guest's: the call fails for a platform reason (and is tried again).
              result.completeExceptionally(e);
              throw e;
            }
          }

          @Override
          public void rejected(String reason) {
            result.complete(notRun(reason));
          }
        });
    return result;
  }

  /** Calls submitted but not yet started, waiting for a guest slot (for back-pressure). */
  public int queuedGuests() {
    return scheduler.queued();
  }

  /** Guests waiting in an await for a chained call (they hold no slot meanwhile). */
  public int awaitingGuests() {
    return scheduler.blocked();
  }

  /** Guests holding a guest slot now. */
  public int runningGuests() {
    return scheduler.running();
  }

  /** Guests started since this runtime was created (a replay tells live traffic from its own by this). */
  public long guestsStarted() {
    return guestsStarted.get();
  }

  /** Modules compiled from scratch so far (not found in the memory or disk cache). */
  public long compilations() {
    return modules.compilations();
  }

  /** Modules whose compiled classes were loaded from the disk cache so far. */
  public long diskCacheHits() {
    return modules.diskHits();
  }

  /**
   * Stops: queued calls complete as failed, running guests are interrupted and waited for (bounded). Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    preloads.shutdownNow();
    scheduler.close();
    watchdog.cancelAll();
    try {
      if (!scheduler.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        log.warn("guests still running {} s after close", CLOSE_WAIT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      watchdog.close();
    }
    log.info("function runtime closed");
  }

  private static ThreadPoolExecutor preloadThread() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "faasm-module-preload");
          t.setDaemon(true);
          t.setPriority(Thread.NORM_PRIORITY - 1);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private CallOutcome runGuest(Invocation invocation, CallHost host, GuestScheduler.Slot slot) {
    guestsStarted.incrementAndGet();
    long startedAtMillis = clock.millis();
    long start = System.nanoTime();
    CallOutcome outcome;
    try {
      outcome = loadAndRun(invocation, startedAtMillis, host, slot);
    } catch (Throwable t) {
      Fatal.rethrowIfFatal(t);
      log.warn("call {}/{} failed in the runtime", invocation.user(), invocation.function(), t);
      outcome = failure(FailureKind.INTERNAL, "internal error: " + t);
    }
    return new CallOutcome(outcome.failure(), outcome.returnCode(), outcome.output(), outcome.logs(),
        outcome.error(), outcome.deferredChains(), startedAtMillis, System.nanoTime() - start, outcome.returned());
  }

  private CallOutcome loadAndRun(Invocation invocation, long startedAtMillis, CallHost host,
      GuestScheduler.Slot slot) {
    LoadedModule module;
    try {
      module = modules.load(invocation.wasm(), invocation.digest());
    } catch (InvalidModuleException e) {
      return failure(FailureKind.INVALID_MODULE, "invalid module: " + e.getMessage());
    }
    Watchdog.Guard guard = watchdog.arm(config.timeout());
    CallContext context = new CallContext(invocation, startedAtMillis, config, host, slot, guard);
    CallOutcome outcome;
    try {
      outcome = new GuestCall(module, context).run();
    } finally {
      guard.disarm();
      context.closeState();
    }
    try {
      CappedMemory memory = context.memory();
      events.callEnded(invocation, outcome, memory == null ? 0 : (long) memory.pages() * 65_536);
    } catch (RuntimeException e) {
      log.warn("runtime event listener failed", e);
    }
    return outcome;
  }

  private static boolean stillWanted(CallHost host) {
    try {
      return host.stillWanted();
    } catch (RuntimeException e) {
      log.warn("the platform could not say whether a call is still wanted; running it", e);
      return true;
    }
  }

  private CallOutcome notRun(String reason) {
    CallOutcome failure = failure(FailureKind.INTERNAL, "not run: " + reason);
    return new CallOutcome(failure.failure(), 0, failure.output(), failure.logs(), failure.error(), List.of(),
        clock.millis(), 0);
  }

  private static CallOutcome failure(FailureKind kind, String error) {
    return new CallOutcome(kind, 0, new byte[0], new byte[0], error, List.of(), 0, 0);
  }
}
