package dev.faasm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FunctionLabelsTest {
  @Test
  void theFirstFunctionsKeepTheirLabelsAndTheRestShareOne() {
    FunctionLabels labels = new FunctionLabels(2);
    assertEquals("u/a", labels.label("u", "a"));
    assertEquals("u/b", labels.label("u", "b"));
    assertEquals(FunctionLabels.OTHER, labels.label("u", "c"));
    assertEquals("u/a", labels.label("u", "a"), "a labelled function keeps its label");
  }

  @Test
  void tenThousandFunctionsAddABoundedNumberOfSeries() {
    try (PlatformMetrics metrics = new PlatformMetrics("test", 50)) {
      for (int i = 0; i < 10_000; i++) {
        metrics.registry().counter("faas.invocations", "function", metrics.function("flood", "f" + i)).increment();
      }
      assertEquals(51, metrics.registry().find("faas.invocations").counters().size());
      assertEquals(10_000 - 50,
          metrics.registry().get("faas.invocations").tag("function", FunctionLabels.OTHER).counter().count());
    }
  }

  @Test
  void timersExposeThePlatformsBucketsFromHalfAMillisecondToSixtySeconds() {
    try (PlatformMetrics metrics = PlatformMetrics.create("test")) {
      metrics.timer("faas.invoke_duration", "d", Tags.of("function", "u/f")).record(Duration.ofMillis(3));
      String text = metrics.scrape();
      assertTrue(text.contains("faas_invoke_duration_seconds_bucket{function=\"u/f\",instance=\"test\",le=\"5.0E-4\"} 0")
          || text.contains("le=\"5.0E-4\""), text);
      assertTrue(text.contains("le=\"60.0\""), "60 s bucket");
      assertTrue(text.contains("faas_invoke_duration_seconds_count{function=\"u/f\",instance=\"test\"} 1"), text);
      assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics are bound");
    }
  }
}
