package dev.faasm.resultstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResultStoreConfigTest {
  @Test
  void ofUsesTheDefaults() {
    ResultStoreConfig config = ResultStoreConfig.of("redis://127.0.0.1:6379");
    assertEquals(Duration.ofHours(24), config.ttl());
    assertEquals("faasm:", config.keyPrefix());
  }

  @Test
  void rejectsUrlsThatAreNotRedis() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ResultStoreConfig.of("http://127.0.0.1:6379"));
    assertTrue(e.getMessage().contains("http://127.0.0.1:6379"), e.getMessage());
  }

  @Test
  void rejectsATtlBelowOneMillisecond() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ResultStoreConfig("redis://127.0.0.1:6379", Duration.ZERO, "faasm:"));
  }

  @Test
  void hidesThePasswordInMessages() {
    ResultStoreConfig config = ResultStoreConfig.of("redis://user:secret@127.0.0.1:6379");
    assertFalse(config.toString().contains("secret"), config.toString());
    assertEquals("redis://***@127.0.0.1:6379", config.safeUrl());
  }
}
