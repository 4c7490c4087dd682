package dev.faasm.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An in-process {@link CallHost} for tests: runs chained calls of one user through the same {@link FunctionRuntime},
 * looking their modules up by function name (by default in the wasm/ directory), and records every dispatch.
 */
class LocalCallHost implements CallHost {
  /** One dispatched call. */
  record Dispatch(String callId, String function, byte[] input, int entryTableIndex) {}

  private final FunctionRuntime runtime;
  private final String user;
  private final Function<String, byte[]> modules;
  private final List<Dispatch> dispatches = new ArrayList<>();
  private final Map<String, CompletableFuture<CallOutcome>> calls = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

  LocalCallHost(FunctionRuntime runtime, String user, Function<String, byte[]> modules) {
    this.runtime = runtime;
    this.user = user;
    this.modules = modules;
  }

  /** Chained calls run the user's functions from the wasm/ directory. */
  static LocalCallHost forUser(FunctionRuntime runtime, String user) {
    return new LocalCallHost(runtime, user, function -> Wasm.load(user, function));
  }

  /** Runs a call of {@code function} (entry point) with this host and waits for its outcome. */
  CallOutcome run(String function, byte[] input) {
    return run(function, modules.apply(function), input);
  }

  CallOutcome run(String function, byte[] wasm, byte[] input) {
    return Outcomes.await(runtime.execute(Invocation.of(user, function, wasm, input), this));
  }

  @Override
  public String dispatchNow(String function, byte[] input, int entryTableIndex) {
    String callId = "call-" + ids.incrementAndGet();
    byte[] wasm;
    try {
      wasm = modules.apply(function);
    } catch (AssertionError | RuntimeException e) {
      throw new CallHostException("no function " + user + "/" + function, e);
    }
    synchronized (dispatches) {
      dispatches.add(new Dispatch(callId, function, input.clone(), entryTableIndex));
    }
    calls.put(callId, runtime.execute(new Invocation(user, function, null, wasm, input, entryTableIndex), this));
    return callId;
  }

  @Override
  public ChainResult await(String callId, Duration maxWait) throws InterruptedException {
    CompletableFuture<CallOutcome> call = calls.get(callId);
    if (call == null) {
      throw new CallHostException("unknown call " + callId);
    }
    try {
      CallOutcome outcome = call.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
      return new ChainResult(outcome.returnCode(), outcome.succeeded(), outcome.output(), outcome.error());
    } catch (TimeoutException e) {
      return null;
    } catch (ExecutionException e) {
      return new ChainResult(1, false, new byte[0], "call failed: " + e.getCause());
    }
  }

  List<Dispatch> dispatches() {
    synchronized (dispatches) {
      return List.copyOf(dispatches);
    }
  }

  /** The outcome of a dispatched call, once it finished. */
  CallOutcome outcomeOf(String callId) {
    return Outcomes.await(calls.get(callId));
  }
}
