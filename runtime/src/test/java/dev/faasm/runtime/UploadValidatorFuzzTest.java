package dev.faasm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz target for the upload validator ({@link FunctionRuntime#validate}, what {@code PUT /f/<user>/<fn>} runs): any
 * bytes give a {@link ModuleInfo} or an {@link InvalidModuleException} naming the problem (a 400), never another
 * exception (a 500) or a hang. Seeds in {@code UploadValidatorFuzzTestInputs/validate/}: small example modules and
 * hand-assembled ones; {@code fuzz/run.sh} fuzzes it (docs/fuzzing.md).
 */
class UploadValidatorFuzzTest {
  private static FunctionRuntime runtime;

  @BeforeAll
  static void start() {
    runtime = new FunctionRuntime(RuntimeConfig.defaults());
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  @FuzzTest(maxDuration = "10m")
  void validate(byte[] wasm) {
    try {
      ModuleInfo info = runtime.validate(wasm);
      assertEquals(wasm.length, info.sizeBytes());
    } catch (InvalidModuleException e) {
      assertNotNull(e.getMessage(), "a rejection names the problem");
      assertTrue(!e.getMessage().isBlank(), "a rejection names the problem");
    }
  }
}
