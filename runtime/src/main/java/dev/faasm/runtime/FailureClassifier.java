package dev.faasm.runtime;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.InvalidException;
import com.dylibso.chicory.wasm.MalformedException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.UnlinkableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns whatever a guest call threw into a failure kind and a message naming the problem. */
final class FailureClassifier {
  private static final Logger log = LoggerFactory.getLogger(FailureClassifier.class);

  /** A classified failure. */
  record Failure(FailureKind kind, String message) {}

  private FailureClassifier() {}

  /**
   * @param thrown what the call threw
   * @param context the call (its deadline and memory tell timeouts and memory exhaustion apart from traps)
   */
  static Failure classify(Throwable thrown, CallContext context) {
    if (context.guard().expired()) {
      return new Failure(FailureKind.TIMEOUT,
          "timed out after " + context.config().timeout().toMillis() + " ms");
    }
    if (context.guard().cancelled()) {
      return new Failure(FailureKind.INTERNAL, "the runtime closed while the call was running");
    }
    GuestFailure guestFailure = find(thrown, GuestFailure.class);
    if (guestFailure != null) {
      return afterMemoryLimit(new Failure(guestFailure.kind(), guestFailure.getMessage()), context);
    }
    if (find(thrown, StackOverflowError.class) != null) {
      return new Failure(FailureKind.STACK_OVERFLOW, "stack overflow: the guest's call stack is exhausted");
    }
    Fatal.rethrowIfFatal(thrown);
    if (thrown instanceof UnlinkableException
        || thrown instanceof UninstantiableException
        || thrown instanceof InvalidException
        || thrown instanceof MalformedException) {
      return new Failure(FailureKind.INVALID_MODULE, "cannot instantiate module: " + thrown.getMessage());
    }
    if (thrown instanceof ChicoryInterruptedException || thrown instanceof InterruptedException) {
      return new Failure(FailureKind.INTERNAL, "the guest was interrupted");
    }
    if (thrown instanceof ChicoryException) {
      return afterMemoryLimit(new Failure(FailureKind.TRAP, "trap: " + thrown.getMessage()), context);
    }
    log.warn("guest call {}/{} failed inside the runtime", context.invocation().user(),
        context.invocation().function(), thrown);
    return new Failure(FailureKind.INTERNAL, "internal error: " + thrown);
  }

  /** A guest that fails after its memory stopped growing at the cap failed because of the memory limit. */
  static Failure afterMemoryLimit(Failure failure, CallContext context) {
    boolean generic = failure.kind() == FailureKind.TRAP || failure.kind() == FailureKind.NON_ZERO_EXIT;
    if (!generic || !context.memoryLimitReached()) {
      return failure;
    }
    int pages = context.memory().maximumPages();
    return new Failure(FailureKind.MEMORY_LIMIT, "memory limit reached (" + pages + " pages = "
        + ((long) pages * RuntimeConfig.PAGE_BYTES) + " bytes), then: " + failure.message());
  }

  private static <T extends Throwable> T find(Throwable thrown, Class<T> type) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
