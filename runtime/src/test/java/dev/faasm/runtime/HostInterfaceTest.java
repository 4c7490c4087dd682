package dev.faasm.runtime;

import static dev.faasm.runtime.Outcomes.assertFailed;
import static dev.faasm.runtime.Outcomes.assertSucceeded;
import static dev.faasm.runtime.Outcomes.bytes;
import static dev.faasm.runtime.Outcomes.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Functions using the host interface ({@code env.__faasm_*}) and WASI. */
class HostInterfaceTest {
  private FunctionRuntime runtime;
  private LocalCallHost demo;

  @BeforeEach
  void start() {
    runtime = new FunctionRuntime(RuntimeConfig.defaults());
    demo = LocalCallHost.forUser(runtime, "demo");
  }

  @AfterEach
  void stop() {
    runtime.close();
  }

  @Test
  void helloOutputsHelloFaasm() {
    CallOutcome outcome = demo.run("hello", new byte[0]);

    assertSucceeded(outcome);
    assertEquals("Hello Faasm!", text(outcome.output()));
  }

  @Test
  void upperUppercasesStdinToStdout() {
    CallOutcome outcome = demo.run("upper", bytes("hello, World 42"));

    assertSucceeded(outcome);
    assertEquals("HELLO, WORLD 42", text(outcome.output()));
  }

  @Test
  void chainAwaitConcatenatesTheOutputsOfTheCallsItAwaits() {
    CallOutcome outcome = demo.run("chain_await", bytes("3"));

    assertSucceeded(outcome);
    assertEquals("[0][1][2]", text(outcome.output()));
    List<LocalCallHost.Dispatch> dispatches = demo.dispatches();
    assertEquals(3, dispatches.size());
    for (int i = 0; i < 3; i++) {
      assertEquals("echo", dispatches.get(i).function());
      assertEquals("[" + i + "]", text(dispatches.get(i).input()));
      assertEquals(-1, dispatches.get(i).entryTableIndex());
    }
  }

  @Test
  void chainPtrRunsTheTableEntryAsACallOfTheSameFunction() {
    CallOutcome outcome = demo.run("chain_ptr", new byte[0]);

    assertSucceeded(outcome);
    assertEquals("ptr:msaaf", text(outcome.output()));
    LocalCallHost.Dispatch dispatch = demo.dispatches().get(0);
    assertEquals(1, demo.dispatches().size());
    assertEquals("chain_ptr", dispatch.function());
    assertEquals("faasm", text(dispatch.input()));
    assertTrue(dispatch.entryTableIndex() >= 0, "a table index: " + dispatch.entryTableIndex());
    CallOutcome chained = demo.outcomeOf(dispatch.callId());
    assertSucceeded(chained);
    assertEquals("msaaf", text(chained.output()));
  }

  @Test
  void nestedAwaitsEightDeepWithASingleGuestSlot() {
    try (FunctionRuntime oneSlot = new FunctionRuntime(RuntimeConfig.defaults().withMaxConcurrentGuests(1))) {
      LocalCallHost host = LocalCallHost.forUser(oneSlot, "demo");

      CallOutcome outcome = host.run("nested", bytes("8"));

      assertSucceeded(outcome);
      assertEquals("012345678", text(outcome.output()));
      assertEquals(8, host.dispatches().size());
      assertEquals(0, oneSlot.queuedGuests());
    }
  }

  @Test
  void awaitedCallFailureIsReturnedToTheCaller() {
    LocalCallHost echoTraps =
        new LocalCallHost(runtime, "demo",
            function -> function.equals("echo") ? Wasm.load("bad", "trap") : Wasm.load("demo", function));

    CallOutcome outcome = echoTraps.run("chain_await", bytes("1"));

    assertFailed(FailureKind.NON_ZERO_EXIT, outcome);
    assertEquals(1, outcome.returnCode());
    assertTrue(text(outcome.logs()).contains("call 0 failed with 1"), text(outcome.logs()));
    assertFailed(FailureKind.TRAP, echoTraps.outcomeOf(echoTraps.dispatches().get(0).callId()));
  }

  @Test
  void chainToAFunctionTheHostCannotDispatchFailsTheCaller() {
    CallOutcome outcome = demo.run("chainer", TestModules.CHAIN_X, new byte[0]);

    assertFailed(FailureKind.CHAIN_FAILED, outcome);
    assertTrue(outcome.error().contains("cannot dispatch chained call to x"), outcome.error());
  }

  @Test
  void awaitOfAnUnknownHandleFails() {
    CallOutcome outcome = demo.run("awaiter", TestModules.AWAIT_UNKNOWN, new byte[0]);

    assertFailed(FailureKind.CHAIN_FAILED, outcome);
    assertTrue(outcome.error().contains("unknown call handle 42"), outcome.error());
  }

  @Test
  void awaitCallOutputWithoutAnExportedMallocNeverRuns() {
    LocalCallHost host = new LocalCallHost(runtime, "demo", function -> Wasm.load("demo", "hello"));

    CallOutcome outcome = host.run("awaiter", TestModules.AWAIT_OUTPUT_WITHOUT_MALLOC, new byte[0]);

    assertFailed(FailureKind.INVALID_MODULE, outcome);
    assertTrue(outcome.error().contains("does not export malloc"), outcome.error());
    assertEquals(List.of(), host.dispatches());
  }

  @Test
  void chainPtrToAMissingTableEntryTraps() {
    CallOutcome outcome = demo.run("pointer", TestModules.CHAIN_BAD_POINTER, new byte[0]);

    assertFailed(FailureKind.TRAP, outcome);
    assertTrue(outcome.error().contains("__faasm_chain_ptr"), outcome.error());
    assertEquals(List.of(), demo.dispatches());
  }

  @Test
  void awaitableChainsCountTowardTheChainLimit() {
    try (FunctionRuntime limited = new FunctionRuntime(RuntimeConfig.defaults().withMaxChainedCalls(2))) {
      LocalCallHost host = LocalCallHost.forUser(limited, "demo");

      CallOutcome outcome = host.run("chain_await", bytes("3"));

      assertFailed(FailureKind.CHAIN_LIMIT, outcome);
      assertEquals(2, host.dispatches().size());
    }
  }
}
