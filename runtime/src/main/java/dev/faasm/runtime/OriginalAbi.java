package dev.faasm.runtime;

import com.dylibso.chicory.runtime.Memory;
import java.util.ArrayList;
import java.util.List;

/**
 * The original Faasm API's {@code struct FaasmMemory} (docs/abi.md): where the host puts it, how it fills it before
 * {@code exec} and how it reads output and deferred chained calls after.
 *
 * <p>The region sits above the module's declared initial memory: struct, chain counters, chain names, then the
 * input, the output buffer and the chain input slots, each 8-byte aligned.
 */
final class OriginalAbi {
  static final int MAX_CHAINS = 16;
  static final int MAX_NAME_LENGTH = 64;
  static final int MAX_CHAIN_INPUT_BYTES = 4096;
  static final int MIN_OUTPUT_CAPACITY = 65536;
  private static final int STRUCT_BYTES = 36;

  /** Addresses of the region for one call. */
  record Layout(
      int struct,
      int chainCount,
      int chainInputLengths,
      int chainFunctions,
      int input,
      int inputLength,
      int output,
      int outputCapacity,
      int chainInputs,
      int end) {}

  private OriginalAbi() {}

  /** Pages the region needs for an input of {@code inputLength} bytes. */
  static int regionPages(int inputLength) {
    long bytes = layoutFrom(0, inputLength).end();
    return (int) ((bytes + RuntimeConfig.PAGE_BYTES - 1) / RuntimeConfig.PAGE_BYTES);
  }

  /** The layout of a region starting at page {@code firstPage}. */
  static Layout layout(int firstPage, int inputLength) {
    return layoutFrom((long) firstPage * RuntimeConfig.PAGE_BYTES, inputLength);
  }

  private static Layout layoutFrom(long base, int inputLength) {
    int capacity = Math.max(inputLength, MIN_OUTPUT_CAPACITY);
    long chainCount = align(base + STRUCT_BYTES);
    long chainInputLengths = align(chainCount + 4);
    long chainFunctions = align(chainInputLengths + 4L * MAX_CHAINS);
    long input = align(chainFunctions + (long) MAX_CHAINS * MAX_NAME_LENGTH);
    long output = align(input + inputLength);
    long chainInputs = align(output + capacity);
    long end = chainInputs + (long) MAX_CHAINS * MAX_CHAIN_INPUT_BYTES;
    if (end > RuntimeConfig.MAX_MEMORY_BYTES) {
      throw new GuestFailure(FailureKind.MEMORY_LIMIT,
          "input of " + inputLength + " bytes does not fit in a 32-bit memory");
    }
    return new Layout((int) base, (int) chainCount, (int) chainInputLengths, (int) chainFunctions, (int) input,
        inputLength, (int) output, capacity, (int) chainInputs, (int) end);
  }

  /** Fills the struct and copies the input; the rest of the region is already zero in a fresh memory. */
  static void write(Memory memory, Layout layout, byte[] input) {
    memory.writeI32(layout.struct(), layout.input());
    memory.writeI32(layout.struct() + 4, layout.output());
    memory.writeI32(layout.struct() + 8, layout.chainFunctions());
    memory.writeI32(layout.struct() + 12, layout.chainInputs());
    memory.writeI32(layout.struct() + 16, layout.chainCount());
    memory.writeI32(layout.struct() + 20, input.length);
    memory.writeI32(layout.struct() + 24, -1);
    memory.writeI32(layout.struct() + 28, layout.outputCapacity());
    memory.writeI32(layout.struct() + 32, layout.chainInputLengths());
    memory.writeI32(layout.chainCount(), 0);
    memory.write(layout.input(), input);
  }

  /** The output per the ABI: {@code outputLength} bytes if set, else the buffer without trailing zero bytes. */
  static byte[] readOutput(Memory memory, Layout layout) {
    int length = memory.readInt(layout.struct() + 24);
    if (length > layout.outputCapacity()) {
      throw new GuestFailure(FailureKind.TRAP, "outputLength " + length
          + " exceeds the output capacity of " + layout.outputCapacity() + " bytes");
    }
    if (length >= 0) {
      return memory.readBytes(layout.output(), length);
    }
    return withoutTrailingZeros(memory, layout.output(), layout.outputCapacity());
  }

  /** Bytes read at a time from the end of the buffer when the memory cannot answer without a copy. */
  private static final int BLOCK_BYTES = 4096;

  /**
   * The bytes of {@code [start, start + capacity)} without trailing zero bytes, found from the end: in the runtime's
   * own memory without copying (it knows which blocks were never written), else by reading blocks from the end.
   */
  static byte[] withoutTrailingZeros(Memory memory, int start, int capacity) {
    if (memory instanceof CappedMemory) {
      return memory.readBytes(start, ((CappedMemory) memory).lengthWithoutTrailingZeros(start, capacity));
    }
    int end = start + capacity;
    while (end > start) {
      int blockStart = Math.max(start, end - BLOCK_BYTES);
      byte[] block = memory.readBytes(blockStart, end - blockStart);
      int i = block.length;
      while (i > 0 && block[i - 1] == 0) {
        i--;
      }
      if (i > 0) {
        return memory.readBytes(start, blockStart + i - start);
      }
      end = blockStart;
    }
    return new byte[0];
  }

  /** The deferred chained calls recorded in the slots, with names and lengths checked. */
  static List<ChainedCall> readChains(Memory memory, Layout layout) {
    int count = memory.readInt(layout.chainCount());
    if (count < 0 || count > MAX_CHAINS) {
      throw new GuestFailure(FailureKind.CHAIN_FAILED,
          "chainCount " + count + " is outside 0.." + MAX_CHAINS);
    }
    List<ChainedCall> calls = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String what = "chained call " + i;
      String name = GuestMemory.functionName(memory, layout.chainFunctions() + i * MAX_NAME_LENGTH,
          MAX_NAME_LENGTH, what);
      int length = memory.readInt(layout.chainInputLengths() + 4 * i);
      if (length < 0 || length > MAX_CHAIN_INPUT_BYTES) {
        throw new GuestFailure(FailureKind.CHAIN_FAILED,
            what + ": input length " + length + " is outside 0.." + MAX_CHAIN_INPUT_BYTES);
      }
      byte[] input = memory.readBytes(layout.chainInputs() + i * MAX_CHAIN_INPUT_BYTES, length);
      calls.add(new ChainedCall(name, input, -1));
    }
    return calls;
  }

  private static long align(long address) {
    return (address + 7) & ~7L;
  }
}
