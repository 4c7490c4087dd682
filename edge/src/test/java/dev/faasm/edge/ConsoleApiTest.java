package dev.faasm.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.CallState;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's statistics and call JSON, from an index filled by hand (no broker: it is never started). */
class ConsoleApiTest {
  private final CallIndex index =
      new CallIndex(KafkaSettings.of("unused:9092"), Topics.defaults(), Clock.systemUTC(), 3, Duration.ofHours(1));
  private final ConsoleApi api = new ConsoleApi(index, Clock.systemUTC());

  @Test
  void percentilesAreNearestRank() {
    assertNull(ConsoleApi.percentile(List.of(), 50));
    assertEquals(7L, ConsoleApi.percentile(List.of(7L), 99));
    List<Long> hundred = java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList();
    assertEquals(50L, ConsoleApi.percentile(hundred, 50));
    assertEquals(99L, ConsoleApi.percentile(hundred, 99));
    assertEquals(2L, ConsoleApi.percentile(List.of(3L, 1L, 2L, 4L), 50));
  }

  @Test
  @SuppressWarnings("unchecked")
  void statsCountCallsErrorsAndRunTimesPerFunctionAndBucket() throws Exception {
    long now = 1_800_000_000_000L;
    finish("a", "echo", CallState.SUCCEEDED, now - 60_000, 10);
    finish("b", "echo", CallState.FAILED, now - 59_000, 30);
    finish("c", "x2", CallState.SUCCEEDED, now - 20 * 60_000, 5); // before the 15 minutes

    Map<String, Object> stats = JSON.std.mapFrom(api.stats("u", 15, now).toString());
    List<Map<String, Object>> functions = (List<Map<String, Object>>) stats.get("functions");
    assertEquals(1, functions.size(), "x2 finished before the window");
    Map<String, Object> echo = functions.get(0);
    assertEquals("echo", echo.get("function"));
    assertEquals(2, echo.get("calls"));
    assertEquals(1, echo.get("failed"));
    assertEquals(0.5, echo.get("errorRate"));
    assertEquals(10, echo.get("p50Ms"));
    assertEquals(30, echo.get("p99Ms"));
    List<Map<String, Object>> series = (List<Map<String, Object>>) echo.get("series");
    assertEquals(60, series.size());
    assertEquals(15.0, stats.get("bucketSeconds"));
    // Both finished 59-60 s before the end: the fourth bucket from the end (15 s buckets).
    Map<String, Object> busy = series.get(56);
    assertEquals(2, busy.get("calls"));
    assertEquals(1, busy.get("failed"));
    assertEquals(2 / 15.0, ((Number) busy.get("callsPerSecond")).doubleValue(), 1e-9);
    assertEquals(2, series.stream().mapToInt(p -> ((Number) p.get("calls")).intValue()).sum());
  }

  @Test
  void theOldestCallsLeaveAFullIndex() {
    for (String id : List.of("a", "b", "c", "d")) {
      index.called(new Call(id, "u", "f", new byte[0], false, 1, "d", "", 0, -1, ""));
    }
    assertEquals(3, index.size());
    assertTrue(index.get("a").isEmpty());
    assertTrue(index.get("d").isPresent());
  }

  private void finish(String id, String function, CallState state, long finished, long runMillis) {
    index.called(new Call(id, "u", function, new byte[0], false, finished - runMillis - 5, "d", "", 0, -1, ""));
    index.finished(new CallResult(id, "u", function, state, state == CallState.FAILED ? "TRAP" : "", 0, null, null,
        "", finished - runMillis - 5, finished - runMillis, finished, List.of()));
  }
}
