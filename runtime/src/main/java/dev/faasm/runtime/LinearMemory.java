package dev.faasm.runtime;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.runtime.alloc.DefaultMemAllocStrategy;
import com.dylibso.chicory.runtime.alloc.MemAllocStrategy;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A guest's linear memory in one Java array, behaving as Chicory 1.6.1's {@code ByteArrayMemory} does (the same
 * little-endian accessors, bounds checks by the array's bounds with the same out-of-bounds messages, the same growth:
 * exact at first, then doubling up to the maximum) — and, unlike it, able to start from a recycled array and to give
 * its array back clean.
 *
 * <p>For that it notes which 4 KiB blocks any write touched ("dirty" blocks). Every byte outside the dirty blocks (and
 * the few bytes after each that a write starting in it can reach) is zero, so {@link #release()} zeroes only those and
 * the array is as new: the next call of the module cannot see a byte this call wrote. The extra cost on the guest's
 * path is one array store per memory write.
 *
 * <p>Shared memories (threads) are rejected by the validator, so this memory is never shared: {@code lock} gives a
 * fresh object, {@code waitOn} fails and {@code notify} wakes nobody, as in Chicory for a non-shared memory.
 */
final class LinearMemory implements Memory {
  static final int BLOCK_SHIFT = 12;
  static final int BLOCK_BYTES = 1 << BLOCK_SHIFT;
  /** How far past its block a write starting in the block can reach: an 8-byte write starting at its last byte. */
  private static final int SPILL = 7;

  private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle FLOATS = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle DOUBLES =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

  /** Zeros to compare a dirty block's tail with, a chunk at a time (vectorised). */
  private static final byte[] ZEROS = new byte[256];

  private final MemoryLimits limits;
  private final MemAllocStrategy allocation;
  private DataSegment[] dataSegments;
  private byte[] buffer;
  /** One flag per block of {@link #buffer}: whether a write may have left a non-zero byte in it (or just after it). */
  private boolean[] dirty;
  private int nPages;

  /**
   * @param recycled an all-zero array of exactly the initial size to use instead of a new one, or {@code null}
   */
  LinearMemory(MemoryLimits limits, byte[] recycled) {
    if (limits.shared()) {
      throw new IllegalArgumentException("shared memories are not supported");
    }
    this.limits = limits;
    this.allocation = new DefaultMemAllocStrategy(Memory.bytes(limits.maximumPages()));
    int size = allocation.initial(PAGE_SIZE * limits.initialPages());
    if (recycled != null && recycled.length != size) {
      throw new IllegalArgumentException("recycled array of " + recycled.length + " bytes, expected " + size);
    }
    this.buffer = recycled != null ? recycled : new byte[size];
    this.dirty = new boolean[blocks(buffer.length)];
    this.nPages = limits.initialPages();
  }

  private static int blocks(int bytes) {
    return (bytes + BLOCK_BYTES - 1) >>> BLOCK_SHIFT;
  }

  /**
   * Ends this memory: zeroes what writes touched and returns the array if it can serve another memory of the same
   * initial size (it was never replaced by a grow), else {@code null}. The memory must not be used afterwards.
   */
  byte[] release() {
    byte[] array = buffer;
    buffer = null;
    if (array == null || array.length != PAGE_SIZE * limits.initialPages()) {
      return null;
    }
    clear(array, dirty);
    return array;
  }

  /** Zeroes every byte a write may have changed. */
  private static void clear(byte[] array, boolean[] dirty) {
    for (int block = 0; block < dirty.length; block++) {
      if (dirty[block]) {
        int from = block << BLOCK_SHIFT;
        Arrays.fill(array, from, Math.min(array.length, from + BLOCK_BYTES + SPILL), (byte) 0);
        dirty[block] = false;
      }
    }
  }

  /**
   * The length of {@code [start, start + length)} without its trailing zero bytes, found from the end without copying:
   * blocks no write touched are skipped whole, the others compared with zeros backwards in chunks.
   */
  int lengthWithoutTrailingZeros(int start, int length) {
    checkBounds(start, length, buffer.length, WasmRuntimeException::new);
    int end = start + length;
    while (end > start) {
      int block = (end - 1) >>> BLOCK_SHIFT;
      int blockStart = Math.max(start, block << BLOCK_SHIFT);
      int limit; // the bytes of [blockStart, end) that may be non-zero end here
      if (dirty[block]) {
        limit = end;
      } else if (block > 0 && dirty[block - 1]) {
        limit = Math.max(blockStart, Math.min(end, (block << BLOCK_SHIFT) + SPILL));
      } else {
        limit = blockStart;
      }
      int i = limit;
      while (i - ZEROS.length >= blockStart
          && Arrays.mismatch(buffer, i - ZEROS.length, i, ZEROS, 0, ZEROS.length) < 0) {
        i -= ZEROS.length;
      }
      while (i - Long.BYTES >= blockStart && (long) LONGS.get(buffer, i - Long.BYTES) == 0L) {
        i -= Long.BYTES;
      }
      while (i > blockStart && buffer[i - 1] == 0) {
        i--;
      }
      if (i > blockStart) {
        return i - start;
      }
      end = blockStart;
    }
    return 0;
  }

  private void markDirty(int address) {
    dirty[address >>> BLOCK_SHIFT] = true;
  }

  /** Marks {@code [address, address + size)}, already checked to lie in the array. */
  private void markDirty(int address, int size) {
    if (size <= 0) {
      return;
    }
    int last = (address + size - 1) >>> BLOCK_SHIFT;
    for (int block = address >>> BLOCK_SHIFT; block <= last; block++) {
      dirty[block] = true;
    }
  }

  @Override
  public int pages() {
    return nPages;
  }

  @Override
  public int grow(int delta) {
    int previous = nPages;
    int pages = previous + delta;
    if (pages > maximumPages() || pages < previous) {
      return -1;
    }
    int needed = PAGE_SIZE * pages;
    if (needed > buffer.length) {
      byte[] grown = new byte[allocation.next(buffer.length, needed)];
      System.arraycopy(buffer, 0, grown, 0, buffer.length);
      buffer = grown;
      dirty = Arrays.copyOf(dirty, blocks(grown.length));
    }
    nPages = pages;
    return previous;
  }

  @Override
  public int initialPages() {
    return limits.initialPages();
  }

  @Override
  public int maximumPages() {
    return Math.min(limits.maximumPages(), RUNTIME_MAX_PAGES);
  }

  @Override
  public boolean shared() {
    return false;
  }

  @Override
  @SuppressWarnings("deprecation")
  public Object lock(int address) {
    return new Object();
  }

  @Override
  public int waitOn(int address, int expected, long timeout) {
    throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
  }

  @Override
  public int waitOn(int address, long expected, long timeout) {
    throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
  }

  @Override
  public int notify(int address, int maxThreads) {
    return 0;
  }

  @Override
  public void initialize(Instance instance, DataSegment[] segments) {
    this.dataSegments = segments;
    if (segments == null) {
      return;
    }
    for (DataSegment segment : segments) {
      if (segment instanceof ActiveDataSegment) {
        ActiveDataSegment active = (ActiveDataSegment) segment;
        byte[] data = active.data();
        int offset = offset(instance, active.offsetInstructions());
        checkBounds(offset, data.length, sizeInBytes(), UninstantiableException::new);
        System.arraycopy(data, 0, buffer, offset, data.length);
        markDirty(offset, data.length);
      } else if (!(segment instanceof PassiveDataSegment)) {
        throw new ChicoryException("Data segment should be active or passive: " + segment);
      }
    }
  }

  /**
   * The value of a data segment's offset: a constant expression of a 32-bit memory ({@code i32.const},
   * {@code global.get}, and the extended-constant {@code i32.add/sub/mul}), as Chicory evaluates it.
   */
  private static int offset(Instance instance, List<Instruction> expression) {
    int[] stack = new int[expression.size()];
    int depth = 0;
    for (Instruction instruction : expression) {
      OpCode opcode = instruction.opcode();
      if (opcode == OpCode.I32_CONST) {
        stack[depth++] = (int) instruction.operand(0);
      } else if (opcode == OpCode.GLOBAL_GET) {
        stack[depth++] = (int) instance.global((int) instruction.operand(0)).getValueLow();
      } else if (opcode == OpCode.I32_ADD) {
        depth--;
        stack[depth - 1] += stack[depth];
      } else if (opcode == OpCode.I32_SUB) {
        depth--;
        stack[depth - 1] -= stack[depth];
      } else if (opcode == OpCode.I32_MUL) {
        depth--;
        stack[depth - 1] *= stack[depth];
      } else if (opcode != OpCode.END) {
        throw new ChicoryException("unsupported data segment offset instruction: " + opcode);
      }
    }
    if (depth != 1) {
      throw new ChicoryException("invalid data segment offset expression");
    }
    return stack[0];
  }

  private static void checkBounds(int address, int size, int limit,
      Function<String, ? extends ChicoryException> exception) {
    if (address < 0 || size < 0 || address > limit || (size > 0 && address + size > limit)) {
      throw exception.apply(outOfBoundsMessage(address, size, limit));
    }
  }

  private static String outOfBoundsMessage(int address, int size, int limit) {
    return "out of bounds memory access: attempted to access address: " + address + " but limit is: " + limit
        + " and size: " + size;
  }

  /** Chicory's translation of a failed array access into a wasm trap; anything else is passed on. */
  private RuntimeException outOfBounds(RuntimeException e, int address, int size) {
    if (e instanceof IndexOutOfBoundsException
        || e instanceof java.nio.BufferOverflowException
        || e instanceof java.nio.BufferUnderflowException
        || e instanceof IllegalArgumentException
        || e instanceof NegativeArraySizeException) {
      return new WasmRuntimeException(outOfBoundsMessage(address, size, sizeInBytes()));
    }
    return e;
  }

  @Override
  public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
    write(dest, dataSegments[segmentId].data(), offset, size);
  }

  private int sizeInBytes() {
    return PAGE_SIZE * nPages;
  }

  @Override
  public void write(int address, byte[] data, int offset, int size) {
    try {
      System.arraycopy(data, offset, buffer, address, size);
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, size);
    }
    markDirty(address, size);
  }

  @Override
  public byte read(int address) {
    try {
      return buffer[address];
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, 1);
    }
  }

  @Override
  public byte[] readBytes(int address, int length) {
    try {
      byte[] bytes = new byte[length];
      System.arraycopy(buffer, address, bytes, 0, length);
      return bytes;
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, length);
    }
  }

  @Override
  public void writeI32(int address, int data) {
    try {
      INTS.set(buffer, address, data);
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, 4);
    }
    markDirty(address);
  }

  @Override
  public int readInt(int address) {
    try {
      return (int) INTS.get(buffer, address);
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, 4);
    }
  }

  @Override
  public void writeLong(int address, long data) {
    try {
      LONGS.set(buffer, address, data);
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, 8);
    }
    markDirty(address);
  }

  @Override
  public long readLong(int address) {
    try {
      return (long) LONGS.get(buffer, address);
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, 8);
    }
  }

  @Override
  public void writeShort(int address, short data) {
    try {
      SHORTS.set(buffer, address, data);
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, 2);
    }
    markDirty(address);
  }

  @Override
  public short readShort(int address) {
    try {
      return (short) SHORTS.get(buffer, address);
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, 2);
    }
  }

  @Override
  public long readU16(int address) {
    try {
      return ((short) SHORTS.get(buffer, address)) & 0xFFFF;
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, 2);
    }
  }

  @Override
  public void writeByte(int address, byte data) {
    try {
      buffer[address] = data;
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, 1);
    }
    markDirty(address);
  }

  @Override
  public void writeF32(int address, float data) {
    try {
      FLOATS.set(buffer, address, data);
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, 4);
    }
    markDirty(address);
  }

  @Override
  public long readF32(int address) {
    try {
      return (int) INTS.get(buffer, address);
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, 4);
    }
  }

  @Override
  public float readFloat(int address) {
    try {
      return (float) FLOATS.get(buffer, address);
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, 4);
    }
  }

  @Override
  public void writeF64(int address, double data) {
    try {
      DOUBLES.set(buffer, address, data);
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, 8);
    }
    markDirty(address);
  }

  @Override
  public double readDouble(int address) {
    try {
      return (double) DOUBLES.get(buffer, address);
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, 8);
    }
  }

  @Override
  public long readF64(int address) {
    try {
      return (long) LONGS.get(buffer, address);
    } catch (RuntimeException e) {
      throw outOfBounds(e, address, 8);
    }
  }

  /** Zeroes the whole array (a new instance's memory before its data segments): only the blocks writes touched. */
  @Override
  public void zero() {
    clear(buffer, dirty);
  }

  @Override
  public void fill(byte value, int fromIndex, int toIndex) {
    try {
      Arrays.fill(buffer, fromIndex, toIndex, value);
    } catch (RuntimeException e) {
      throw outOfBounds(e, fromIndex, toIndex - fromIndex);
    }
    markDirty(fromIndex, toIndex - fromIndex);
  }

  /** As Chicory's default (read the source range, then write it) without the intermediate copy. */
  @Override
  public void copy(int dest, int src, int size) {
    if (size < 0 || src < 0 || src > buffer.length - size) {
      readBytes(src, size); // throws Chicory's error for the source range
    }
    write(dest, buffer, src, size);
  }

  @Override
  public void drop(int segment) {
    dataSegments[segment] = PassiveDataSegment.EMPTY;
  }
}
