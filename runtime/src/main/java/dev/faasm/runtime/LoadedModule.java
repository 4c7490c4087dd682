package dev.faasm.runtime;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.function.Function;

/** A validated, parsed and compiled module: everything needed to create fresh instances of it cheaply. */
record LoadedModule(
    ModuleInfo info,
    WasmModule module,
    Function<Instance, Machine> machineFactory,
    boolean importsWasi,
    boolean exportsInitialize,
    boolean importsFaasmInterface) {

  /** Works out once per module what every call would otherwise look up again. */
  static LoadedModule of(ModuleInfo info, WasmModule module, Function<Instance, Machine> machineFactory) {
    boolean wasi = false;
    boolean env = false;
    var imports = module.importSection();
    for (int i = 0; i < imports.importCount(); i++) {
      wasi |= imports.getImport(i).module().equals(HostInterface.WASI);
      env |= imports.getImport(i).module().equals(HostInterface.ENV);
    }
    boolean initialize = ModuleValidator.findFunctionExport(module, ModuleValidator.INITIALIZE).isPresent();
    return new LoadedModule(info, module, machineFactory, wasi, initialize, env);
  }
}
