package dev.faasm.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.embedded.TestPlatform;
import dev.faasm.protocol.CallIds;
import dev.faasm.resultstore.ResultStoreConfig;
import dev.faasm.runtime.StateException;
import dev.faasm.runtime.StateHost;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** {@link RedisState} on the real redis-server: values, chunks, appends, limits, users apart, and expiring locks. */
class RedisStateIT {
  private final ResultStoreConfig store = new ResultStoreConfig(TestPlatform.redisUrl(), Duration.ofHours(1),
      "state-it-" + CallIds.random().substring(0, 8) + ":");
  private final StateConfig config = StateConfig.defaults().withMaxValueBytes(1000).withMaxUserBytes(1500)
      .withLockTtl(Duration.ofMillis(300));
  private final RedisState one = new RedisState(store, config);
  private final RedisState two = new RedisState(store, config);

  @AfterEach
  void close() {
    one.close();
    two.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void valuesAndChunksAreWrittenInPlace() {
    StateHost alice = one.forUser("alice");
    alice.set("k", bytes("hello world"));
    alice.setChunks("k", List.of(new StateHost.Chunk(0, bytes("J")), new StateHost.Chunk(6, bytes("W"))));

    assertArrayEquals(bytes("Jello World"), two.forUser("alice").get("k"));
    assertArrayEquals(bytes("World"), alice.getRange("k", 6, 100));
    assertEquals(11, alice.size("k"));
    alice.setChunks("k", List.of(new StateHost.Chunk(13, bytes("!"))));
    assertArrayEquals(bytes("Jello World\0\0!"), alice.get("k"));
  }

  @Test
  void usersDoNotSeeEachOthersKeys() {
    one.forUser("alice").set("shared-name", bytes("alice's"));
    one.forUser("alice").append("list", bytes("a"));

    assertEquals(0, one.forUser("bob").size("shared-name"));
    assertArrayEquals(new byte[0], one.forUser("bob").get("shared-name"));
    assertEquals(List.of(), one.forUser("bob").appended("list", 10));
  }

  @Test
  void appendedElementsComeBackInOrderAndClear() {
    StateHost alice = one.forUser("alice");
    for (int i = 0; i < 5; i++) {
      alice.append("l", bytes("e" + i));
    }
    List<byte[]> three = alice.appended("l", 3);
    assertEquals(3, three.size());
    assertArrayEquals(bytes("e2"), three.get(2));
    alice.clearAppended("l");
    assertEquals(List.of(), alice.appended("l", 5));
    alice.clearAppended("never-appended");
    alice.append("l", bytes("again"));
    assertEquals(1, alice.appended("l", 5).size());
  }

  @Test
  void limitsPerKeyAndPerUserAreCheckedAndFreedBytesCountAgain() {
    StateHost alice = one.forUser("alice");
    StateException perKey = assertThrows(StateException.class, () -> alice.set("big", new byte[1001]));
    assertEquals("the value of state key 'big' would be 1001 bytes, over the limit of 1000 bytes per key",
        perKey.getMessage());
    StateException chunk = assertThrows(StateException.class,
        () -> alice.setChunks("big", List.of(new StateHost.Chunk(999, new byte[2]))));
    assertTrue(chunk.getMessage().contains("1001 bytes, over the limit of 1000 bytes per key"), chunk.getMessage());

    alice.set("a", new byte[800]);
    StateException perUser = assertThrows(StateException.class, () -> alice.set("b", new byte[800]));
    assertEquals("the state of user 'alice' would be 1600 bytes, over the limit of 1500 bytes per user",
        perUser.getMessage());
    assertThrows(StateException.class, () -> alice.append("l", new byte[800]));

    alice.set("a", new byte[100]); // shrinking gives bytes back
    alice.set("b", new byte[800]);
    alice.append("l", new byte[500]);
    assertThrows(StateException.class, () -> alice.append("l", new byte[200]));
    alice.clearAppended("l");
    alice.append("l", new byte[200]);

    one.forUser("bob").set("a", new byte[1000]); // limits are per user
  }

  @Test
  void aGlobalLockHasOneHolderAcrossProcessors() throws InterruptedException {
    StateHost.Lock held = one.forUser("alice").lockGlobal("k", Duration.ofSeconds(5));
    assertNotNull(held);

    assertNull(two.forUser("alice").lockGlobal("k", Duration.ofMillis(50)));
    assertNotNull(two.forUser("bob").lockGlobal("k", Duration.ofMillis(50))); // another user's key
    assertTrue(held.release());
    StateHost.Lock next = two.forUser("alice").lockGlobal("k", Duration.ofSeconds(5));
    assertNotNull(next);
    assertTrue(next.release());
  }

  @Test
  void aGlobalLockOfAProcessorThatDiedExpires() throws InterruptedException {
    StateHost.Lock orphan = one.forUser("alice").lockGlobal("k", Duration.ofSeconds(5));
    assertNotNull(orphan);
    one.close(); // the holder is gone without unlocking

    StateHost.Lock taken = two.forUser("alice").lockGlobal("k", Duration.ofSeconds(30));
    assertNotNull(taken, "the lock expires after its TTL");
    assertTrue(taken.release());
  }

  @Test
  void aHeldLockOutlivesItsTtlWhileItsProcessorLives() throws InterruptedException {
    StateHost.Lock held = one.forUser("alice").lockGlobal("k", Duration.ofSeconds(5));
    assertNotNull(held);

    // five TTLs: the holder's processor renews it all along
    assertNull(two.forUser("alice").lockGlobal("k", config.lockTtl().multipliedBy(5)));
    assertTrue(held.release());
  }

  @Test
  void releasingALockLostToAnotherHolderSaysSoAndLeavesTheNewHolderAlone() throws InterruptedException {
    StateHost.Lock first = one.forUser("alice").lockGlobal("k", Duration.ofSeconds(5));
    try (JedisPooled raw = new JedisPooled(store.uri())) {
      raw.del(store.keyPrefix() + "state:{alice}:l:k"); // as if it expired while Redis was out of reach
    }
    StateHost.Lock second = two.forUser("alice").lockGlobal("k", Duration.ofSeconds(5));
    assertNotNull(second);

    assertFalse(first.release());
    assertNull(one.forUser("alice").lockGlobal("k", Duration.ZERO), "the second holder still holds it");
    assertTrue(second.release());
  }

  @Test
  void localLocksExcludeWritersOnOneProcessorOnly() throws InterruptedException {
    StateHost.Lock write = one.forUser("alice").lockLocal("k", true, Duration.ofSeconds(5));
    assertNotNull(write);
    assertNull(one.forUser("alice").lockLocal("k", false, Duration.ofMillis(20)));
    assertNotNull(two.forUser("alice").lockLocal("k", true, Duration.ofMillis(20)), "another processor's lock");
    assertTrue(write.release());
    assertFalse(write.release());

    StateHost.Lock r1 = one.forUser("alice").lockLocal("k", false, Duration.ofSeconds(5));
    StateHost.Lock r2 = one.forUser("alice").lockLocal("k", false, Duration.ofSeconds(5));
    assertNotNull(r1);
    assertNotNull(r2);
    assertNull(one.forUser("alice").lockLocal("k", true, Duration.ofMillis(20)));
    r1.release();
    r2.release();
    assertNotNull(one.forUser("alice").lockLocal("k", true, Duration.ofMillis(20)));
  }
}
