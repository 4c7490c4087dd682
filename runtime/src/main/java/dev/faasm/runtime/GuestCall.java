package dev.faasm.runtime;

import com.dylibso.chicory.log.Logger;
import com.dylibso.chicory.log.SystemLogger;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.io.ByteArrayInputStream;
import java.util.List;

/**
 * Runs one invocation in a fresh instance of a loaded module, on the current (guest) thread, and reports what
 * happened. Nothing the guest does escapes: every failure becomes a {@link CallOutcome}.
 */
final class GuestCall {
  /** Given explicitly: without one, every WASI build probes for Android by failing to load a class (slow). */
  private static final Logger WASI_LOGGER = new SystemLogger();

  private final LoadedModule module;
  private final CallContext context;
  private OriginalAbi.Layout layout;
  /** The guest's WASI clock; {@code null} for modules that do not import WASI. */
  private GuestClock clock;
  /** The call's filesystem; {@code null} for modules that cannot open files. */
  private GuestFiles files;
  private ReadOnlyFds readOnly;
  /** The module's Proto-Faaslet snapshot this call starts from; {@code null} if none (yet). */
  private ZygoteSnapshot snapshot;
  private int declaredInitialPages;
  /** Whether calls may start from a zygote snapshot (off only to measure the difference). */
  private boolean snapshots = true;

  GuestCall(LoadedModule module, CallContext context) {
    this.module = module;
    this.context = context;
    if (module.zygote() != null) {
      snapshot = module.zygote().get();
    }
  }

  /** Runs the zygote in every call instead of starting from its snapshot (to measure what the snapshot saves). */
  GuestCall withoutSnapshots() {
    snapshots = false;
    snapshot = null;
    return this;
  }

  /** Runs the call; {@code startedAtMillis}/{@code durationNanos} are left 0 for the caller to fill in. */
  CallOutcome run() {
    try {
      return runInstance();
    } finally {
      releaseMemory();
    }
  }

  /**
   * Gives the memory's array back to the module's pool, zeroed where this call wrote: the next call of the module
   * starts from it and sees only zeros there, never a byte of this call.
   */
  private void releaseMemory() {
    CappedMemory memory = context.memory();
    if (memory != null) {
      module.memories().give(memory.release());
    }
  }

  private CallOutcome runInstance() {
    Invocation invocation = context.invocation();
    int returnCode;
    try (WasiPreview1 wasi = wasi(invocation)) {
      Instance instance = instantiate(wasi);
      startFromZygote(instance);
      returnCode = enter(instance);
    } catch (WasiExitException e) {
      returnCode = e.exitCode();
    } catch (Throwable t) {
      Fatal.rethrowIfFatal(t);
      return failed(FailureClassifier.classify(t, context), 0, new byte[0], false);
    } finally {
      if (files != null) {
        files.close();
      }
    }
    try {
      return finish(returnCode);
    } catch (Throwable t) {
      Fatal.rethrowIfFatal(t);
      return failed(FailureClassifier.classify(t, context), returnCode, new byte[0], true);
    }
  }

  /**
   * WASI for modules that import it; none (null) for modules that don't, such as most original-API functions. Its
   * clock and random bytes come from the invocation's replay inputs ({@link GuestClock}, {@link GuestRandom}).
   */
  private WasiPreview1 wasi(Invocation invocation) {
    if (!module.importsWasi()) {
      return null;
    }
    CallStreams streams = context.streams();
    clock = new GuestClock(context.clockStartMillis());
    WasiOptions.Builder options =
        WasiOptions.builder()
            .withStdin(new ByteArrayInputStream(invocation.input()))
            .withStdout(streams.stdout())
            .withStderr(streams.stderr())
            .withArguments(arguments(invocation))
            .withClock(clock.asClock())
            .withRandom(new GuestRandom(invocation.seed()));
    if (module.usesFiles()) {
      files = GuestFiles.create(sharedFiles());
      files.addTo(options);
      context.files(files);
      readOnly = new ReadOnlyFds(GuestFiles.readOnlyPreopens());
    }
    return WasiPreview1.builder().withLogger(WASI_LOGGER).withOptions(options.build()).build();
  }

  /** {@code argv}: the function name, then the call's arguments. */
  private static List<String> arguments(Invocation invocation) {
    List<String> argv = new java.util.ArrayList<>(1 + invocation.args().size());
    argv.add(invocation.function());
    argv.addAll(invocation.args());
    return argv;
  }

  private java.util.Optional<java.nio.file.Path> sharedFiles() {
    try {
      return context.host().sharedFiles();
    } catch (RuntimeException e) {
      throw new GuestFailure(FailureKind.INTERNAL, "cannot get the user's shared files: " + e.getMessage(), e);
    }
  }

  private Instance instantiate(WasiPreview1 wasi) {
    ImportValues.Builder imports = ImportValues.builder();
    if (wasi != null) {
      HostFunction[] functions = wasi.toHostFunctions();
      for (int i = 0; i < functions.length; i++) {
        functions[i] = clock.replace(functions[i]);
        if (readOnly != null) {
          functions[i] = readOnly.wrap(functions[i]);
        }
      }
      imports.addFunction(functions);
    }
    imports.addFunction(new FaasmHostFunctions(context).forImportsOf(module.module()).toArray(HostFunction[]::new));
    return Instance.builder(module.module())
        .withImportValues(imports.build())
        .withMachineFactory(module.machineFactory())
        .withMemoryFactory(this::createMemory)
        .withStart(false)
        .build();
  }

