package dev.faasm.runtime;

import static dev.faasm.runtime.Outcomes.assertFailed;
import static dev.faasm.runtime.Outcomes.assertSucceeded;
import static dev.faasm.runtime.Outcomes.bytes;
import static dev.faasm.runtime.Outcomes.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Functions written against the original API ({@code exec} and {@code struct FaasmMemory}). */
class OriginalApiTest {
  private FunctionRuntime runtime;
  private LocalCallHost simon;

  @BeforeEach
  void start() {
    runtime = new FunctionRuntime(RuntimeConfig.defaults());
    simon = LocalCallHost.forUser(runtime, "simon");
  }

  @AfterEach
  void stop() {
    runtime.close();
  }

  @Test
  void echoReturnsItsInput() {
    CallOutcome outcome = simon.run("echo", bytes("hello faasm"));

    assertSucceeded(outcome);
    assertEquals("hello faasm", text(outcome.output()));
    assertEquals(List.of(), outcome.deferredChains());
  }

  @Test
  void echoLosesTrailingZeroBytesButEchoExactKeepsThem() {
    byte[] input = {1, 2, 0, 0};

    assertArrayEquals(new byte[] {1, 2}, simon.run("echo", input).output());
    assertArrayEquals(input, simon.run("echo_exact", input).output());
  }

  @Test
  void echoReturnsAnInputLargerThanTheMinimumOutputCapacity() {
    byte[] input = new byte[200_000];
    new Random(42).nextBytes(input);
    input[input.length - 1] = 7;

    CallOutcome outcome = simon.run("echo", input);

    assertSucceeded(outcome);
    assertArrayEquals(input, outcome.output());
  }

  @Test
  void dummyOutputsZeroToFour() {
    CallOutcome outcome = simon.run("dummy", bytes("ignored"));

    assertSucceeded(outcome);
    assertArrayEquals(new byte[] {0, 1, 2, 3, 4}, outcome.output());
  }

  @Test
  void x2DoublesEveryByteModulo256() {
    CallOutcome outcome = simon.run("x2", new byte[] {1, 2, 0x7f, (byte) 0x80, (byte) 0xff});

    assertSucceeded(outcome);
    assertArrayEquals(new byte[] {2, 4, (byte) 0xfe, 0, (byte) 0xfe}, outcome.output());
  }

  @Test
  void chainDefersEchoThenX2WithItsInput() {
    byte[] input = bytes("abc");

    CallOutcome outcome = simon.run("chain", input);

    assertSucceeded(outcome);
    assertEquals("echo,x2", text(outcome.output()));
    assertEquals(2, outcome.deferredChains().size());
    assertChain("echo", input, outcome.deferredChains().get(0));
    assertChain("x2", input, outcome.deferredChains().get(1));
    assertEquals(List.of(), simon.dispatches(), "deferred chains are the platform's to dispatch");
  }

  @Test
  void printWritesItsInputToStdoutWhichEndsUpInTheLogs() {
    CallOutcome outcome = simon.run("print", bytes("printed line\n"));

    assertSucceeded(outcome);
    assertEquals("printed line\n", text(outcome.logs()));
    assertEquals("printed line\n", text(outcome.output()));
  }

  @Test
  void originalSnippetDefersOneChainToFoo() {
    CallOutcome outcome = simon.run("original", new byte[0]);

    assertSucceeded(outcome);
    assertEquals(1, outcome.deferredChains().size());
    assertChain("foo", new byte[] {1, 2, 3, 4}, outcome.deferredChains().get(0));
  }

  @Test
  void failingFunctionDefersNoChains() {
    CallOutcome succeeding = simon.run("chainer", TestModules.CHAIN_THEN_RETURN_INPUT_LENGTH, new byte[0]);
    CallOutcome failing = simon.run("chainer", TestModules.CHAIN_THEN_RETURN_INPUT_LENGTH, bytes("xyz"));

    assertSucceeded(succeeding);
    assertEquals(1, succeeding.deferredChains().size(), "control: the module does record a chain");
    assertFailed(FailureKind.NON_ZERO_EXIT, failing);
    assertEquals(3, failing.returnCode());
    assertEquals(List.of(), failing.deferredChains());
  }

  @Test
  void deferredChainWithAnInvalidNameFailsTheCall() {
    CallOutcome badName = simon.run("badchain", TestModules.CHAIN_BAD_NAME, new byte[0]);
    CallOutcome tooLong = simon.run("badchain", TestModules.CHAIN_BAD_NAME, bytes("x"));

    assertFailed(FailureKind.CHAIN_FAILED, badName);
    assertTrue(badName.error().contains("invalid function name 'b d'"), badName.error());
    assertEquals(List.of(), badName.deferredChains());
    assertFailed(FailureKind.CHAIN_FAILED, tooLong);
    assertTrue(tooLong.error().contains("too long"), tooLong.error());
  }

  @Test
  void deferredChainsCountTowardTheChainLimit() {
    try (FunctionRuntime limited = new FunctionRuntime(RuntimeConfig.defaults().withMaxChainedCalls(1))) {
      CallOutcome outcome = LocalCallHost.forUser(limited, "simon").run("chain", bytes("abc"));

      assertFailed(FailureKind.CHAIN_LIMIT, outcome);
      assertEquals(List.of(), outcome.deferredChains());
    }
  }

  @Test
  void inputThatDoesNotFitUnderTheMemoryLimitFails() {
    RuntimeConfig oneMib = RuntimeConfig.defaults().withMemoryLimitBytes(1024 * 1024);
    try (FunctionRuntime limited = new FunctionRuntime(oneMib)) {
      CallOutcome outcome = LocalCallHost.forUser(limited, "simon").run("echo", new byte[2 * 1024 * 1024]);

      assertFailed(FailureKind.MEMORY_LIMIT, outcome);
      assertTrue(outcome.error().contains("exceed the limit of 16 pages"), outcome.error());
    }
  }

  private static void assertChain(String function, byte[] input, ChainedCall call) {
    assertEquals(function, call.function());
    assertArrayEquals(input, call.input());
    assertEquals(-1, call.entryTableIndex());
  }
}
