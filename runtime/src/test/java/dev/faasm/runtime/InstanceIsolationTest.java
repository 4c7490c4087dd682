package dev.faasm.runtime;

import static dev.faasm.runtime.Outcomes.assertSucceeded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** No memory, global or table change survives a call. */
class InstanceIsolationTest {
  @Test
  void eachCallGetsAFreshInstance() {
    try (FunctionRuntime runtime = new FunctionRuntime(RuntimeConfig.defaults().withMaxConcurrentGuests(1))) {
      LocalCallHost host = new LocalCallHost(runtime, "test", function -> TestModules.COUNTER);
      for (int call = 0; call < 3; call++) {
        CallOutcome outcome = host.run("counter", new byte[0]);

        assertSucceeded(outcome);
        assertArrayEquals(new byte[] {1, 1}, outcome.output(), "global and static counters after call " + call);
      }
    }
  }
}
