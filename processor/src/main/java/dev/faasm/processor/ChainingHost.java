package dev.faasm.processor;

import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.CallResult;
import dev.faasm.registry.CallRecords;
import dev.faasm.registry.FunctionRegistry;
import dev.faasm.protocol.Names;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultWaiter;
import dev.faasm.runtime.CallHost;
import dev.faasm.runtime.CallHostException;
import dev.faasm.runtime.ChainResult;
import java.nio.file.Path;
import dev.faasm.runtime.StateHost;
import java.time.Clock;
import java.time.Duration;
import dev.faasm.resultstore.ResultStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;

/**
 * The runtime's window on the platform for one running call: awaitable chained calls go to the calls topic at once
 * (as the caller's user, one level deeper) and are awaited through this processor's reply channel. Runs on guest
 * threads, where blocking is allowed.
 */
final class ChainingHost implements CallHost {
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

  private final Call parent;
  private final FunctionRegistry registry;
  private final ResultWaiter waiter;
  private final Producer<String, byte[]> producer;
  private final Topics topics;
  private final int maxChainDepth;
  private final Clock clock;
  private final AtomicInteger dispatched = new AtomicInteger();
  private final List<String> dispatchedIds = new CopyOnWriteArrayList<>();
  private final BooleanSupplier stillWanted;
  private final String traceParent;
  private final ResultStore store;
  private final ProcessorConfig.ChainLimits limits;
  private final Supplier<Optional<Path>> sharedFiles;
  private final StateHost state;

  ChainingHost(
      Call parent,
      FunctionRegistry registry,
      ResultWaiter waiter,
      Producer<String, byte[]> producer,
      Topics topics,
      int maxChainDepth,
      Clock clock,
      BooleanSupplier stillWanted,
      String traceParent,
      ResultStore store,
      ProcessorConfig.ChainLimits limits,
      Supplier<Optional<Path>> sharedFiles,
      StateHost state) {
    this.store = store;
    this.limits = limits;
    this.sharedFiles = sharedFiles;
    this.state = state;
    this.stillWanted = stillWanted;
    this.traceParent = traceParent;
    this.parent = parent;
    this.registry = registry;
    this.waiter = waiter;
    this.producer = producer;
    this.topics = topics;
    this.maxChainDepth = maxChainDepth;
    this.clock = clock;
  }

  @Override
  public String dispatchNow(String function, byte[] input, int entryTableIndex) {
    if (input.length > limits.maxInputBytes()) {
      throw new CallHostException("chained call input of " + input.length + " bytes exceeds the limit of "
          + limits.maxInputBytes() + " bytes");
    }
    if (parent.depth() + 1 > maxChainDepth) {
      throw new CallHostException(
          "chain depth limit " + maxChainDepth + " exceeded: call " + parent.callId() + " is at depth "
              + parent.depth());
    }
    String digest;
    String target;
    if (entryTableIndex >= 0) {
      target = parent.function();
      digest = parent.digest();
    } else {
      if (!Names.isValid(function)) {
        throw new CallHostException("invalid function name '" + function + "' in chained call");
      }
      target = function;
      // As in Faasm, a chain to a function that does not exist still gives a handle: the call is dispatched without a
      // module, fails as UNKNOWN_FUNCTION, and awaiting it returns non-zero (the reason goes to the caller's logs).
      digest = registry.currentDigest(parent.user(), function).orElse("");
    }
    int index = dispatched.getAndIncrement();
    String id = CallIds.child(parent.callId(), "now", index);
    if (!store.spendBudget(parent.root(), List.of(id), limits.maxCallsPerRequest())) {
      throw new CallHostException(budgetExceeded(parent, limits));
    }
    Call child =
        new Call(
            id, parent.user(), target, input, false, clock.millis(), digest, parent.callId(), parent.depth() + 1,
            entryTableIndex, waiter.channel(), parent.childSeed("now", index), traceParent, parent.root());
    try {
      producer
          .send(CallRecords.of(topics.calls(), child))
          .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CallHostException("interrupted while dispatching chained call " + id);
    } catch (ExecutionException | TimeoutException e) {
      throw new CallHostException("cannot dispatch chained call to " + target + ": " + e);
    }
    dispatchedIds.add(id);
    return id;
  }

  static String budgetExceeded(Call parent, ProcessorConfig.ChainLimits limits) {
    return "call budget exceeded: request " + parent.root() + " may cause at most " + limits.maxCallsPerRequest()
        + " chained calls";
  }

  /** Ids of the awaitable calls dispatched so far, in order. */
  List<String> dispatchedIds() {
    return List.copyOf(dispatchedIds);
  }

  @Override
  public Optional<Path> sharedFiles() {
    return sharedFiles.get();
  }

  /** The shared state of the call's user. */
  @Override
  public StateHost state() {
    return state;
  }

  @Override
  public boolean stillWanted() {
    return stillWanted.getAsBoolean();
  }

  @Override
  public ChainResult await(String callId, Duration maxWait) throws InterruptedException {
    CompletableFuture<CallResult> result = waiter.await(callId);
    try {
      CallResult r = result.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
      return new ChainResult(r.returnCode(), r.succeeded(), r.output(), r.succeeded() ? null : r.error());
    } catch (TimeoutException e) {
      result.cancel(false);
      return new ChainResult(-1, false, new byte[0], "timed out awaiting chained call " + callId);
    } catch (InterruptedException e) {
      result.cancel(false);
      throw e;
    } catch (ExecutionException e) {
      return new ChainResult(-1, false, new byte[0], "cannot await chained call " + callId + ": " + e.getCause());
    }
  }
}
