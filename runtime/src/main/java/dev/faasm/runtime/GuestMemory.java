package dev.faasm.runtime;

import com.dylibso.chicory.runtime.Memory;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Checked reads of guest memory for host functions: a bad pointer or length fails the call as a trap. */
final class GuestMemory {
  /** The platform's function-name rule (as the protocol module's {@code Names}). */
  private static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private GuestMemory() {}

  static byte[] read(Memory memory, int address, int length, String what) {
    checkRange(memory, address, length, what);
    return memory.readBytes(address, length);
  }

  static void write(Memory memory, int address, byte[] bytes, String what) {
    checkRange(memory, address, bytes.length, what);
    memory.write(address, bytes);
  }

  static void checkRange(Memory memory, int address, int length, String what) {
    long size = (long) memory.pages() * RuntimeConfig.PAGE_BYTES;
    if (length < 0) {
      throw new GuestFailure(FailureKind.TRAP, what + ": negative length " + length);
    }
    if (address < 0 && length > 0 || Integer.toUnsignedLong(address) + length > size) {
      throw new GuestFailure(FailureKind.TRAP, what + ": " + length + " bytes at address "
          + Integer.toUnsignedLong(address) + " are outside memory of " + size + " bytes");
    }
  }

  /**
   * A NUL-terminated function name starting at {@code address}, with the terminator within {@code maxBytes}.
   *
   * @throws GuestFailure {@link FailureKind#CHAIN_FAILED} if it is too long or not a valid function name
   */
  static String functionName(Memory memory, int address, int maxBytes, String what) {
    long size = (long) memory.pages() * RuntimeConfig.PAGE_BYTES;
    long start = Integer.toUnsignedLong(address);
    int length = 0;
    while (true) {
      if (length == maxBytes) {
        throw new GuestFailure(FailureKind.CHAIN_FAILED,
            what + ": function name too long (no NUL within " + maxBytes + " bytes)");
      }
      if (start + length >= size) {
        throw new GuestFailure(FailureKind.TRAP, what + ": function name runs past the end of memory");
      }
      if (memory.read((int) (start + length)) == 0) {
        break;
      }
      length++;
    }
    String name = new String(memory.readBytes(address, length), StandardCharsets.UTF_8);
    return requireFunctionName(name, what);
  }

  static String requireFunctionName(String name, String what) {
    if (!FUNCTION_NAME.matcher(name).matches()) {
      throw new GuestFailure(FailureKind.CHAIN_FAILED,
          what + ": invalid function name '" + name + "' (must match " + FUNCTION_NAME.pattern() + ")");
    }
    return name;
  }
}
