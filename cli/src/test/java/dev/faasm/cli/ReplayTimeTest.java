package dev.faasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ReplayTimeTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void relativeTimesCountBackFromNow() {
    assertEquals(Instant.parse("2026-12-01T11:59:30Z"), ReplayTime.parse("-30s").resolve(NOW));
    assertEquals(Instant.parse("2026-12-01T11:45:00Z"), ReplayTime.parse("-15m").resolve(NOW));
    assertEquals(Instant.parse("2026-12-01T10:00:00Z"), ReplayTime.parse("-2h").resolve(NOW));
    assertEquals(Instant.parse("2026-11-30T12:00:00Z"), ReplayTime.parse("-1d").resolve(NOW));
    assertEquals(Duration.ofDays(7), ReplayTime.parse("-7d").ago());
  }

  @Test
  void isoInstantsAreAbsolute() {
    ReplayTime t = ReplayTime.parse("2026-11-01T08:30:00Z");
    assertEquals(Instant.parse("2026-11-01T08:30:00Z"), t.resolve(NOW));
    assertEquals(Instant.parse("2026-11-01T08:30:00Z"), t.resolve(NOW.plusSeconds(3600)));
    assertEquals(Instant.parse("2026-11-01T06:30:00Z"), ReplayTime.parse("2026-11-01T08:30:00+02:00").resolve(NOW));
  }

  @Test
  void anythingElseIsAUsageErrorNamingTheForms() {
    for (String bad : new String[] {"15m", "-15", "-15w", "-1.5h", "yesterday", "2026-12-01", "", "+2h"}) {
      TypeConversionException e =
          assertThrows(TypeConversionException.class, () -> new ReplayTime.Converter().convert(bad), bad);
      assertTrue(e.getMessage().contains("nor a relative time (-30s, -15m, -2h, -1d)"), e.getMessage());
    }
  }
}
