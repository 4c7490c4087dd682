package dev.faasm.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chained calls of one invocation: the budget shared by awaitable and deferred calls, and the small
 * per-invocation handles (1, 2, 3...) the guest uses for awaitable calls, mapped to platform call ids.
 */
final class ChainedCalls {
  private static final Logger log = LoggerFactory.getLogger(ChainedCalls.class);

  private final CallHost host;
  private final int maxCalls;
  private final CallStreams streams;
  private final Map<Integer, String> callIds = new HashMap<>();
  private final Map<Integer, String> functions = new HashMap<>();
  private final Map<Integer, ChainResult> results = new HashMap<>();
  private int made;

  /** @param streams where the reasons of failed awaited calls are logged */
  ChainedCalls(CallHost host, int maxCalls, CallStreams streams) {
    this.host = host;
    this.streams = streams;
    this.maxCalls = maxCalls;
  }

  /** Chained calls made so far. */
  int made() {
    return made;
  }

  /** Takes {@code count} calls from the budget. */
  void reserve(int count) {
    if (made + count > maxCalls) {
      throw new GuestFailure(FailureKind.CHAIN_LIMIT,
          "too many chained calls: " + (made + count) + " exceeds the limit of " + maxCalls);
    }
    made += count;
  }

  /** Dispatches an awaitable call now and returns its handle. */
  int dispatch(String function, byte[] input, int entryTableIndex) {
    reserve(1);
    String callId;
    try {
      callId = host.dispatchNow(function, input, entryTableIndex);
    } catch (CallHostException e) {
      throw new GuestFailure(FailureKind.CHAIN_FAILED,
          "cannot dispatch chained call to " + function + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      log.warn("call host failed to dispatch a chained call to {}", function, e);
      throw new GuestFailure(FailureKind.CHAIN_FAILED,
          "cannot dispatch chained call to " + function + ": " + e, e);
    }
    if (callId == null) {
      throw new GuestFailure(FailureKind.CHAIN_FAILED,
          "cannot dispatch chained call to " + function + ": no call id");
    }
    int handle = callIds.size() + 1;
    callIds.put(handle, callId);
    functions.put(handle, function);
    return handle;
  }

  /**
   * Blocks until the call behind {@code handle} has a result, giving up the guest's running slot meanwhile.
   *
   * @param remaining time left before the awaiting call's own deadline
   */
  ChainResult await(int handle, GuestScheduler.Slot slot, Duration remaining) {
    ChainResult known = results.get(handle);
    if (known != null) {
      return known;
    }
    String callId = callIds.get(handle);
    if (callId == null) {
      throw new GuestFailure(FailureKind.CHAIN_FAILED, "await of unknown call handle " + handle);
    }
    if (remaining.isNegative() || remaining.isZero()) {
      throw new GuestFailure(FailureKind.TIMEOUT, "deadline passed before awaiting call " + callId);
    }
    ChainResult result;
    try {
      result = slot.whileBlocked(() -> host.await(callId, remaining));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GuestFailure(FailureKind.TIMEOUT, "interrupted while awaiting call " + callId, e);
    } catch (RuntimeException e) {
      log.warn("call host failed to await call {}", callId, e);
      throw new GuestFailure(FailureKind.CHAIN_FAILED, "cannot await call " + callId + ": " + e, e);
    } catch (Exception e) {
      throw new GuestFailure(FailureKind.CHAIN_FAILED, "cannot await call " + callId + ": " + e, e);
    }
    if (result == null) {
      throw new GuestFailure(FailureKind.TIMEOUT, "call " + callId + " had no result before the deadline");
    }
    results.put(handle, result);
    if (!result.succeeded()) {
      streams.log("[faasm] awaited call " + callId + " (" + functions.get(handle) + ") failed, await returns "
          + result.guestReturnCode() + ": " + result.error() + "\n");
    }
    return result;
  }
}
