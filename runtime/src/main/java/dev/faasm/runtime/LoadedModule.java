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
    boolean importsFaasmInterface,
    boolean usesFiles,
    ZygoteSnapshot.Holder zygote,
    MemoryPool memories) {

  /** Works out once per module what every call would otherwise look up again. */
  static LoadedModule of(ModuleInfo info, WasmModule module, Function<Instance, Machine> machineFactory,
      MemoryPool.Budget memoryBudget) {
    boolean wasi = false;
    boolean env = false;
    boolean files = false;
    var imports = module.importSection();
    for (int i = 0; i < imports.importCount(); i++) {
      var imported = imports.getImport(i);
      wasi |= imported.module().equals(HostInterface.WASI);
      env |= imported.module().equals(HostInterface.ENV);
      // wasi-libc looks for preopened directories (fd_prestat_get) only in modules that can open files
      files |= imported.module().equals(HostInterface.WASI) && imported.name().equals("fd_prestat_get");
    }
    boolean initialize = ModuleValidator.findFunctionExport(module, ModuleValidator.INITIALIZE).isPresent();
    // Proto-Faaslets: WASI commands (host interface or plain) that export _faasm_zygote
    boolean zygote = info.entry() != EntryKind.ORIGINAL_EXEC
        && ModuleValidator.findFunctionExport(module, ZygoteSnapshot.EXPORT).isPresent();
    return new LoadedModule(info, module, machineFactory, wasi, initialize, env, files,
        zygote ? new ZygoteSnapshot.Holder() : null, new MemoryPool(memoryBudget));
  }
}
