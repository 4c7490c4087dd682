package dev.faasm.runtime;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Global;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.List;
import java.util.Optional;

/**
 * Finds uses of the SIMD proposal (the {@code v128} type, {@code 0xFD}-prefixed opcodes), which Chicory 1.6.1's
 * runtime compiler cannot run. Chicory parses such modules; they would only fail once compiled or called.
 */
final class SimdCheck {
  private static final int SIMD_PREFIX = 0xFD;

  private SimdCheck() {}

  /** Where the module uses SIMD, if it does. */
  static Optional<String> findSimd(WasmModule module) {
    FunctionType[] types = module.typeSection().types();
    for (int i = 0; i < types.length; i++) {
      if (usesV128(types[i].params()) || usesV128(types[i].returns())) {
        return Optional.of("type " + i + " " + types[i] + " uses v128");
      }
    }
    Global[] globals = module.globalSection().globals();
    for (int i = 0; i < globals.length; i++) {
      if (ValType.V128.equals(globals[i].valueType())) {
        return Optional.of("global " + i + " is a v128");
      }
    }
    int importedFunctions =
        module.importSection().count(ExternalType.FUNCTION);
    FunctionBody[] bodies = module.codeSection().functionBodies();
    for (int i = 0; i < bodies.length; i++) {
      int functionIndex = importedFunctions + i;
      if (usesV128(bodies[i].localTypes())) {
        return Optional.of("function " + functionIndex + " has a v128 local");
      }
      for (Instruction instruction : bodies[i].instructions()) {
        if ((instruction.opcode().opcode() >>> 8) == SIMD_PREFIX) {
          return Optional.of("function " + functionIndex + " uses " + instruction.opcode());
        }
      }
    }
    return Optional.empty();
  }

  private static boolean usesV128(List<ValType> types) {
    for (ValType type : types) {
      if (ValType.V128.equals(type)) {
        return true;
      }
    }
    return false;
  }
}
