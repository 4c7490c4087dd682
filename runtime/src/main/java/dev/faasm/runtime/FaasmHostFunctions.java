package dev.faasm.runtime;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.List;

/** The {@code env} host interface of one call (docs/abi.md), bound to its {@link CallContext}. */
final class FaasmHostFunctions {
  private static final FunctionType TABLE_ENTRY_TYPE = FunctionType.returning(ValType.I32);

  private final CallContext context;

  FaasmHostFunctions(CallContext context) {
    this.context = context;
  }

  /** Host functions for every {@code env} import of the module: implemented ones, and stubs for the rest. */
  List<HostFunction> forImportsOf(WasmModule module) {
    List<HostFunction> functions = new ArrayList<>();
    ImportSection imports = module.importSection();
    for (int i = 0; i < imports.importCount(); i++) {
      Import imported = imports.getImport(i);
      if (!HostInterface.ENV.equals(imported.module()) || imported.importType() != ExternalType.FUNCTION) {
        continue;
      }
      String name = imported.name();
      FunctionType declared = module.typeSection().getType(((FunctionImport) imported).typeIndex());
      functions.add(new HostFunction(HostInterface.ENV, name, declared, handle(name)));
    }
    return functions;
  }

  private WasmFunctionHandle handle(String name) {
    switch (name) {
      case HostInterface.READ_INPUT:
        return (instance, args) -> result(readInput(instance, (int) args[0], (int) args[1]));
      case HostInterface.WRITE_OUTPUT:
        return (instance, args) -> {
          writeOutput(instance, (int) args[0], (int) args[1]);
          return null;
        };
      case HostInterface.CHAIN_NAME:
        return (instance, args) -> result(chainName(instance, (int) args[0], (int) args[1], (int) args[2]));
      case HostInterface.CHAIN_PTR:
        return (instance, args) -> result(chainPtr(instance, (int) args[0], (int) args[1], (int) args[2]));
      case HostInterface.AWAIT_CALL:
        return (instance, args) -> result(await((int) args[0]).guestReturnCode());
      case HostInterface.AWAIT_CALL_OUTPUT:
        return (instance, args) ->
            result(awaitOutput(instance, (int) args[0], (int) args[1], (int) args[2]));
      default:
        WasmFunctionHandle entry = EntryHostFunctions.handle(name, context, ConfFlags.PROCESS);
        if (entry != null) {
          return entry;
        }
        if (StateHostFunctions.handles(name)) {
          return new StateHostFunctions(context).handle(name);
        }
        return (instance, args) -> {
          throw new GuestFailure(FailureKind.UNSUPPORTED_HOST_FUNCTION,
              "unsupported host function " + HostInterface.ENV + "." + name);
        };
    }
  }

  private int readInput(Instance instance, int buffer, int bufferLength) {
    byte[] input = context.invocation().input();
    if (bufferLength == 0) {
      return input.length;
    }
    if (bufferLength < 0) {
      throw new GuestFailure(FailureKind.TRAP, "__faasm_read_input: negative buffer length " + bufferLength);
    }
    int count = Math.min(bufferLength, input.length);
    GuestMemory.checkRange(instance.memory(), buffer, count, "__faasm_read_input");
    instance.memory().write(buffer, input, 0, count);
    return count;
  }

  private void writeOutput(Instance instance, int pointer, int length) {
    if (length > context.config().outputLimitBytes()) {
      throw new GuestFailure(FailureKind.OUTPUT_LIMIT, "output of " + length
          + " bytes exceeds the limit of " + context.config().outputLimitBytes() + " bytes");
    }
    context.writeOutput(GuestMemory.read(instance.memory(), pointer, length, "__faasm_write_output"));
  }

  private int chainName(Instance instance, int namePointer, int input, int inputLength) {
    Memory memory = instance.memory();
    String function = GuestMemory.functionName(memory, namePointer, 65, "__faasm_chain_name");
    byte[] bytes = GuestMemory.read(memory, input, inputLength, "__faasm_chain_name");
    return context.chains().dispatch(function, bytes, -1);
  }

  private int chainPtr(Instance instance, int tableIndex, int input, int inputLength) {
    requireTableEntry(instance, tableIndex, "__faasm_chain_ptr");
    byte[] bytes = GuestMemory.read(instance.memory(), input, inputLength, "__faasm_chain_ptr");
    return context.chains().dispatch(context.invocation().function(), bytes, tableIndex);
  }

  private ChainResult await(int handle) {
    return context.chains().await(handle, context.slot(), context.remaining());
  }

  private int awaitOutput(Instance instance, int handle, int outPointerPointer, int outLengthPointer) {
    ExportFunction malloc = exportedMalloc(instance);
    ChainResult result = await(handle);
    byte[] output = result.output();
    int pointer = (int) malloc.apply(Math.max(1, output.length))[0];
    if (pointer == 0) {
      throw new GuestFailure(FailureKind.MEMORY_LIMIT, "__faasm_await_call_output: malloc("
          + output.length + ") returned NULL");
    }
    Memory memory = instance.memory();
    GuestMemory.write(memory, pointer, output, "__faasm_await_call_output");
    GuestMemory.checkRange(memory, outPointerPointer, 4, "__faasm_await_call_output");
    GuestMemory.checkRange(memory, outLengthPointer, 4, "__faasm_await_call_output");
    memory.writeI32(outPointerPointer, pointer);
    memory.writeI32(outLengthPointer, output.length);
    return result.guestReturnCode();
  }

  private static ExportFunction exportedMalloc(Instance instance) {
    if (ModuleValidator.findFunctionExport(instance.module(), ModuleValidator.MALLOC).isEmpty()) {
      throw new GuestFailure(FailureKind.CHAIN_FAILED,
          "__faasm_await_call_output needs the module to export malloc");
    }
    return instance.export(ModuleValidator.MALLOC);
  }

  /**
   * The function index at {@code tableIndex} of table 0, checked to be a {@code () -> i32} function.
   *
   * @throws GuestFailure {@link FailureKind#TRAP} otherwise
   */
  static int requireTableEntry(Instance instance, int tableIndex, String what) {
    if (instance.module().tableSection().tableCount() == 0 && instance.imports().tableCount() == 0) {
      throw new GuestFailure(FailureKind.TRAP, what + ": the module has no table");
    }
    TableInstance table = instance.table(0);
    if (tableIndex < 0 || tableIndex >= table.size() || table.ref(tableIndex) < 0) {
      throw new GuestFailure(FailureKind.TRAP, what + ": no function at table index " + tableIndex);
    }
    int function = table.ref(tableIndex);
    FunctionType type = instance.type(instance.functionType(function));
    if (!TABLE_ENTRY_TYPE.typesMatch(type)) {
      throw new GuestFailure(FailureKind.TRAP, what + ": function at table index " + tableIndex
          + " has type " + type + ", expected " + TABLE_ENTRY_TYPE);
    }
    return function;
  }

  private static long[] result(int value) {
    return new long[] {value};
  }
}
