package dev.faasm.runtime;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.ActiveElement;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.Element;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.TableSection;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/** Decides whether module bytes can run on this platform, naming the first problem found (docs/abi.md). */
final class ModuleValidator {
  static final String EXEC = "exec";
  static final String START = "_start";
  static final String INITIALIZE = "_initialize";
  static final String MALLOC = "malloc";

  private static final byte[] MAGIC = {0x00, 0x61, 0x73, 0x6d};
  private static final FunctionType EXEC_TYPE = FunctionType.of(List.of(ValType.I32), List.of(ValType.I32));

  /** A module that passed validation. */
  record Validated(ModuleInfo info, WasmModule module) {}

  private final int memoryLimitPages;

  ModuleValidator(int memoryLimitPages) {
    this.memoryLimitPages = memoryLimitPages;
  }

  /**
   * @param digest the lowercase hex SHA-256 of {@code wasm}
   * @throws InvalidModuleException naming the problem
   */
  Validated validate(byte[] wasm, String digest) {
    checkHeader(wasm);
    ModuleFraming.check(wasm);
    WasmModule module = parse(wasm);
    SimdCheck.findSimd(module)
        .ifPresent(
            where -> {
              throw invalid("SIMD is not supported (" + where + ")");
            });
    try {
      List<String> stubs = checkImports(module);
      EntryKind entry = entryKind(module);
      checkMemory(module, entry);
      checkSegments(module);
      checkAwaitOutput(module);
      return new Validated(new ModuleInfo(digest, wasm.length, entry, stubs), module);
    } catch (IndexOutOfBoundsException e) {
      // The parser does not check every index a module holds (exports, imports' types): one out of range is a
      // malformed module, not an error of ours.
      throw new InvalidModuleException("malformed module: an index out of range (" + e.getMessage() + ")", e);
    }
  }

  private static void checkHeader(byte[] wasm) {
    if (wasm.length < 8) {
      throw invalid("not a WebAssembly module: " + wasm.length + " bytes is too short for the header");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (wasm[i] != MAGIC[i]) {
        throw invalid("not a WebAssembly module: bad magic bytes (expected \\0asm)");
      }
    }
    if (wasm[4] != 1 || wasm[5] != 0 || wasm[6] != 0 || wasm[7] != 0) {
      throw invalid("unsupported WebAssembly binary version (expected 1)");
    }
  }

