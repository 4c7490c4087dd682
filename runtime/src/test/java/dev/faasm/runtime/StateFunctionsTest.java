package dev.faasm.runtime;

import static dev.faasm.runtime.Outcomes.assertFailed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The state host functions link with Faasm's signatures; without a platform store a call fails naming why. */
class StateFunctionsTest {
  @Test
  void everyStateFunctionOfFaasmsSdkIsImplementedNotStubbed() {
    for (String name : List.of("__faasm_read_state", "__faasm_read_state_ptr", "__faasm_read_state_offset",
        "__faasm_read_state_offset_ptr", "__faasm_write_state", "__faasm_write_state_offset",
        "__faasm_write_state_from_file", "__faasm_flag_state_dirty", "__faasm_flag_state_offset_dirty",
        "__faasm_append_state", "__faasm_read_appended_state", "__faasm_clear_appended_state", "__faasm_push_state",
        "__faasm_push_state_partial", "__faasm_push_state_partial_mask", "__faasm_pull_state",
        "__faasm_lock_state_global", "__faasm_unlock_state_global", "__faasm_lock_state_read",
        "__faasm_unlock_state_read", "__faasm_lock_state_write", "__faasm_unlock_state_write")) {
      assertTrue(HostInterface.IMPLEMENTED.containsKey(name), name);
      assertTrue(!HostInterface.STUBBED.contains(name), name);
    }
  }

  @Test
  void stateModulesValidateWithoutStubs() {
    try (FunctionRuntime runtime = new FunctionRuntime(RuntimeConfig.defaults())) {
      for (String function : List.of("state_set", "state_reader", "state_writer", "state_offset", "state_append",
          "state_pi", "state_counter", "state_hold")) {
        assertEquals(List.of(), runtime.validate(Wasm.load("demo", function)).stubbedImports(), function);
      }
    }
  }

  @Test
  void stateWithoutAPlatformStoreFailsTheCallNamingWhy() {
    try (FunctionRuntime runtime = new FunctionRuntime(RuntimeConfig.defaults())) {
      CallOutcome outcome = LocalCallHost.forUser(runtime, "demo").run("state_reader", new byte[0]);

      assertFailed(FailureKind.STATE_FAILED, outcome);
      assertEquals("shared state is not available: this platform keeps no shared state", outcome.error());
    }
    try (FunctionRuntime runtime = new FunctionRuntime(RuntimeConfig.defaults())) {
      CallOutcome outcome = LocalCallHost.forUser(runtime, "demo").run("state_set", "k v".getBytes());

      assertFailed(FailureKind.STATE_FAILED, outcome);
      assertEquals("shared state is not available: this platform keeps no shared state", outcome.error());
    }
  }
}
