package dev.faasm.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EdgeConfigTest {
  @Test
  void defaultsMatchTheDocumentedValues() {
    EdgeConfig c = EdgeConfig.defaults();
    assertEquals("0.0.0.0", c.host());
    assertEquals(8080, c.port());
    assertEquals(Duration.ofSeconds(60), c.syncWait());
    assertEquals(16 * 1024 * 1024, c.maxInputBytes());
    assertEquals(64 * 1024 * 1024, c.maxModuleBytes());
  }

  @Test
  void eachDefaultInstanceIdIsDifferent() {
    assertNotEquals(EdgeConfig.defaults().instanceId(), EdgeConfig.defaults().instanceId());
  }

  @Test
  void invalidSettingsAreRejected() {
    EdgeConfig c = EdgeConfig.defaults();
    assertThrows(IllegalArgumentException.class, () -> c.withPort(70_000));
    assertThrows(IllegalArgumentException.class, () -> c.withSyncWait(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> c.withInstanceId("a b"));
    assertThrows(IllegalArgumentException.class, () -> c.withMaxModuleBytes(0));
  }
}
