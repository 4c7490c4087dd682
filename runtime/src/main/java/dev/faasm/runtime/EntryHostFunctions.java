package dev.faasm.runtime;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Faasm's {@code __faasm_conf_flag} and {@code __faasm_backtrace} (signatures of faasm/cpp's {@code host_interface.h}):
 *
 * <ul>
 *   <li>{@code unsigned int __faasm_conf_flag(const char *key)}: the flag's value ({@link ConfFlags}), 0 if unknown;
 *   <li>{@code void __faasm_backtrace(const int depth)}: writes the guest's current call stack, innermost first and at
 *       most {@code depth} frames (all if {@code depth <= 0}), to the call's logs, one {@code #i name} line a frame.
 * </ul>
 */
final class EntryHostFunctions {
  static final String CONF_FLAG = "__faasm_conf_flag";
  static final String BACKTRACE = "__faasm_backtrace";

  /** Longest flag name read from guest memory. */
  private static final int MAX_KEY_BYTES = 256;

  /** Deepest backtrace written. */
  private static final int MAX_FRAMES = 64;

  static final Map<String, FunctionType> TYPES =
      Map.of(
          CONF_FLAG, FunctionType.of(List.of(ValType.I32), List.of(ValType.I32)),
          BACKTRACE, FunctionType.of(List.of(ValType.I32), List.of()));

  private EntryHostFunctions() {}

  /** The implementation of {@code name}, or {@code null} if it is not one of these. */
  static WasmFunctionHandle handle(String name, CallContext context, ConfFlags flags) {
    return switch (name) {
      case CONF_FLAG -> (instance, args) -> new long[] {flags.get(key(instance, (int) args[0]))};
      case BACKTRACE -> (instance, args) -> {
        context.streams().log(backtrace(instance, (int) args[0]));
        return null;
      };
      default -> null;
    };
  }

  /** The NUL-terminated key at {@code pointer}; traps if it runs past memory or {@value #MAX_KEY_BYTES} bytes. */
  private static String key(Instance instance, int pointer) {
    var memory = instance.memory();
    long size = (long) memory.pages() * RuntimeConfig.PAGE_BYTES;
    long start = Integer.toUnsignedLong(pointer);
    int length = 0;
    while (true) {
      if (length == MAX_KEY_BYTES) {
        throw new GuestFailure(FailureKind.TRAP, CONF_FLAG + ": key longer than " + MAX_KEY_BYTES + " bytes");
      }
      if (start + length >= size) {
        throw new GuestFailure(FailureKind.TRAP, CONF_FLAG + ": key runs past the end of memory");
      }
      if (memory.read((int) (start + length)) == 0) {
        break;
      }
      length++;
    }
    return new String(memory.readBytes(pointer, length), java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * The guest functions on the current thread's stack, innermost first: the frames of the compiled module's classes
   * ({@code func_<index>} methods), named from the module's name section when it has one.
   */
  static String backtrace(Instance instance, int depth) {
    int max = depth <= 0 ? MAX_FRAMES : Math.min(depth, MAX_FRAMES);
    List<String> frames = new ArrayList<>();
    for (StackTraceElement e : Thread.currentThread().getStackTrace()) {
      String method = e.getMethodName();
      if (!method.startsWith("func_")) {
        continue;
      }
      int index;
      try {
        index = Integer.parseInt(method.substring("func_".length()));
      } catch (NumberFormatException ex) {
        continue;
      }
      frames.add(functionName(instance, index));
      if (frames.size() == max) {
        break;
      }
    }
    StringBuilder out = new StringBuilder("[faasm] backtrace (" + frames.size() + " frames):\n");
    for (int i = 0; i < frames.size(); i++) {
      out.append("  #").append(i).append(' ').append(frames.get(i)).append('\n');
    }
    return out.toString();
  }

  private static String functionName(Instance instance, int index) {
    var names = instance.module().nameSection();
    String name = names == null ? null : names.nameOfFunction(index);
    return name != null ? name + " (function " + index + ")" : "function " + index;
  }
}
