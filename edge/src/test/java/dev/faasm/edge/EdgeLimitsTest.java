package dev.faasm.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EdgeLimitsTest {
  @Test
  void defaultsMatchTheDocumentedValues() {
    EdgeLimits d = EdgeConfig.defaults().limits();
    assertEquals(Duration.ofSeconds(30), d.noRequestTimeout());
    assertEquals(Duration.ofSeconds(10), d.requestParseTimeout());
    assertEquals(Duration.ofSeconds(60), d.bodyReadTimeout());
    assertEquals(0, d.maxConnections());
    assertEquals(16 * 1024, d.maxHeaderBytes());
  }

  @Test
  void theDerivedConnectionCapLeavesDescriptorsForEverythingElse() {
    EdgeLimits derived = EdgeLimits.defaults();

    assertEquals(15_000, derived.connectionCap(20_000));
    assertEquals(768, derived.connectionCap(1024));
    assertTrue(derived.connectionCap(EdgeLimits.descriptorLimit()) < EdgeLimits.descriptorLimit());
  }

  @Test
  void aConfiguredCapAboveTheDescriptorLimitIsLowered() {
    assertEquals(15_000, EdgeLimits.defaults().withMaxConnections(1_000_000).connectionCap(20_000));
    assertEquals(500, EdgeLimits.defaults().withMaxConnections(500).connectionCap(20_000));
  }

  @Test
  void undertowsOwnHeaderCapIsAboveTheAnsweredOne() {
    EdgeLimits limits = EdgeLimits.defaults();
    assertTrue(limits.hardHeaderBytes() > 1_000_000, "a 1 MB header still reaches the 431 answer");
    assertTrue(limits.withMaxHeaderBytes(4 << 20).hardHeaderBytes() > 4 << 20);
  }

  @Test
  void invalidLimitsAreRefusedNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EdgeLimits.defaults().withNoRequestTimeout(Duration.ZERO));
    assertTrue(e.getMessage().contains("noRequestTimeout"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EdgeLimits.defaults().withMaxConnections(-1));
    assertThrows(IllegalArgumentException.class, () -> EdgeLimits.defaults().withMaxHeaderBytes(100));
  }
}
