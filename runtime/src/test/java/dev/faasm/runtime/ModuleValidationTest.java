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

  @Test
  void rejectsOriginalApiMemoryThatReachesTheLimitWithItsArea() {
    int limit = RuntimeConfig.defaults().memoryLimitPages();
    int area = OriginalAbi.regionPages(0);

    runtime.validate(ModuleBytes.originalApi(limit - area - 1, -1));
    assertRejected("initial memory of " + (limit - area) + " pages plus " + area
        + " pages for the original API's area reaches the memory limit of " + limit + " pages",
        ModuleBytes.originalApi(limit - area, -1));
  }

  @Test
  void rejectsADeclaredMaximumBelowWhatACallNeeds() {
    int area = OriginalAbi.regionPages(0);

    runtime.validate(ModuleBytes.originalApi(1, 1 + area));
    assertRejected("declared maximum memory of " + area + " pages is below the " + (1 + area) + " pages a call needs",
        ModuleBytes.originalApi(1, area));
  }

  @Test
  void rejectsADataSegmentOutsideTheDeclaredMemory() {
    runtime.validate(ModuleBytes.dataSegmentAt(1, 65_526, 10));
    assertRejected("data segment 0 (10 bytes at offset 65530) lies outside the declared memory of 65536 bytes",
        ModuleBytes.dataSegmentAt(1, 65_530, 10));
    assertRejected("data segment 0 (1 bytes at offset 4294967295)", ModuleBytes.dataSegmentAt(1, -1, 1));
  }

  @Test
  void rejectsAnElementSegmentOutsideTheDeclaredTable() {
    runtime.validate(ModuleBytes.elementSegmentAt(2, 1));
    assertRejected("element segment 0 (1 entries at offset 2) lies outside table 0 of 2 entries",
        ModuleBytes.elementSegmentAt(2, 2));
  }

  @Test
  void rejectsAwaitCallOutputWithoutAnExportedMalloc() {
    assertRejected("imports env.__faasm_await_call_output but does not export malloc",
        TestModules.AWAIT_OUTPUT_WITHOUT_MALLOC);
    runtime.validate(Wasm.load("demo", "chain_await")); // imports it and exports malloc
  }

  @Test
  void rejectsDeclaredLengthsLargerThanTheModuleBeforeAllocatingThem() {
    // Found by fuzzing: a 60-byte module whose export name claims 2 GiB made the parser allocate it.
    byte[] hugeName = java.util.HexFormat.of().parseHex("0061736d01000000010401600000030201000503010001071302066d"
        + "65416f72790200ffffffff072f5f7374617274ffffff0700000a0905070003400c010b0b");
    assertRejected("malformed module: length of export name (2147483647) is larger than the", hugeName);
  }

  @Test
  void rejectsAnImportOfATypeTheModuleDoesNotHave() {
    // Found by fuzzing: the parser does not check it, and looking the type up threw IndexOutOfBoundsException.
    byte[] wasm = java.util.HexFormat.of().parseHex("0061736d01000000010b0260037f7f7f017f600000023a0203656e76125f"
        + "5f666161736d5f636861696e5f6e616d65000003656e76195f5f666161736d5f61776169745f63616c0061736d016c5f00006f");
    assertRejected("malformed module: import", wasm);
  }

  @Test
  void rejectsAFunctionWithTooManyLocals() {
    runtime.validate(ModuleBytes.withLocals(1000));
    assertRejected("function body 0 declares more than 50000 locals", ModuleBytes.withLocals(4_000_000_000L));
  }

  private void assertRejected(String problem, byte[] wasm) {
    InvalidModuleException e = assertThrows(InvalidModuleException.class, () -> runtime.validate(wasm));
    assertTrue(e.getMessage().contains(problem), () -> "expected '" + problem + "' in: " + e.getMessage());
  }
}
