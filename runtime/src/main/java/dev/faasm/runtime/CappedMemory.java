package dev.faasm.runtime;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.nio.charset.Charset;

/**
 * A guest's linear memory, capped at its maximum pages: a {@code memory.grow} past the cap returns -1 to the guest
 * (so malloc returns NULL) and is remembered, so a guest that fails afterwards is reported as having hit the memory
 * limit. Everything else is delegated to a {@link LinearMemory}, which may start from an array a previous call of
 * the same module gave back ({@link MemoryPool}) and gives its array back clean at {@link #release()}.
 */
final class CappedMemory implements Memory {
  private final LinearMemory delegate;
  private volatile boolean limitReached;

  /** @param recycled an all-zero array of exactly the initial size, or {@code null} for a new one */
  CappedMemory(MemoryLimits limits, byte[] recycled) {
    this.delegate = new LinearMemory(limits, recycled);
  }

  CappedMemory(MemoryLimits limits) {
    this(limits, null);
  }

  /**
   * Ends the memory at the end of its call: its array, zeroed where the call wrote, if another memory of the same
   * initial size can reuse it, else {@code null}. {@link #pages()} still answers; nothing else may be used after.
   */
  byte[] release() {
    return delegate.release();
  }

  /** The length of {@code [start, start + length)} without its trailing zero bytes (no copy). */
  int lengthWithoutTrailingZeros(int start, int length) {
    return delegate.lengthWithoutTrailingZeros(start, length);
  }

  /** Whether a grow was refused because of the cap. */
  boolean limitReached() {
    return limitReached;
  }

  @Override
  public int grow(int pages) {
    int previous = delegate.grow(pages);
    if (previous < 0) {
      limitReached = true;
    }
    return previous;
  }

  @Override
  public int pages() {
    return delegate.pages();
  }

  @Override
  public int initialPages() {
    return delegate.initialPages();
  }

  @Override
  public int maximumPages() {
    return delegate.maximumPages();
  }

  @Override
  public boolean shared() {
    return delegate.shared();
  }

  @Override
  public Object lock(int address) {
    return delegate.lock(address);
  }

  @Override
  public int waitOn(int address, int expected, long timeout) {
    return delegate.waitOn(address, expected, timeout);
  }

  @Override
  public int waitOn(int address, long expected, long timeout) {
    return delegate.waitOn(address, expected, timeout);
  }

  @Override
  public int notify(int address, int maxThreads) {
    return delegate.notify(address, maxThreads);
  }

  @Override
  public void initialize(Instance instance, DataSegment[] dataSegments) {
    delegate.initialize(instance, dataSegments);
  }

  @Override
  public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
    delegate.initPassiveSegment(segmentId, dest, offset, size);
  }

  @Override
  public void writeString(int offset, String data, Charset charSet) {
    delegate.writeString(offset, data, charSet);
  }

  @Override
  public String readString(int address, int len, Charset charSet) {
    return delegate.readString(address, len, charSet);
  }

  @Override
  public void write(int address, byte[] data, int offset, int size) {
    delegate.write(address, data, offset, size);
  }

  @Override
  public byte read(int address) {
    return delegate.read(address);
  }

  @Override
  public byte[] readBytes(int address, int len) {
    return delegate.readBytes(address, len);
  }

  @Override
  public void writeI32(int address, int data) {
    delegate.writeI32(address, data);
  }

  @Override
  public int readInt(int address) {
    return delegate.readInt(address);
  }

  @Override
  public void writeLong(int address, long data) {
    delegate.writeLong(address, data);
  }

  @Override
  public long readLong(int address) {
    return delegate.readLong(address);
  }

  @Override
  public void writeShort(int address, short data) {
    delegate.writeShort(address, data);
  }

  @Override
  public short readShort(int address) {
    return delegate.readShort(address);
  }

  @Override
  public long readU16(int address) {
    return delegate.readU16(address);
  }

  @Override
  public void writeByte(int address, byte data) {
    delegate.writeByte(address, data);
  }

  @Override
  public void writeF32(int address, float data) {
    delegate.writeF32(address, data);
  }

  @Override
  public long readF32(int address) {
    return delegate.readF32(address);
  }

  @Override
  public float readFloat(int address) {
    return delegate.readFloat(address);
  }

  @Override
  public void writeF64(int address, double data) {
    delegate.writeF64(address, data);
  }

  @Override
  public double readDouble(int address) {
    return delegate.readDouble(address);
  }

  @Override
  public long readF64(int address) {
    return delegate.readF64(address);
  }

  @Override
  public void zero() {
    // A new instance zeroes its memory while initialising: only the blocks a write touched (none in a new memory).
    delegate.zero();
  }

  @Override
  public void fill(byte value, int fromIndex, int toIndex) {
    delegate.fill(value, fromIndex, toIndex);
  }

  @Override
  public void copy(int dest, int src, int size) {
    delegate.copy(dest, src, size);
  }

  @Override
  public void drop(int segment) {
    delegate.drop(segment);
  }
}