  /**
   * Proto-Faaslets: a module exporting {@code _faasm_zygote} starts from the snapshot its zygote left; the first call
   * of the module (or any call while there is none) runs the zygote in its own fresh instance and keeps the snapshot.
   * A zygote that returns non-zero fails the call and leaves no snapshot.
   */
  private void startFromZygote(Instance instance) {
    if (module.zygote() == null) {
      return;
    }
    if (snapshot != null) {
      snapshot.restore(instance);
      return;
    }
    int returnCode;
    try {
      long[] result = instance.export(ZygoteSnapshot.EXPORT).apply();
      returnCode = result == null || result.length == 0 ? 0 : (int) result[0];
    } catch (WasiExitException e) {
      returnCode = e.exitCode();
    }
    if (returnCode != 0) {
      throw new GuestFailure(FailureKind.NON_ZERO_EXIT, ZygoteSnapshot.EXPORT + " returned " + returnCode);
    }
    if (snapshots) {
      module.zygote().offer(ZygoteSnapshot.take(instance, declaredInitialPages));
    }
  }

  /** The guest's memory: capped at the memory limit, with room for the original API's region when needed. */
  private CappedMemory createMemory(MemoryLimits declared) {
    int cap = Math.min(declared.maximumPages(), context.config().memoryLimitPages());
    int initial = declared.initialPages();
    declaredInitialPages = initial;
    if (snapshot != null && snapshot.pages() > initial) {
      if (snapshot.pages() > cap) {
        throw new GuestFailure(FailureKind.MEMORY_LIMIT, "the zygote's snapshot of " + snapshot.pages()
            + " pages exceeds the limit of " + cap + " pages");
      }
      initial = snapshot.pages();
    }
    if (usesOriginalStruct()) {
      int regionPages = OriginalAbi.regionPages(context.invocation().input().length);
      layout = OriginalAbi.layout(initial, context.invocation().input().length);
      initial += regionPages;
      if (initial > cap) {
        throw new GuestFailure(FailureKind.MEMORY_LIMIT, "the module's " + declared.initialPages()
            + " initial pages plus " + regionPages + " pages for the input and struct exceed the limit of "
            + cap + " pages");
      }
    }
    byte[] recycled = module.memories().take(initial * RuntimeConfig.PAGE_BYTES);
    CappedMemory memory = new CappedMemory(new MemoryLimits(initial, Math.max(initial, cap)), recycled);
    context.memory(memory);
    return memory;
  }

  private boolean usesOriginalStruct() {
    return module.info().entry() == EntryKind.ORIGINAL_EXEC && context.invocation().entryTableIndex() < 0;
  }

  private int enter(Instance instance) {
    int tableIndex = context.invocation().entryTableIndex();
    if (tableIndex >= 0) {
      initialize(instance);
      int function = FaasmHostFunctions.requireTableEntry(instance, tableIndex, "chained entry");
      return (int) instance.getMachine().call(function, new long[0])[0];
    }
    if (module.info().entry() == EntryKind.ORIGINAL_EXEC) {
      OriginalAbi.write(instance.memory(), layout, context.invocation().input());
      initialize(instance);
      return (int) instance.export(ModuleValidator.EXEC).apply(layout.struct())[0];
    }
    instance.export(ModuleValidator.START).apply();
    return 0;
  }

  private void initialize(Instance instance) {
    if (module.exportsInitialize()) {
      ExportFunction initialize = instance.export(ModuleValidator.INITIALIZE);
      initialize.apply();
    }
  }

  private CallOutcome finish(int returnCode) {
    if (returnCode != 0) {
      FailureClassifier.Failure failure = FailureClassifier.afterMemoryLimit(new FailureClassifier.Failure(
          FailureKind.NON_ZERO_EXIT, describeExit(returnCode)), context);
      return failed(failure, returnCode, outputOfFailedCall(), true);
    }
    byte[] output = output();
    if (output.length > context.config().outputLimitBytes()) {
      throw new GuestFailure(FailureKind.OUTPUT_LIMIT, "output of " + output.length
          + " bytes exceeds the limit of " + context.config().outputLimitBytes() + " bytes");
    }
    List<ChainedCall> deferred = List.of();
    if (usesOriginalStruct()) {
      deferred = OriginalAbi.readChains(context.memory(), layout);
      context.chains().reserve(deferred.size());
    }
    return new CallOutcome(FailureKind.NONE, 0, output, context.streams().logs(), null, deferred, 0, 0);
  }

  private byte[] output() {
    if (context.writtenOutput() != null) {
      return context.writtenOutput();
    }
    if (usesOriginalStruct()) {
      return OriginalAbi.readOutput(context.memory(), layout);
    }
    if (module.importsFaasmInterface()) {
      return new byte[0]; // as in Faasm: output only through __faasm_write_output; stdout is only logs
    }
    if (context.streams().stdoutOverflowed()) {
      throw new GuestFailure(FailureKind.OUTPUT_LIMIT, "stdout output exceeds the limit of "
          + context.config().outputLimitBytes() + " bytes");
    }
    return context.streams().stdoutBytes();
  }

  /** Whatever output a call that returned non-zero left, if it is valid and within the limit; else none. */
  private byte[] outputOfFailedCall() {
    try {
      byte[] output = output();
      return output.length <= context.config().outputLimitBytes() ? output : new byte[0];
    } catch (GuestFailure e) {
      return new byte[0];
    }
  }

  private String describeExit(int returnCode) {
    if (context.invocation().entryTableIndex() >= 0) {
      return "chained function at table index " + context.invocation().entryTableIndex() + " returned "
          + returnCode;
    }
    return module.info().entry() == EntryKind.ORIGINAL_EXEC
        ? "exec returned " + returnCode
        : "exited with code " + returnCode;
  }

  private CallOutcome failed(FailureClassifier.Failure failure, int returnCode, byte[] output, boolean returned) {
    return new CallOutcome(failure.kind(), returnCode, output, context.streams().logs(), failure.message(),
        List.of(), 0, 0, returned);
  }
}
