package dev.faasm.runtime;

import static dev.faasm.runtime.Outcomes.assertFailed;
import static dev.faasm.runtime.Outcomes.assertSucceeded;
import static dev.faasm.runtime.Outcomes.bytes;
import static dev.faasm.runtime.Outcomes.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every way a guest can fail ends as a failed call with a clear outcome. */
class FailureModesTest {
  private static final RuntimeConfig DEFAULTS = RuntimeConfig.defaults();

  @Test
  void infiniteLoopTimesOut() {
    CallOutcome outcome = runBad(DEFAULTS.withTimeout(Duration.ofMillis(500)), "loop", new byte[0]);

    assertFailed(FailureKind.TIMEOUT, outcome);
    assertTrue(outcome.error().contains("timed out after 500 ms"), outcome.error());
  }

  @Test
  void memoryBombFailsWithMemoryLimit() {
    CallOutcome outcome = runBad(DEFAULTS.withMemoryLimitBytes(16L * 1024 * 1024), "membomb", new byte[0]);

    assertFailed(FailureKind.MEMORY_LIMIT, outcome);
    assertTrue(text(outcome.logs()).contains("membomb: malloc failed"), text(outcome.logs()));
  }

  @Test
  void unboundedRecursionFailsWithStackOverflow() {
    CallOutcome outcome = runBad(DEFAULTS, "recurse", new byte[0]);

    assertFailed(FailureKind.STACK_OVERFLOW, outcome);
  }

  @Test
  void unreachableTraps() {
    CallOutcome outcome = runBad(DEFAULTS, "trap", new byte[0]);

    assertFailed(FailureKind.TRAP, outcome);
    assertTrue(outcome.error().toLowerCase().contains("unreachable"), outcome.error());
  }

  @Test
  void exitCodeThreeIsANonZeroExit() {
    CallOutcome outcome = runBad(DEFAULTS, "exit3", new byte[0]);

    assertFailed(FailureKind.NON_ZERO_EXIT, outcome);
    assertEquals(3, outcome.returnCode());
    assertEquals("exit3: returning 3\n", text(outcome.logs()));
  }

  @Test
  void outputOverTheLimitFails() {
    CallOutcome outcome = runBad(DEFAULTS, "bigout", new byte[0]);

    assertFailed(FailureKind.OUTPUT_LIMIT, outcome);
    assertEquals(0, outcome.output().length);
  }

  @Test
  void stdoutOutputOverTheLimitFails() {
    try (FunctionRuntime runtime = new FunctionRuntime(DEFAULTS.withOutputLimitBytes(16))) {
      CallOutcome outcome = LocalCallHost.forUser(runtime, "demo").run("upper", new byte[100]);

      assertFailed(FailureKind.OUTPUT_LIMIT, outcome);
    }
  }

  @Test
  void stubbedHostFunctionFailsNamingIt() {
    CallOutcome outcome = runBad(DEFAULTS, "stub", new byte[0]);

    assertFailed(FailureKind.UNSUPPORTED_HOST_FUNCTION, outcome);
    assertEquals("unsupported host function env.__faasm_sm_critical_local", outcome.error());
  }

  @Test
  void logsOverTheLimitAreTruncatedWithAMarker() {
    byte[] input = new byte[100];
    Arrays.fill(input, (byte) 'a');
    try (FunctionRuntime runtime = new FunctionRuntime(DEFAULTS.withLogLimitBytes(10))) {
      CallOutcome outcome = LocalCallHost.forUser(runtime, "simon").run("print", input);

      assertSucceeded(outcome);
      assertEquals("aaaaaaaaaa\n[logs truncated at 10 bytes]\n", text(outcome.logs()));
      assertEquals(100, outcome.output().length);
    }
  }

  @Test
  void invalidModuleIsAFailedCallNotAnException() {
    try (FunctionRuntime runtime = new FunctionRuntime(DEFAULTS)) {
      CallOutcome outcome = LocalCallHost.forUser(runtime, "bad").run("junk", bytes("not wasm"), new byte[0]);

      assertFailed(FailureKind.INVALID_MODULE, outcome);
      assertTrue(outcome.error().contains("not a WebAssembly module"), outcome.error());
    }
  }

  @Test
  void digestThatDoesNotMatchTheBytesIsAnInvalidModule() {
    try (FunctionRuntime runtime = new FunctionRuntime(DEFAULTS)) {
      Invocation invocation =
          new Invocation("simon", "echo", "00".repeat(32), Wasm.load("simon", "echo"), new byte[0], -1);

      CallOutcome outcome = Outcomes.await(runtime.execute(invocation, LocalCallHost.forUser(runtime, "simon")));

      assertFailed(FailureKind.INVALID_MODULE, outcome);
      assertTrue(outcome.error().contains("digest mismatch"), outcome.error());
    }
  }

  @Test
  void theJvmRunningOutOfMemoryIsNotTheGuestsFailure() {
    OutOfMemoryError oom = new OutOfMemoryError("simulated: Java heap space");
    try (FunctionRuntime runtime = new FunctionRuntime(DEFAULTS)) {
      var outcome = runtime.execute(
          Invocation.of("test", "chainer", TestModules.CHAIN_X, new byte[0]), throwingHost(oom));
      java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
          java.util.concurrent.ExecutionException.class, () -> outcome.get(30, java.util.concurrent.TimeUnit.SECONDS),
          "a JVM OutOfMemoryError fails the call for a platform reason, never as the guest's MEMORY_LIMIT");
      assertTrue(e.getCause() == oom || e.getCause().getCause() == oom, String.valueOf(e.getCause()));
      // The runtime still runs guests afterwards.
      assertSucceeded(LocalCallHost.forUser(runtime, "simon").run("echo", bytes("still here")));
    }
  }

  @Test
  void errorsThrownDuringAGuestCallBecomeOutcomes() {
    assertFailed(FailureKind.STACK_OVERFLOW, runChainThrowing(new StackOverflowError()));
    CallOutcome internal = runChainThrowing(new LinkageError("simulated linkage failure"));
    assertFailed(FailureKind.INTERNAL, internal);
    assertTrue(internal.error().contains("simulated linkage failure"), internal.error());
    assertFailed(FailureKind.CHAIN_FAILED, runChainThrowing(new IllegalStateException("host bug")));
  }

  /** Runs a guest whose chained-call dispatch throws {@code thrown} from inside the host. */
  private static CallOutcome runChainThrowing(Throwable thrown) {
    try (FunctionRuntime runtime = new FunctionRuntime(DEFAULTS)) {
      return Outcomes.await(
          runtime.execute(Invocation.of("test", "chainer", TestModules.CHAIN_X, new byte[0]), throwingHost(thrown)));
    }
  }

  private static CallHost throwingHost(Throwable thrown) {
    return
        new CallHost() {
          @Override
          public String dispatchNow(String function, byte[] input, int entryTableIndex) {
            if (thrown instanceof RuntimeException e) {
              throw e;
            }
            throw (Error) thrown;
          }

          @Override
          public ChainResult await(String callId, Duration maxWait) {
            throw new AssertionError("never dispatched");
          }
        };
  }

  private static CallOutcome runBad(RuntimeConfig config, String function, byte[] input) {
    try (FunctionRuntime runtime = new FunctionRuntime(config)) {
      return LocalCallHost.forUser(runtime, "bad").run(function, input);
    }
  }
}
