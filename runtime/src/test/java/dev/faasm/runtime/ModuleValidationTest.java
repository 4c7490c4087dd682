package dev.faasm.runtime;

import static dev.faasm.runtime.Outcomes.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link FunctionRuntime#validate} accepts, and the problem it names when it rejects. */
class ModuleValidationTest {
  private FunctionRuntime runtime;

  @BeforeEach
  void start() {
    runtime = new FunctionRuntime(RuntimeConfig.defaults());
  }

  @AfterEach
  void stop() {
    runtime.close();
  }

  @Test
  void acceptsAnOriginalApiModule() throws Exception {
    byte[] wasm = Wasm.load("simon", "echo");

    ModuleInfo info = runtime.validate(wasm);

    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(wasm)), info.digest());
    assertEquals(wasm.length, info.sizeBytes());
    assertEquals(EntryKind.ORIGINAL_EXEC, info.entry());
    assertEquals(List.of(), info.stubbedImports());
  }

  @Test
  void acceptsAHostInterfaceModule() {
    ModuleInfo info = runtime.validate(Wasm.load("demo", "chain_await"));

    assertEquals(EntryKind.WASI_START, info.entry());
    assertEquals(List.of(), info.stubbedImports());
  }

  @Test
  void acceptsAStubbedFaasmImportAndListsIt() {
    ModuleInfo info = runtime.validate(Wasm.load("bad", "stub"));

    assertEquals(List.of("env.__faasm_sm_critical_local"), info.stubbedImports());
  }

  @Test
  void rejectsAnUnknownImportNamingIt() {
    assertRejected("unknown import env.not_a_faasm_function", Wasm.load("bad", "unknown_import"));
  }

  @Test
  void rejectsBytesThatAreNotWasm() {
    assertRejected("not a WebAssembly module: bad magic bytes", bytes("#!/bin/sh\necho hi\n"));
    assertRejected("not a WebAssembly module", new byte[0]);
  }

  @Test
  void rejectsATruncatedModule() {
    byte[] wasm = Wasm.load("simon", "echo");

    assertRejected("malformed module", Arrays.copyOf(wasm, wasm.length / 2));
  }

  @Test
  void rejectsSimd() {
    assertRejected("SIMD is not supported", TestModules.SIMD);
  }

  @Test
  void rejectsAModuleWithoutEntryPoint() {
    assertRejected("no entry point: export exec or _start", TestModules.NO_ENTRY);
  }

  private void assertRejected(String problem, byte[] wasm) {
    InvalidModuleException e = assertThrows(InvalidModuleException.class, () -> runtime.validate(wasm));
    assertTrue(e.getMessage().contains(problem), () -> "expected '" + problem + "' in: " + e.getMessage());
  }
}
