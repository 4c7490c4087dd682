package dev.faasm.processor;

import com.google.protobuf.ByteString;
import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.CallState;
import dev.faasm.protocol.proto.CallStateProto;
import dev.faasm.protocol.proto.ReplayDifference;
import dev.faasm.protocol.proto.ReplayReport;
import dev.faasm.protocol.proto.ReplayRequest;
import dev.faasm.protocol.proto.ReplayState;
import dev.faasm.protocol.proto.ReplayTarget;
import dev.faasm.registry.FunctionRegistry;
import dev.faasm.runtime.CallOutcome;
import dev.faasm.runtime.ChainedCall;
import dev.faasm.runtime.FailureKind;
import dev.faasm.runtime.FunctionRuntime;
import dev.faasm.runtime.Invocation;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * One replay: runs the selected calls again, one at a time and only while no live call waits for a guest slot (live
 * calls go first), at most {@code rate_per_second}, and compares each new outcome with the original result.
 *
 * <p>Live calls first: a replay never takes a guest slot a live call waits for, and while live calls are running
 * (a live guest started within the last {@value #LIVE_WINDOW_MILLIS} ms) it starts at most {@code backgroundRate}
 * calls per second, whatever its own rate; on a processor with no live traffic it runs at its full (or requested)
 * speed. A replay at full speed allocates and computes as fast as the machine allows, and the garbage collector's
 * pauses would otherwise reach every live call.
 *
 * <p>Each call runs against the requested module version with its original inputs: the same input, the same seed
 * (so the same random numbers) and a clock starting at the original start time. Its chained calls run inside the
 * replay too ({@link ReplayHost}); nothing is written to the calls topic or the result store, so the originals stay
 * exactly as they were.
 */
final class ReplayRun {
  static final int MAX_DIFFERENCES = 5;
  static final int MAX_OUTPUT_SHOWN = 512;
  private static final long PROGRESS_EVERY_NANOS = Duration.ofMillis(250).toNanos();
  static final long LIVE_WINDOW_MILLIS = 200;

  private final ReplayRequest request;
  private final ReplaySelection.Selected selected;
  private final FunctionRuntime runtime;
  private final FunctionRegistry registry;
  private final int maxChainDepth;
  private final Duration moduleWait;
  private final Clock clock;
  private final ReplayReport.Builder report;
  private final double backgroundRate;
  private final java.util.concurrent.atomic.AtomicLong ownGuests = new java.util.concurrent.atomic.AtomicLong();
  private long liveSeen = -1;
  private long liveSeenAtNanos;
  private long lastStartNanos;

  ReplayRun(
      ReplayRequest request, ReplaySelection.Selected selected, FunctionRuntime runtime, FunctionRegistry registry,
      int maxChainDepth, Duration moduleWait, double backgroundRate, Clock clock, ReplayReport.Builder report) {
    this.backgroundRate = backgroundRate;
    this.request = request;
    this.selected = selected;
    this.runtime = runtime;
    this.registry = registry;
    this.maxChainDepth = maxChainDepth;
    this.moduleWait = moduleWait;
    this.clock = clock;
    this.report = report;
  }

  int maxChainDepth() {
    return maxChainDepth;
  }

  /** Runs every selected call; {@code progress} gets the report now and then (on this thread). */
  ReplayReport.Builder run(Consumer<ReplayReport.Builder> progress) throws InterruptedException {
    long started = System.nanoTime();
    long lastProgress = 0;
    double rate = request.getRatePerSecond();
    int i = 0;
    for (Call original : selected.calls()) {
      if (rate > 0) {
        long due = started + (long) (i / rate * 1e9);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
      i++;
      yieldToLiveCalls();
      Call call = retarget(original);
      CallOutcome outcome;
      try {
        outcome = execute(call).get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("replay of call " + original.callId() + " failed: " + e.getCause(), e);
      }
      compare(original, selected.originals().get(original.callId()), outcome);
      if (System.nanoTime() - lastProgress > PROGRESS_EVERY_NANOS) {
        lastProgress = System.nanoTime();
        progress.accept(report);
      }
    }
    return report;
  }

  /** Waits while live calls wait for a guest slot, and paces the replay while live calls are running. */
  private void yieldToLiveCalls() throws InterruptedException {
    while (true) {
      long now = System.nanoTime();
      long live = runtime.guestsStarted() - ownGuests.get();
      if (liveSeen < 0) {
        liveSeen = live; // what ran before this replay is not live traffic now
        liveSeenAtNanos = now - LIVE_WINDOW_MILLIS * 1_000_000;
      } else if (live != liveSeen) {
        liveSeen = live;
        liveSeenAtNanos = now;
      }
      boolean liveRunning = now - liveSeenAtNanos < LIVE_WINDOW_MILLIS * 1_000_000;
      long due = liveRunning && backgroundRate > 0 ? lastStartNanos + (long) (1e9 / backgroundRate) : now;
      if (runtime.queuedGuests() > 0) {
        Thread.sleep(1);
      } else if (now < due) {
        java.util.concurrent.locks.LockSupport.parkNanos(Math.min(due - now, 1_000_000));
        if (Thread.interrupted()) {
          throw new InterruptedException("replay interrupted");
        }
      } else {
        // Keep to the schedule (not "an interval after we noticed"), unless we fell behind it.
        lastStartNanos = liveRunning && now - due < 1_000_000 ? due : now;
        return;
      }
    }
  }

  /** The call as the replay runs it: the target module version instead of the recorded one, when asked. */
  private Call retarget(Call c) {
    String function = c.function();
    String digest =
        switch (request.getTarget()) {
          case REPLAY_TARGET_CURRENT -> ReplayHost.current(registry, c.user(), c.function());
          case REPLAY_TARGET_DIGEST -> request.getDigest();
          case REPLAY_TARGET_FUNCTION -> {
            function = request.getTargetFunction();
            yield ReplayHost.current(registry, c.user(), request.getTargetFunction());
          }
          default -> c.digest();
        };
    return new Call(c.callId(), c.user(), function, c.input(), false, c.submittedAtMillis(), digest, c.parentCallId(),
        c.depth(), c.entryTableIndex(), "", c.seed());
  }

  /** The module version a chained call of the replay runs: what originally ran, or the current one. */
  String childDigest(String childId, String user, String function) {
    Call original = selected.chained().get(childId);
    if (request.getTarget() == ReplayTarget.REPLAY_TARGET_ORIGINAL && original != null
        && original.function().equals(function)) {
      return original.digest();
    }
    return ReplayHost.current(registry, user, function);
  }

  /** Runs one call of the replay (and, once it succeeded, its deferred chained calls) on the runtime. */
  CompletableFuture<CallOutcome> execute(Call call) {
    byte[] wasm;
    try {
      wasm = call.digest().isEmpty() ? null : registry.module(call.digest(), moduleWait).orElse(null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.completedFuture(notRun("interrupted"));
    }
    if (wasm == null) {
      return CompletableFuture.completedFuture(
          notRun("module " + call.digest() + " of " + call.qualifiedName() + " is not available"));
    }
    CallResult original = selected.originals().get(call.callId());
    Invocation invocation =
        new Invocation(call.user(), call.function(), call.digest(), wasm, call.input(), call.entryTableIndex())
            .withReplayInputs(
                original == null ? -1 : original.startedAtMillis(),
                call.seed().length >= Invocation.MIN_SEED_BYTES ? call.seed() : null)
            .withArgs(call.args());
    ownGuests.incrementAndGet();
    return runtime.execute(invocation, new ReplayHost(call, this))
        .thenCompose(outcome -> deferred(call, outcome).thenApply(v -> outcome));
  }

  private CompletableFuture<Void> deferred(Call parent, CallOutcome outcome) {
    if (!outcome.succeeded() || outcome.deferredChains().isEmpty() || parent.depth() + 1 > maxChainDepth) {
      return CompletableFuture.completedFuture(null);
    }
    List<ChainedCall> chains = outcome.deferredChains();
    CompletableFuture<?>[] runs = new CompletableFuture<?>[chains.size()];
    for (int i = 0; i < chains.size(); i++) {
      ChainedCall c = chains.get(i);
      boolean self = c.entryTableIndex() >= 0;
      String function = self ? parent.function() : c.function();
      String id = CallIds.child(parent.callId(), "then", i);
      String digest = self ? parent.digest() : childDigest(id, parent.user(), function);
      Call child =
          new Call(id, parent.user(), function, c.input(), false, parent.submittedAtMillis(), digest,
              parent.callId(), parent.depth() + 1, c.entryTableIndex(), "", parent.childSeed("then", i));
      runs[i] = execute(child);
    }
    return CompletableFuture.allOf(runs);
  }

  private CallOutcome notRun(String why) {
    return new CallOutcome(FailureKind.INTERNAL, -1, new byte[0], new byte[0], why, List.of(), clock.millis(), 0);
  }

  private void compare(Call call, CallResult original, CallOutcome outcome) {
    report.setReplayed(report.getReplayed() + 1);
    if (outcome.succeeded()) {
      report.setSucceeded(report.getSucceeded() + 1);
    } else {
      report.setFailed(report.getFailed() + 1);
    }
    String kind = outcome.succeeded() ? "" : outcome.failure().name();
    boolean same =
        original.succeeded() == outcome.succeeded()
            && original.failureKind().equals(kind)
            && original.returnCode() == outcome.returnCode()
            && Arrays.equals(original.output(), outcome.output());
    if (same) {
      report.setIdentical(report.getIdentical() + 1);
      return;
    }
    report.setDifferent(report.getDifferent() + 1);
    if (report.getDifferencesCount() < MAX_DIFFERENCES) {
      report.addDifferences(
          ReplayDifference.newBuilder()
              .setCallId(call.callId())
              .setFunction(call.qualifiedName())
              .setOriginalState(state(original.state()))
              .setReplayState(outcome.succeeded() ? CallStateProto.CALL_STATE_SUCCEEDED
                  : CallStateProto.CALL_STATE_FAILED)
              .setOriginalOutput(truncated(original.output()))
              .setReplayOutput(truncated(outcome.output()))
              .setOriginalError(original.error())
              .setReplayError(outcome.error() == null ? "" : outcome.error()));
    }
  }

  private static CallStateProto state(CallState s) {
    return s == CallState.SUCCEEDED ? CallStateProto.CALL_STATE_SUCCEEDED : CallStateProto.CALL_STATE_FAILED;
  }

  private static ByteString truncated(byte[] b) {
    return ByteString.copyFrom(b, 0, Math.min(b.length, MAX_OUTPUT_SHOWN));
  }

  static ReplayReport.Builder failed(ReplayReport.Builder report, String error, long now) {
    return report.setState(ReplayState.REPLAY_STATE_FAILED).setError(error).setFinishedAtMillis(now);
  }
}
