package dev.faasm.runtime;

import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MutabilityType;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Proto-Faaslet: the memory and mutable globals a module's {@code _faasm_zygote} left, taken once per module
 * version (per loaded module) and copied into every later instance of it before its entry point runs, instead of
 * that instance starting from scratch.
 *
 * @param pages the memory's size when taken
 * @param memory its bytes, up to the last non-zero byte (at least the module's initial memory)
 * @param globals index → value of every mutable global ({@code low, high} pairs), -1 index for immutable ones
 */
record ZygoteSnapshot(int pages, byte[] memory, int[] globalIndexes, long[] globalValues) {
  /** The export that makes a module a Proto-Faaslet. */
  static final String EXPORT = "_faasm_zygote";

  /** Takes the snapshot of an instance whose zygote just returned. */
  static ZygoteSnapshot take(Instance instance, int declaredInitialPages) {
    Memory memory = instance.memory();
    int pages = memory.pages();
    int size = pages * RuntimeConfig.PAGE_BYTES;
    byte[] bytes = memory.readBytes(0, size);
    int end = size;
    int floor = Math.min(size, declaredInitialPages * RuntimeConfig.PAGE_BYTES);
    while (end > floor && bytes[end - 1] == 0) {
      end--;
    }
    int count = instance.module().globalSection().globalCount();
    int imported = instance.imports().globalCount();
    int[] indexes = new int[count];
    long[] values = new long[2 * count];
    int kept = 0;
    for (int i = 0; i < count; i++) {
      GlobalInstance global = instance.global(imported + i);
      if (global.getMutabilityType() == MutabilityType.Var) {
        indexes[kept] = imported + i;
        values[2 * kept] = global.getValueLow();
        values[2 * kept + 1] = global.getValueHigh();
        kept++;
      }
    }
    return new ZygoteSnapshot(pages, Arrays.copyOf(bytes, end), Arrays.copyOf(indexes, kept),
        Arrays.copyOf(values, 2 * kept));
  }

  /** Copies the snapshot into a fresh instance of the same module, whose memory has at least {@link #pages}. */
  void restore(Instance instance) {
    instance.memory().write(0, memory, 0, memory.length);
    for (int k = 0; k < globalIndexes.length; k++) {
      GlobalInstance global = instance.global(globalIndexes[k]);
      global.setValueLow(globalValues[2 * k]);
      global.setValueHigh(globalValues[2 * k + 1]);
    }
  }

  /** Where a loaded module keeps its snapshot once taken; shared by all calls of the module. */
  static final class Holder {
    private final AtomicReference<ZygoteSnapshot> snapshot = new AtomicReference<>();

    /** The snapshot, or {@code null} until a zygote ran to the end. */
    ZygoteSnapshot get() {
      return snapshot.get();
    }

    /** Keeps the first snapshot taken (concurrent first calls each run the zygote; one snapshot wins). */
    void offer(ZygoteSnapshot taken) {
      snapshot.compareAndSet(null, taken);
    }
  }
}
