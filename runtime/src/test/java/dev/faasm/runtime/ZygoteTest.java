package dev.faasm.runtime;

import static dev.faasm.runtime.Outcomes.assertSucceeded;
import static dev.faasm.runtime.Outcomes.bytes;
import static dev.faasm.runtime.Outcomes.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Proto-Faaslets: {@code _faasm_zygote} runs once per module version; calls start from its snapshot. */
class ZygoteTest {
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
  void everyCallStartsFromTheZygotesSnapshot() {
    CallOutcome first = demo.run("zygote", bytes("5"));
    assertSucceeded(first);
    String expected = text(first.output());
    assertTrue(expected.startsWith("zygote ready calls=1 value="), expected);
    for (int i = 0; i < 3; i++) {
      CallOutcome again = demo.run("zygote", bytes("5"));
      assertSucceeded(again);
      // the table and the malloc'ed greeting are there, and nothing of the previous call (calls is 1 again)
      assertEquals(expected, text(again.output()));
    }
  }

  @Test
  void theSnapshotIsTakenOnceAndKeptWithTheModule() {
    byte[] wasm = Wasm.load("demo", "zygote");
    demo.run("zygote", bytes("1"));
    LoadedModule module = new ModuleCache(4, new ModuleValidator(RuntimeConfig.defaults().memoryLimitPages()),
        java.util.Optional.empty()).load(wasm, null);
    assertNotNull(module.zygote(), "a module exporting _faasm_zygote is a Proto-Faaslet");
    assertNull(module.zygote().get(), "no snapshot before its first call");
    LoadedModule plain = new ModuleCache(4, new ModuleValidator(RuntimeConfig.defaults().memoryLimitPages()),
        java.util.Optional.empty()).load(Wasm.load("demo", "hello"), null);
    assertNull(plain.zygote());
  }

  @Test
  void withoutTheSnapshotTheZygoteRunsInEveryCallWithTheSameResult() {
    String withSnapshot = text(demo.run("zygote", bytes("77")).output());
    try (BenchRunner runner = new BenchRunner()) {
      CallOutcome fresh = runner.run(Wasm.load("demo", "zygote"), bytes("77"), false);
      assertSucceeded(fresh);
      assertEquals(withSnapshot, text(fresh.output()));
    }
  }

  /** Runs calls on the test thread, with or without snapshots. */
  private static final class BenchRunner implements AutoCloseable {
    private final RuntimeConfig config = RuntimeConfig.defaults();
    private final ModuleCache modules =
        new ModuleCache(4, new ModuleValidator(config.memoryLimitPages()), java.util.Optional.empty());
    private final Watchdog watchdog = new Watchdog();

    CallOutcome run(byte[] wasm, byte[] input, boolean snapshots) {
      LoadedModule module = modules.load(wasm, null);
      Watchdog.Guard guard = watchdog.arm(config.timeout());
      try {
        CallContext context = new CallContext(Invocation.of("demo", "zygote", wasm, input), System.currentTimeMillis(),
            config, new LocalCallHost(null, "demo", f -> wasm), null, guard);
        GuestCall call = new GuestCall(module, context);
        return (snapshots ? call : call.withoutSnapshots()).run();
      } finally {
        guard.disarm();
      }
    }

    @Override
    public void close() {
      watchdog.cancelAll();
      watchdog.close();
    }
  }
}
