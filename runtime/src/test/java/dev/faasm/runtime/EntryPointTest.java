package dev.faasm.runtime;

import static dev.faasm.runtime.Outcomes.assertSucceeded;
import static dev.faasm.runtime.Outcomes.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Arguments, configuration flags, backtraces and modules linked with wasi-libc's emulation libraries. */
class EntryPointTest {
  private FunctionRuntime runtime;

  @BeforeEach
  void start() {
    runtime = new FunctionRuntime(RuntimeConfig.defaults());
  }

  @AfterEach
  void stop() {
    runtime.close();
  }

  private CallOutcome run(String function, List<String> args) {
    Invocation invocation = Invocation.of("demo", function, Wasm.load("demo", function), new byte[0]).withArgs(args);
    return Outcomes.await(runtime.execute(invocation, LocalCallHost.forUser(runtime, "demo")));
  }

  @Test
  void argvIsTheFunctionNameThenTheCallsArguments() {
    CallOutcome outcome = run("entry", List.of("-n", "3", "two words"));
    assertSucceeded(outcome);
    assertTrue(text(outcome.output()).startsWith("argc=4 argv[0]=entry argv[1]=-n argv[2]=3 argv[3]=two words "),
        text(outcome.output()));
    CallOutcome none = run("entry", List.of());
    assertTrue(text(none.output()).startsWith("argc=1 argv[0]=entry "), text(none.output()));
  }

  @Test
  void confFlagsReadTheirValueAndUnknownFlagsReadZero() {
    CallOutcome outcome = run("entry", List.of());
    assertTrue(text(outcome.output()).endsWith(" ALWAYS_ON=1 ALWAYS_OFF=0 NO_SUCH_FLAG=0"), text(outcome.output()));
    ConfFlags flags = ConfFlags.parse("FULL_ASYNC, LEVEL=7");
    assertEquals(1, flags.get("FULL_ASYNC"));
    assertEquals(7, flags.get("LEVEL"));
    assertEquals(0, flags.get("OTHER"));
    assertThrows(IllegalArgumentException.class, () -> ConfFlags.parse("X=notanumber"));
  }

  @Test
  void backtraceNamesTheGuestFunctionsOnTheStackInnermostFirst() {
    CallOutcome outcome = run("entry", List.of());
    assertSucceeded(outcome);
    String logs = text(outcome.logs());
    int inner = logs.indexOf("innermost");
    int middle = logs.indexOf("middle");
    int outer = logs.indexOf("outer");
    int main = logs.indexOf("main");
    assertTrue(logs.contains("[faasm] backtrace"), logs);
    assertTrue(inner >= 0 && inner < middle && middle < outer && outer < main, logs);
  }

  @Test
  void modulesLinkedWithTheEmulationLibrariesRun() {
    CallOutcome outcome = run("emulated", List.of());
    assertSucceeded(outcome);
    assertEquals("clock=ok\nlong_double=0.33333333333333333333\nmmap=zeroed,14\nmunmap=ok\nsum=499500\n",
        text(outcome.output()));
  }
}