  private static WasmModule parse(byte[] wasm) {
    try {
      return Parser.parse(wasm);
    } catch (ChicoryException e) {
      throw new InvalidModuleException("malformed module: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new InvalidModuleException("malformed module: " + e, e);
    } catch (AssertionError e) {
      // One of the parser's own consistency checks, active under -ea (tests), failed on these bytes; without -ea
      // the parser skips that check and the rest of validation judges the module. Either way no internal error.
      throw new InvalidModuleException("malformed module: " + e, e);
    }
  }

  private static List<String> checkImports(WasmModule module) {
    List<String> stubs = new ArrayList<>();
    ImportSection imports = module.importSection();
    for (int i = 0; i < imports.importCount(); i++) {
      Import imported = imports.getImport(i);
      String name = imported.module() + "." + imported.name();
      if (imported.importType() != ExternalType.FUNCTION) {
        throw invalid("unsupported import " + name + ": only functions can be imported, not a "
            + imported.importType().name().toLowerCase(Locale.ROOT));
      }
      int typeIndex = ((FunctionImport) imported).typeIndex();
      if (typeIndex < 0 || typeIndex >= module.typeSection().typeCount()) {
        throw invalid("malformed module: import " + name + " names type " + typeIndex + " of "
            + module.typeSection().typeCount());
      }
      FunctionType type = module.typeSection().getType(typeIndex);
      if (HostInterface.WASI.equals(imported.module())) {
        requireType(name, HostInterface.WASI_FUNCTIONS.get(imported.name()), type);
      } else if (HostInterface.ENV.equals(imported.module())
          && HostInterface.IMPLEMENTED.containsKey(imported.name())) {
        requireType(name, HostInterface.IMPLEMENTED.get(imported.name()), type);
      } else if (HostInterface.ENV.equals(imported.module())
          && HostInterface.STUBBED.contains(imported.name())) {
        stubs.add(name);
      } else {
        throw invalid("unknown import " + name);
      }
    }
    return stubs;
  }

  private static void requireType(String name, FunctionType expected, FunctionType actual) {
    if (expected == null) {
      throw invalid("unknown import " + name);
    }
    if (!expected.typesMatch(actual)) {
      throw invalid("import " + name + " has type " + actual + ", expected " + expected);
    }
  }

  private static EntryKind entryKind(WasmModule module) {
    Optional<Export> exec = findFunctionExport(module, EXEC);
    if (exec.isPresent()) {
      FunctionType type = functionType(module, exec.get().index());
      if (!EXEC_TYPE.typesMatch(type)) {
        throw invalid("export exec has type " + type + ", expected " + EXEC_TYPE);
      }
      return EntryKind.ORIGINAL_EXEC;
    }
    Optional<Export> start = findFunctionExport(module, START);
    if (start.isPresent()) {
      FunctionType type = functionType(module, start.get().index());
      if (!type.params().isEmpty()) {
        throw invalid("export _start has type " + type + ", expected () -> nil");
      }
      return EntryKind.WASI_START;
    }
    throw new InvalidModuleException("no entry point: export exec or _start");
  }

  private void checkMemory(WasmModule module, EntryKind entry) {
    Optional<MemoryLimits> limits =
        module.memorySection()
            .filter(section -> section.memoryCount() > 0)
            .map(section -> section.getMemory(0).limits());
    if (limits.isEmpty()) {
      if (entry == EntryKind.ORIGINAL_EXEC) {
        throw invalid("the original API (exec) needs the module to define a memory");
      }
      if (importsHostInterface(module)) {
        throw invalid("the host interface (env.__faasm_*) needs the module to define a memory");
      }
      return;
    }
    if (limits.get().shared()) {
      throw invalid("shared memory (threads) is not supported");
    }
    int initial = limits.get().initialPages();
    int maximum = limits.get().maximumPages();
    if (entry == EntryKind.ORIGINAL_EXEC) {
      // The host puts the original API's struct and buffers above the declared memory: a call needs at least that.
      int area = OriginalAbi.regionPages(0);
      long needed = (long) initial + area;
      if (needed >= memoryLimitPages) {
        throw invalid("initial memory of " + initial + " pages plus " + area + " pages for the original API's area"
            + " reaches the memory limit of " + memoryLimitPages + " pages: no call could run");
      }
      if (maximum < needed) {
        throw invalid("declared maximum memory of " + maximum + " pages is below the " + needed + " pages a call"
            + " needs (" + initial + " initial pages plus " + area + " for the original API's area)");
      }
    } else if (initial > memoryLimitPages) {
      throw invalid("initial memory of " + initial + " pages exceeds the memory limit of " + memoryLimitPages
          + " pages");
    }
  }

  /**
   * Active data and element segments with constant offsets must fit the memory and table the module declares:
   * otherwise every instantiation traps before the entry point runs.
   */
  private static void checkSegments(WasmModule module) {
    long memoryBytes = module.memorySection()
        .filter(section -> section.memoryCount() > 0)
        .map(section -> (long) section.getMemory(0).limits().initialPages() * RuntimeConfig.PAGE_BYTES)
        .orElse(0L);
    DataSegment[] data = module.dataSection().dataSegments();
    for (int i = 0; i < data.length; i++) {
      if (data[i] instanceof ActiveDataSegment active) {
        OptionalLong offset = constantOffset(active.offsetInstructions());
        if (offset.isPresent() && offset.getAsLong() + active.data().length > memoryBytes) {
          throw invalid("data segment " + i + " (" + active.data().length + " bytes at offset " + offset.getAsLong()
              + ") lies outside the declared memory of " + memoryBytes + " bytes");
        }
      }
    }
    TableSection tables = module.tableSection();
    Element[] elements = module.elementSection().elements();
    for (int i = 0; i < elements.length; i++) {
      if (elements[i] instanceof ActiveElement active) {
        long size = active.tableIndex() < tables.tableCount() ? tables.getTable(active.tableIndex()).limits().min() : 0;
        OptionalLong offset = constantOffset(active.offset());
        if (offset.isPresent() && offset.getAsLong() + active.elementCount() > size) {
          throw invalid("element segment " + i + " (" + active.elementCount() + " entries at offset "
              + offset.getAsLong() + ") lies outside table " + active.tableIndex() + " of " + size + " entries");
        }
      }
    }
  }

  /** The value of an {@code i32.const} offset expression (as unsigned), or empty for any other expression. */
  private static OptionalLong constantOffset(List<Instruction> expression) {
    for (Instruction instruction : expression) {
      if (instruction.opcode() == OpCode.I32_CONST) {
        return OptionalLong.of(instruction.operand(0) & 0xFFFF_FFFFL);
      }
      if (instruction.opcode() != OpCode.END) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }

  /** {@code __faasm_await_call_output} hands the output over in memory from the guest's own {@code malloc}. */
  private static void checkAwaitOutput(WasmModule module) {
    ImportSection imports = module.importSection();
    for (int i = 0; i < imports.importCount(); i++) {
      Import imported = imports.getImport(i);
      if (HostInterface.ENV.equals(imported.module()) && HostInterface.AWAIT_CALL_OUTPUT.equals(imported.name())
          && findFunctionExport(module, MALLOC).isEmpty()) {
        throw invalid("imports env." + HostInterface.AWAIT_CALL_OUTPUT + " but does not export malloc, which the host"
            + " needs to hand over the output (link with -Wl,--export=malloc)");
      }
    }
  }

  private static boolean importsHostInterface(WasmModule module) {
    ImportSection imports = module.importSection();
    for (int i = 0; i < imports.importCount(); i++) {
      if (HostInterface.ENV.equals(imports.getImport(i).module())) {
        return true;
      }
    }
    return false;
  }

  static Optional<Export> findFunctionExport(WasmModule module, String name) {
    ExportSection exports = module.exportSection();
    for (int i = 0; i < exports.exportCount(); i++) {
      Export export = exports.getExport(i);
      if (export.name().equals(name) && export.exportType() == ExternalType.FUNCTION) {
        return Optional.of(export);
      }
    }
    return Optional.empty();
  }

  private static FunctionType functionType(WasmModule module, int functionIndex) {
    ImportSection imports = module.importSection();
    int seen = 0;
    for (int i = 0; i < imports.importCount(); i++) {
      Import imported = imports.getImport(i);
      if (imported.importType() == ExternalType.FUNCTION) {
        if (seen == functionIndex) {
          return module.typeSection().getType(((FunctionImport) imported).typeIndex());
        }
        seen++;
      }
    }
    return module.functionSection().getFunctionType(functionIndex - seen, module.typeSection());
  }

  private static InvalidModuleException invalid(String problem) {
    return new InvalidModuleException(problem);
  }
}
