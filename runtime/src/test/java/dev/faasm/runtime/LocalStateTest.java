package dev.faasm.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A call's local copies: what is fetched, what a push writes, what a pull drops. */
class LocalStateTest {
  private final MemoryStateHost global = new MemoryStateHost();
  private final LocalState local = new LocalState(() -> global, 4096, () -> Duration.ofSeconds(1), null);

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesStayLocalUntilPushedAndAPushWritesTheWholeKnownValue() {
    global.values.put("k", bytes("old value"));
    LocalState.Value v = local.value("k", 9, "test");
    local.ensurePresent("k", v, 0, 9);
    local.write(v, 0, bytes("new"));

    assertArrayEquals(bytes("old value"), global.values.get("k"));
    local.pushFull("k", v);
    assertArrayEquals(bytes("new value"), global.values.get("k"));
    assertEquals(List.of("set k 9"), global.writes);

    local.pushFull("k", v); // nothing dirty: nothing written
    assertEquals(1, global.writes.size());
  }

  @Test
  void presentBytesAreFetchedOnceAndAPullRefreshesDroppingUnpushedWrites() {
    global.values.put("k", bytes("abcdef"));
    LocalState.Value v = local.value("k", 6, "test");
    local.ensurePresent("k", v, 0, 6);
    global.values.put("k", bytes("ABCDEF"));
    local.ensurePresent("k", v, 2, 2);
    assertEquals(1, global.fetches);
    assertArrayEquals(bytes("abcdef"), v.bytes());

    local.write(v, 0, bytes("zz"));
    local.pull("k", v);
    assertArrayEquals(bytes("ABCDEF"), v.bytes());
    local.pushFull("k", v);
    assertEquals(List.of(), global.writes);
  }

  @Test
  void aCopyNeverFullyFetchedPushesOnlyItsDirtyBytesAndFetchingKeepsThem() {
    global.values.put("k", bytes("0123456789"));
    LocalState.Value v = local.value("k", 10, "test");
    local.write(v, 3, bytes("xy"));
    local.ensurePresent("k", v, 0, 10); // the written bytes are not overwritten by the fetch
    assertArrayEquals(bytes("012xy56789"), v.bytes());

    LocalState.Value w = local.value("w", 10, "test");
    local.write(w, 8, bytes("!!"));
    local.pushFull("w", w);
    assertEquals(List.of("chunk w 8+2"), global.writes);
    assertArrayEquals(bytes("\0\0\0\0\0\0\0\0!!"), global.values.get("w"));
  }

  @Test
  void aMaskedPushWritesTheSelectedBytesOnly() {
    global.values.put("k", bytes("......"));
    LocalState.Value v = local.value("k", 6, "test");
    local.write(v, 0, bytes("xxxxxx"));
    LocalState.Value mask = local.value("m", 6, "test");
    local.write(mask, 0, new byte[] {1, 1, 0, 0, 1, 0});

    local.pushMasked("k", v, "m", mask);
    assertArrayEquals(bytes("xx..x."), global.values.get("k"));
  }

  @Test
  void localCopiesAreBoundedPerKeyAndPerCall() {
    StateException perKey = assertThrows(StateException.class, () -> local.value("big", 2 << 20, "test"));
    assertTrue(perKey.getMessage().contains("over the limit of 1048576 bytes per key"), perKey.getMessage());
    local.value("a", 3000, "test");
    StateException perCall = assertThrows(StateException.class, () -> local.value("b", 3000, "test"));
    assertTrue(perCall.getMessage().contains("over the limit of 4096 bytes per call"), perCall.getMessage());
    local.value("a", 1000, "test"); // shrinking frees room
    local.value("b", 3000, "test");
  }

  @Test
  void locksAreNotReentrantAndAreReleasedWhenTheCallEnds() {
    local.lockGlobal("k");
    assertThrows(StateException.class, () -> local.lockGlobal("k"));
    local.lockLocal("k", true);
    assertThrows(StateException.class, () -> local.unlockLocal("k", false));
    LocalState other = new LocalState(() -> global, 4096, () -> Duration.ZERO, null);
    StateException notGranted = assertThrows(StateException.class, () -> other.lockGlobal("k"));
    assertEquals("the global lock on 'k' was not granted within the call's time", notGranted.getMessage());

    local.close();
    assertEquals(Set.of(), global.held);
    assertThrows(StateException.class, () -> local.unlockGlobal("k"));
    other.lockGlobal("k");
    other.unlockGlobal("k");
  }
}
