package dev.faasm.runtime;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.function.Function;

/** A validated, parsed and compiled module: everything needed to create fresh instances of it cheaply. */
record LoadedModule(ModuleInfo info, WasmModule module, Function<Instance, Machine> machineFactory) {
  /** Whether the module imports anything from WASI (if not, a call needs no WASI instance at all). */
  boolean importsWasi() {
    var imports = module.importSection();
    for (int i = 0; i < imports.importCount(); i++) {
      if (imports.getImport(i).module().equals(HostInterface.WASI)) {
        return true;
      }
    }
    return false;
  }
}
