package dev.faasm.processor;

import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.CallState;
import dev.faasm.protocol.CallStatus;
import dev.faasm.protocol.ChainRequest;
import dev.faasm.protocol.Codec;
import dev.faasm.registry.CallRecords;
import dev.faasm.registry.FunctionRegistry;
import dev.faasm.protocol.Names;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStore;
import dev.faasm.resultstore.ResultWaiter;
import dev.faasm.runtime.CallOutcome;
import dev.faasm.runtime.ChainedCall;
import dev.faasm.runtime.FailureKind;
import io.opentelemetry.api.trace.Span;
import dev.faasm.runtime.FunctionRuntime;
import dev.faasm.runtime.Invocation;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Runs a call end to end off the Streams thread: skip it if it already has a result, run the guest, store the one
 * result (first write wins, which wakes a synchronous caller), then make the result record and any chained calls
 * durable. Redis and registry work runs on {@code io}; guests run on the runtime's own threads.
 */
final class CallExecutor implements CallRunner {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CallExecutor.class);
  private final FunctionRuntime runtime;
  private final FunctionRegistry registry;
  private final ResultStore store;
  private final ResultWaiter waiter;
  private final Producer<String, byte[]> producer;
  private final Topics topics;
  private final ProcessorConfig config;
  private final Executor io;
  private final Clock clock;
  private final CallMetrics metrics;
  private final CallTracing tracing;
  private final Function<String, Optional<Path>> sharedFiles;
  private final RedisState state;
  private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Claim> claims = new ConcurrentHashMap<>();
  private final AtomicInteger claimed = new AtomicInteger();

  /** A call that waited this long for its guest slot is looked up again before it starts. */
  private static final long RECHECK_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  CallExecutor(
      FunctionRuntime runtime,
      FunctionRegistry registry,
      ResultStore store,
      ResultWaiter waiter,
      Producer<String, byte[]> producer,
      Topics topics,
      ProcessorConfig config,
      Executor io,
      Clock clock,
      CallMetrics metrics,
      CallTracing tracing,
      Function<String, Optional<Path>> sharedFiles,
      RedisState state) {
    this.sharedFiles = sharedFiles;
    this.state = state;
    this.metrics = metrics;
    this.tracing = tracing;
    this.runtime = runtime;
    this.registry = registry;
    this.store = store;
    this.waiter = waiter;
    this.producer = producer;
    this.topics = topics;
    this.config = config;
    this.io = io;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<Void> reject(String callId, String replyTo, String reason) {
    return CompletableFuture.supplyAsync(
            () -> {
              long now = now();
              CallResult failure =
                  new CallResult(callId, "", "", CallState.FAILED, "UNDECODABLE", -1, null, null, reason, 0, now, now,
                      List.of(), "", List.of(), false);
              return store(failure, replyTo);
            },
            io)
        .thenCompose(result -> send(topics.results(), callId, Codec.encode(result)));
  }

  @Override
  public CompletableFuture<Void> giveUp(Call call, int attempts, String lastError) {
    return CompletableFuture.supplyAsync(
            () -> {
              String error = "gave up after " + attempts + " attempts that failed for a platform reason; the last: "
                  + lastError;
              about(call, () -> log.warn("call {} {}", call.callId(), error));
              return store(call, CallResult.platformFailure(call, "RETRIES_EXHAUSTED", error, now()));
            },
            io)
        .thenCompose(result -> send(topics.results(), call.callId(), Codec.encode(result)));
  }

  /** Calls launched here that have not reached a guest yet (in preparation or queued for a slot). */
  @Override
  public int backlog() {
    return claimed.get();
  }

  /**
   * Order matters: chained calls are durable before the result is stored, so anyone who sees the result can rely on
   * the chained calls being on the calls topic; a crash in between re-runs the call, whose chained calls have the same
   * ids and are deduplicated by "first result wins".
   */
  @Override
  public CompletableFuture<Void> run(Call call) {
    // A task that moves away and back (a rebalance) relaunches its pending calls: join a run already in progress here.
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> running = inFlight.putIfAbsent(call.callId(), mine);
    if (running != null) {
      // The same call again, maybe for another waiter (its parent ran again elsewhere): tell that one too.
      return running.thenCompose(v -> notifyWaiter(call, 0));
    }
    Claim claim = new Claim();
    claims.put(call.callId(), claim);
    claimed.incrementAndGet();
    runOnce(call, claim)
        .whenComplete(
            (v, error) -> {
              claim.leave();
              claims.remove(call.callId(), claim);
              inFlight.remove(call.callId(), mine);
              if (error != null) {
                mine.completeExceptionally(error);
              } else {
                mine.complete(null);
              }
            });
    return mine;
  }

  /**
   * The call's task left this processor (a rebalance, a shutdown): if its run has not reached a guest yet, it is
   * withdrawn when its slot comes up, and its future fails, so the call stays pending for the task's next owner.
   */
  @Override
  public void cancel(String callId) {
    Claim claim = claims.get(callId);
    if (claim != null) {
      claim.revoked = true;
    }
  }

  /**
   * A launched call that has not reached a guest yet. The launch limit counts these (claimed calls), not only the
   * runtime's queue, so a processor never claims more calls than it can start soon.
   */
  private final class Claim {
    private final long claimedAtNanos = System.nanoTime();
    private final AtomicBoolean left = new AtomicBoolean();
    private volatile boolean revoked;
    private volatile boolean finishedElsewhere;
    /** Marks the call running at its guest slot, not before (the fast path, see {@link #runOnce}). */
    private volatile boolean markAtSlot;
    /** The result the call already had when it was to be marked running at its slot. */
    private volatile CallResult existing;
    /** Why marking the call running at its slot failed (a platform failure: the call is tried again). */
    private volatile RuntimeException markFailed;

    /** The call reached its guest slot, or ended without one: it no longer counts as claimed. */
    void leave() {
      if (left.compareAndSet(false, true)) {
        claimed.decrementAndGet();
      }
    }

    /**
     * At the guest slot: run only a call that is still ours, and that has no result yet if it waited long enough
     * for one to appear elsewhere (a processor that was paused, or slow, while another ran the same call).
     */
    boolean stillWanted(Call call) {
      leave();
      if (revoked) {
        return false;
      }
      if (markAtSlot) {
        try {
          existing = mark(call).done();
        } catch (RuntimeException e) {
          markFailed = e;
          return false;
        }
        return existing == null;
      }
      if (System.nanoTime() - claimedAtNanos > RECHECK_AFTER_NANOS) {
        try {
          finishedElsewhere = store.result(call.callId()).isPresent();
        } catch (RuntimeException e) {
          log.debug("cannot look up call {} before it starts; running it", call.callId(), e);
        }
      }
      return !finishedElsewhere;
    }
  }

  /**
   * The common case takes no thread hand-off before its guest: a valid call whose module is in memory goes straight to
   * the runtime's queue, and is marked running (the one Redis round trip, which also finds a result that exists
   * already) on its guest thread just before it starts. Any other call is prepared on an io thread first.
   */
  private CompletableFuture<Void> runOnce(Call call, Claim claim) {
    Span span = tracing.start(call);
    String traceParent = CallTracing.traceParent(span);
    Optional<byte[]> module =
        problemWith(call) == null ? registry.moduleInMemory(call.digest()) : Optional.empty();
    CompletableFuture<Prepared> ready;
    if (module.isPresent()) {
      claim.markAtSlot = true;
      ready = CompletableFuture.completedFuture(new Prepared(invocation(call, module.get()), null));
    } else {
      ready = CompletableFuture.supplyAsync(() -> prepare(call), io).thenCompose(marked -> withModule(call, marked));
    }
    CompletableFuture<Void> done =
        ready
            .thenCompose(
                prepared -> {
                  if (prepared.done() != null) {
                    // Already finished (a re-delivered call): don't run it again, just make sure its chains exist.
                    return emitChains(call, prepared.done(), traceParent).thenApply(v -> prepared.done());
                  }
                  ChainingHost host =
                      new ChainingHost(call, registry, waiter, producer, topics, config.maxChainDepth(), clock,
                          () -> claim.stillWanted(call), traceParent, store, config.chains(),
                          () -> sharedFiles.apply(call.user()), state.forUser(call.user()));
                  return runtime
                      .execute(prepared.invocation(), host)
                      .thenCompose(outcome -> {
                        if (outcome.failure() == FailureKind.WITHDRAWN) {
                          span.setAttribute("faasm.withdrawn", true);
                          return withdrawn(call, claim, traceParent);
                        }
                        CallResult result = limitChains(call, toResult(call, outcome, host.dispatchedIds()));
                        metrics.finished(call, result, outcome.durationNanos());
                        span.setAttribute("faasm.outcome", result.succeeded() ? "succeeded" : "failed");
                        return storeAfter(emitChains(call, result, traceParent), call, result);
                      });
                })
            .thenCompose(result -> result == null
                ? CompletableFuture.completedFuture(null)
                : send(topics.results(), call.callId(), Codec.encode(result)));
    return done.whenComplete((v, error) ->
        CallTracing.end(span, error == null, error == null ? null : String.valueOf(error)));
  }

  /** Logs with the call's id, user, function and trace id in the MDC (fields of the JSON log lines). */
  static void about(Call call, Runnable logging) {
    try {
      org.slf4j.MDC.put("callId", call.callId());
      org.slf4j.MDC.put("user", call.user());
      org.slf4j.MDC.put("function", call.function());
      if (call.traceParent().length() >= 35) {
        org.slf4j.MDC.put("traceId", call.traceParent().substring(3, 35));
      }
      logging.run();
    } finally {
      org.slf4j.MDC.remove("callId");
      org.slf4j.MDC.remove("user");
      org.slf4j.MDC.remove("function");
      org.slf4j.MDC.remove("traceId");
    }
  }

  /**
   * A call withdrawn at its guest slot: nothing to store. If it had a result already, that result's chains and record
   * are made durable (as for a prepared call that has one); if marking it running failed, the attempt failed.
   */
  private CompletableFuture<CallResult> withdrawn(Call call, Claim claim, String traceParent) {
    if (claim.markFailed != null) {
      return CompletableFuture.failedFuture(claim.markFailed);
    }
    if (claim.existing != null) {
      CallResult existing = claim.existing;
      about(call, () -> log.debug("call {} already has a result; not running it again", call.callId()));
      return emitChains(call, existing, traceParent).thenApply(v -> existing);
    }
    if (claim.revoked) {
      metrics.withdrawn();
      about(call, () -> log.debug("call {} withdrawn: its task left this processor", call.callId()));
      return CompletableFuture.failedFuture(
          new CancellationException("call " + call.callId() + " withdrawn: its task left this processor"));
    }
    about(call, () ->
        log.info("call {} withdrawn before it started: another processor finished it meanwhile", call.callId()));
    metrics.withdrawn();
    return notifyWaiter(call, 0).thenApply(v -> null);
  }

  /** Either the invocation to run, or the call's result already (it has one, or it cannot run). */
  private record Prepared(Invocation invocation, CallResult done) {}

  /** A call that cannot run gets its failure; any other is marked running (see {@link #mark}). */
  private Prepared prepare(Call call) {
    String problem = problemWith(call);
    if (problem != null) {
      return new Prepared(null, store(call, CallResult.platformFailure(call, problem, message(call, problem), now())));
    }
    return mark(call);
  }

  /**
   * One Redis round trip on the common path: marking the call running fails only if it already has a result, which
   * is then returned (and published to this call's waiter, which may be new).
   */
  private Prepared mark(Call call) {
    boolean marked =
        store.putStatus(
            new CallStatus(
                call.callId(), call.user(), call.function(), CallState.RUNNING, call.submittedAtMillis(), now(),
                config.instanceId()));
    if (!marked) {
      Optional<CallResult> existing = store.result(call.callId());
      if (existing.isPresent()) {
        store.publish(existing.get(), call.replyTo()); // its waiter may be new (the result went to an older one)
        return new Prepared(null, existing.get());
      }
    }
    return new Prepared(null, null);
  }

  /**
   * A marked call gets its module: at once when this processor has it, else when it arrives from the modules topic,
   * waiting without holding a thread (a burst of calls of a new function must not stall the io pool).
   */
  private CompletableFuture<Prepared> withModule(Call call, Prepared marked) {
    if (marked.done() != null) {
      return CompletableFuture.completedFuture(marked);
    }
    return registry.moduleAsync(call.digest(), config.moduleWait(), io).thenApply(wasm -> {
      if (wasm.isEmpty()) {
        String error = "module " + call.digest() + " of " + call.qualifiedName() + " is not available";
        return new Prepared(null, store(call, CallResult.platformFailure(call, "MODULE_UNAVAILABLE", error, now())));
      }
      return new Prepared(invocation(call, wasm.get()), null);
    });
  }

  private Invocation invocation(Call call, byte[] wasm) {
    if (log.isTraceEnabled()) {
      log.trace("call {} ready to run {} ms after it was submitted", call.callId(), now() - call.submittedAtMillis());
    }
    // The guest's clock starts when it starts (recorded as the result's startedAt); its random numbers come from
    // the call's seed. A replay gives both again.
    return new Invocation(call.user(), call.function(), call.digest(), wasm, call.input(), call.entryTableIndex())
        .withReplayInputs(-1, call.seed().length >= Invocation.MIN_SEED_BYTES ? call.seed() : null)
        .withArgs(call.args());
  }

  private String problemWith(Call call) {
    if (call.depth() > config.maxChainDepth()) {
      return "CHAIN_DEPTH";
    }
    if (!Names.isValid(call.user()) || !Names.isValid(call.function())) {
      return "INVALID_NAME";
    }
    if (call.digest().isEmpty()) {
      return "UNKNOWN_FUNCTION";
    }
    return null;
  }

  private String message(Call call, String problem) {
    return switch (problem) {
      case "CHAIN_DEPTH" -> "chain depth " + call.depth() + " exceeds the limit of " + config.maxChainDepth();
      case "INVALID_NAME" -> "invalid function name '" + call.qualifiedName() + "'";
      default -> "unknown function " + call.qualifiedName();
    };
  }

  /** Stores the result; if another result was stored first, that one is the call's result. */
  private CallResult store(Call call, CallResult result) {
    return store(result, call.replyTo());
  }

  private CallResult store(CallResult result, String replyTo) {
    if (store.putResult(result, replyTo)) {
      return result;
    }
    CallResult first = store.result(result.callId()).orElse(result);
    store.publish(first, replyTo); // the first result was published to whoever waited then, maybe not to this waiter
    return first;
  }

  /**
   * A call whose result is already on the results topic (the finished-calls index said so): never runs it; wakes its
   * waiter with the stored result. If the result store does not have it yet (it is being rebuilt after a loss), looks
   * again with a growing delay, for about a minute.
   */
  @Override
  public CompletableFuture<Void> finished(Call call) {
    return call.replyTo().isEmpty() ? CompletableFuture.completedFuture(null) : notifyWaiter(call, 0);
  }

  private CompletableFuture<Void> notifyWaiter(Call call, int attempt) {
    if (call.replyTo().isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                Optional<CallResult> r = store.result(call.callId());
                r.ifPresent(result -> store.publish(result, call.replyTo()));
                return r.isPresent();
              } catch (RuntimeException e) {
                return false;
              }
            },
            io)
        .thenCompose(
            found -> {
              if (found || attempt >= 12) {
                return CompletableFuture.completedFuture(null);
              }
              long delay = Math.min(5_000, 50L << attempt);
              return CompletableFuture.supplyAsync(
                      () -> null, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, io))
                  .thenCompose(v -> notifyWaiter(call, attempt + 1));
            });
  }

  private CallResult toResult(Call call, CallOutcome outcome, List<String> awaitableIds) {
    List<ChainRequest> chains = new ArrayList<>();
    List<String> chainedIds = new ArrayList<>(awaitableIds);
    if (outcome.succeeded()) {
      for (ChainedCall c : outcome.deferredChains()) {
        chainedIds.add(CallIds.child(call.callId(), "then", chains.size()));
        chains.add(new ChainRequest(c.function(), c.input(), c.entryTableIndex()));
      }
    }
    long finished = outcome.startedAtMillis() + outcome.durationNanos() / 1_000_000;
    return new CallResult(
        call.callId(), call.user(), call.function(),
        outcome.succeeded() ? CallState.SUCCEEDED : CallState.FAILED,
        outcome.succeeded() ? "" : outcome.failure().name(),
        outcome.returnCode(), outcome.output(), outcome.logs(), outcome.error(), call.submittedAtMillis(),
        outcome.startedAtMillis(), finished, chains, call.digest(), chainedIds, outcome.returned());
  }

  /**
   * A successful call's deferred chained calls within the limits (inputs no larger than a call from outside, the
   * request's budget of calls not exceeded), or the call failed naming the limit: its chains are then not made.
   * Counting against the budget is idempotent per chained call id, so a call run again counts its chains once.
   */
  private CallResult limitChains(Call call, CallResult result) {
    if (!result.succeeded() || result.deferredChains().isEmpty()) {
      return result;
    }
    ProcessorConfig.ChainLimits limits = config.chains();
    List<String> ids = new ArrayList<>();
    for (ChainRequest chain : result.deferredChains()) {
      if (chain.input().length > limits.maxInputBytes()) {
        return failedChains(result, "CHAIN_INPUT_LIMIT", "chained call input of " + chain.input().length
            + " bytes exceeds the limit of " + limits.maxInputBytes() + " bytes");
      }
      ids.add(CallIds.child(call.callId(), "then", ids.size()));
    }
    if (!store.spendBudget(call.root(), ids, limits.maxCallsPerRequest())) {
      return failedChains(result, "CALL_BUDGET", ChainingHost.budgetExceeded(call, limits));
    }
    return result;
  }

  private static CallResult failedChains(CallResult r, String kind, String error) {
    return new CallResult(r.callId(), r.user(), r.function(), CallState.FAILED, kind, r.returnCode(), r.output(),
        r.logs(), error, r.submittedAtMillis(), r.startedAtMillis(), r.finishedAtMillis(), List.of(), r.digest());
  }

  /**
   * Stores the result once its chained calls are durable. With none to wait for, that happens at once on the guest
   * thread (one thread hand-off fewer on the latency path); otherwise on an io thread, never on the producer's.
   */
  private CompletableFuture<CallResult> storeAfter(CompletableFuture<Void> chains, Call call, CallResult result) {
    return chains.isDone()
        ? chains.thenApply(v -> store(call, result))
        : chains.thenApplyAsync(v -> store(call, result), io);
  }

  /** Makes the chained calls of a successful call durable, in the calling call's trace. */
  private CompletableFuture<Void> emitChains(Call call, CallResult result, String traceParent) {
    if (!result.succeeded() || result.deferredChains().isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    metrics.chained(result.deferredChains().size());
    int i = 0;
    for (ChainRequest chain : result.deferredChains()) {
      Call child = chainedCall(call, chain, i++, traceParent);
      sends.add(send(CallRecords.of(topics.calls(), child)));
    }
    return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
  }

  private Call chainedCall(Call parent, ChainRequest chain, int index, String traceParent) {
    boolean self = chain.entryTableIndex() >= 0;
    String function = self ? parent.function() : chain.function();
    String digest =
        self
            ? parent.digest()
            : Names.isValid(function)
                ? registry.currentDigest(parent.user(), function).orElse("")
                : "";
    return new Call(
        CallIds.child(parent.callId(), "then", index), parent.user(), function, chain.input(), false, now(), digest,
        parent.callId(), parent.depth() + 1, chain.entryTableIndex(), "", parent.childSeed("then", index),
        traceParent, parent.root());
  }

  private CompletableFuture<Void> send(String topic, String key, byte[] value) {
    return send(new ProducerRecord<>(topic, key, value));
  }

  private CompletableFuture<Void> send(ProducerRecord<String, byte[]> record) {
    return ProducerSends.send(producer, record, io);
  }

  private long now() {
    return clock.millis();
  }
}
