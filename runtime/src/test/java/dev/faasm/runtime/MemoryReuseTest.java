package dev.faasm.runtime;

import static dev.faasm.runtime.Outcomes.assertSucceeded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Linear memories are reused between calls of a module, and a call never sees a byte an earlier call wrote. */
class MemoryReuseTest {
  private static final int PAGE = RuntimeConfig.PAGE_BYTES;

  @Test
  void aCallNeverSeesWhatAnEarlierCallOfTheModuleWrote() {
    byte[] wasm = ModuleBytes.secretWriterReader();
    byte[] expected = new byte[40];
    System.arraycopy("INITDATA".getBytes(StandardCharsets.US_ASCII), 0, expected, 16, 8);
    try (FunctionRuntime runtime = new FunctionRuntime(RuntimeConfig.defaults().withMaxConcurrentGuests(1))) {
      LocalCallHost host = new LocalCallHost(runtime, "test", function -> wasm);
      for (int round = 0; round < 5; round++) {
        CallOutcome secret = host.run("secret", new byte[] {1});
        assertSucceeded(secret);
        byte[] written = new byte[108];
        Arrays.fill(written, 100, 108, (byte) -1);
        assertArrayEquals(written, secret.output(), "the writer's own output (round " + round + ")");

        CallOutcome reader = host.run("secret", new byte[0]);
        assertSucceeded(reader);
        assertArrayEquals(expected, reader.output(), "what the next call sees (round " + round + ")");
      }
    }
  }

  @Test
  void releasedArrayIsZeroWhereverAnyWriteReached() {
    MemoryLimits limits = new MemoryLimits(3, 10);
    Random random = new Random(7);
    byte[] array = null;
    for (int round = 0; round < 20; round++) {
      LinearMemory memory = new LinearMemory(limits, array);
      if (array != null) {
        assertEquals(-1, Arrays.mismatch(array, new byte[array.length]), "a recycled array is all zero");
      }
      for (int i = 0; i < 50; i++) {
        int at = random.nextInt(3 * PAGE - 16);
        switch (random.nextInt(9)) {
          case 0 -> memory.writeByte(at, (byte) 1);
          case 1 -> memory.writeShort(at, (short) -1);
          case 2 -> memory.writeI32(at, -1);
          case 3 -> memory.writeLong(at, -1L);
          case 4 -> memory.writeF32(at, Float.NaN);
          case 5 -> memory.writeF64(at, -1.5);
          case 6 -> memory.write(at, new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}, 0, 16);
          case 7 -> memory.fill((byte) 5, at, at + 16);
          default -> memory.copy(random.nextInt(3 * PAGE - 16), at, 16);
        }
      }
      // and at the very ends of blocks and of the memory
      memory.writeLong(LinearMemory.BLOCK_BYTES - 1, -1L);
      memory.writeLong(3 * PAGE - 8, -1L);
      byte[] released = memory.release();
      assertNotNull(released, "a memory that never grew gives its array back");
      assertEquals(3 * PAGE, released.length);
      assertEquals(-1, Arrays.mismatch(released, new byte[released.length]), "released array is all zero");
      if (array != null) {
        assertSame(array, released);
      }
      array = released;
    }
  }

  @Test
  void aGrownMemoryKeepsNoArray() {
    LinearMemory memory = new LinearMemory(new MemoryLimits(1, 4), null);
    assertEquals(1, memory.grow(1));
    memory.writeI32(PAGE + 4, 42);
    assertEquals(42, memory.readInt(PAGE + 4));
    assertNull(memory.release());
  }

  @Test
  void boundsAndGrowBehaveAsChicorysMemory() {
    LinearMemory memory = new LinearMemory(new MemoryLimits(1, 2), null);
    assertThrows(WasmRuntimeException.class, () -> memory.readInt(PAGE - 2));
    assertThrows(WasmRuntimeException.class, () -> memory.writeLong(PAGE, 1));
    assertThrows(WasmRuntimeException.class, () -> memory.write(PAGE - 1, new byte[2], 0, 2));
    assertThrows(WasmRuntimeException.class, () -> memory.readBytes(-1, 1));
    assertThrows(WasmRuntimeException.class, () -> memory.fill((byte) 1, PAGE - 1, PAGE + 1));
    assertThrows(WasmRuntimeException.class, () -> memory.copy(0, PAGE - 1, 2));
    assertThrows(WasmRuntimeException.class, () -> memory.copy(PAGE - 1, 0, 2));
    assertEquals(-1, memory.grow(2));
    assertEquals(1, memory.grow(1));
    assertEquals(-1, memory.grow(1));
    assertEquals(2, memory.pages());
    memory.writeLong(2 * PAGE - 8, 0x0102030405060708L);
    assertEquals(0x0102030405060708L, memory.readLong(2 * PAGE - 8));
    assertEquals(0x0708, memory.readU16(2 * PAGE - 8));
    memory.copy(0, 2 * PAGE - 8, 8);
    assertEquals(0x0102030405060708L, memory.readLong(0));
  }

  @Test
  void lengthWithoutTrailingZerosMatchesAByteScan() {
    Random random = new Random(11);
    for (int round = 0; round < 200; round++) {
      LinearMemory memory = new LinearMemory(new MemoryLimits(2, 2), null);
      int writes = random.nextInt(4);
      for (int i = 0; i < writes; i++) {
        int at = random.nextInt(2 * PAGE - 8);
        if (random.nextBoolean()) {
          memory.writeLong(at, random.nextLong() | 1L << 56);
        } else {
          memory.writeByte(at, (byte) (1 + random.nextInt(100)));
        }
      }
      int start = random.nextInt(PAGE);
      int length = random.nextInt(2 * PAGE - start + 1);
      byte[] bytes = memory.readBytes(start, length);
      int expected = bytes.length;
      while (expected > 0 && bytes[expected - 1] == 0) {
        expected--;
      }
      assertEquals(expected, memory.lengthWithoutTrailingZeros(start, length), "round " + round);
      // and OriginalAbi's scan of any other Memory, block by block from the end
      ByteArrayMemory other = new ByteArrayMemory(new MemoryLimits(2, 2));
      other.write(0, memory.readBytes(0, 2 * PAGE));
      assertArrayEquals(Arrays.copyOf(bytes, expected), OriginalAbi.withoutTrailingZeros(other, start, length));
    }
  }

  @Test
  void poolKeepsArraysWithinItsBudget() {
    MemoryPool.Budget budget = new MemoryPool.Budget(3 * PAGE);
    MemoryPool pool = new MemoryPool(budget);
    pool.give(new byte[2 * PAGE]);
    pool.give(new byte[2 * PAGE]); // over the budget: dropped
    assertEquals(1, pool.size());
    assertNull(pool.take(PAGE), "only an array of the exact size is reused");
    assertNotNull(pool.take(2 * PAGE));
    assertEquals(0, budget.used());
    pool.give(new byte[PAGE]);
    pool.close();
    assertEquals(0, budget.used());
    pool.give(new byte[PAGE]);
    assertEquals(0, pool.size(), "a closed pool keeps nothing");
  }
}
