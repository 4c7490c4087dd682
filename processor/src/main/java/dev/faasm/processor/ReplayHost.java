package dev.faasm.processor;

import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.Names;
import dev.faasm.runtime.CallHost;
import dev.faasm.runtime.CallHostException;
import dev.faasm.runtime.CallOutcome;
import dev.faasm.runtime.ChainResult;
import dev.faasm.runtime.StateHost;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform as a replayed call sees it: awaitable chained calls run inside the replay, on this processor's
 * runtime, and never reach the calls topic or the result store. A chained call gets the id, seed and (when replaying
 * what originally ran) the module version and start time its original had, so it replays like its original.
 */
final class ReplayHost implements CallHost {
  private final Call parent;
  private final ReplayRun run;
  private final AtomicInteger dispatched = new AtomicInteger();
  private final Map<String, CompletableFuture<CallOutcome>> children = new ConcurrentHashMap<>();

  ReplayHost(Call parent, ReplayRun run) {
    this.parent = parent;
    this.run = run;
  }

  @Override
  public String dispatchNow(String function, byte[] input, int entryTableIndex) {
    if (parent.depth() + 1 > run.maxChainDepth()) {
      throw new CallHostException("chain depth limit " + run.maxChainDepth() + " exceeded in replay");
    }
    if (entryTableIndex < 0 && !Names.isValid(function)) {
      throw new CallHostException("invalid function name '" + function + "' in chained call");
    }
    int index = dispatched.getAndIncrement();
    String id = CallIds.child(parent.callId(), "now", index);
    String target = entryTableIndex >= 0 ? parent.function() : function;
    String digest = entryTableIndex >= 0 ? parent.digest() : run.childDigest(id, parent.user(), target);
    if (digest.isEmpty()) {
      throw new CallHostException("chained call to unknown function " + parent.user() + "/" + target);
    }
    Call child =
        new Call(id, parent.user(), target, input, false, parent.submittedAtMillis(), digest, parent.callId(),
            parent.depth() + 1, entryTableIndex, "", parent.childSeed("now", index));
    children.put(id, run.execute(child));
    return id;
  }

  @Override
  public ChainResult await(String callId, Duration maxWait) throws InterruptedException {
    CompletableFuture<CallOutcome> child = children.get(callId);
    if (child == null) {
      return new ChainResult(-1, false, new byte[0], "no chained call " + callId + " in this replay");
    }
    try {
      CallOutcome o = child.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
      return new ChainResult(o.returnCode(), o.succeeded(), o.output(), o.error());
    } catch (TimeoutException e) {
      return new ChainResult(-1, false, new byte[0], "timed out awaiting chained call " + callId);
    } catch (ExecutionException e) {
      return new ChainResult(-1, false, new byte[0], "chained call " + callId + " failed: " + e.getCause());
    }
  }

  /** The current version's digest of user/function, or "" if there is none. */
  static String current(dev.faasm.registry.FunctionRegistry registry, String user, String function) {
    return registry.currentDigest(user, function).orElse("");
  }

  /** A replay never reads or writes the live shared state (it would change what the original calls left). */
  @Override
  public StateHost state() {
    return StateHost.unavailable("a replay does not read or write shared state");
  }
}
