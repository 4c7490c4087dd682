package dev.faasm.resultstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faasm.embedded.TestPlatform;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.CallState;
import dev.faasm.protocol.ChainRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Shared test data: every test gets its own key prefix on the shared redis-server. */
final class Fixtures {
  private Fixtures() {}

  static ResultStoreConfig config() {
    return new ResultStoreConfig(TestPlatform.redisUrl(), Duration.ofHours(1), "test-" + CallIds.random() + ":");
  }

  static CallResult result(String callId, String output) {
    return result(callId, output.getBytes(StandardCharsets.UTF_8));
  }

  static CallResult result(String callId, byte[] output) {
    return new CallResult(
        callId, "alice", "echo", CallState.SUCCEEDED, "", 0, output, "log line\n".getBytes(StandardCharsets.UTF_8),
        "", 1_000L, 1_100L, 1_250L, List.of());
  }

  static void assertSameResult(CallResult expected, CallResult actual) {
    assertEquals(expected.callId(), actual.callId());
    assertEquals(expected.user(), actual.user());
    assertEquals(expected.function(), actual.function());
    assertEquals(expected.state(), actual.state());
    assertEquals(expected.failureKind(), actual.failureKind());
    assertEquals(expected.returnCode(), actual.returnCode());
    assertArrayEquals(expected.output(), actual.output());
    assertArrayEquals(expected.logs(), actual.logs());
    assertEquals(expected.error(), actual.error());
    assertEquals(expected.submittedAtMillis(), actual.submittedAtMillis());
    assertEquals(expected.startedAtMillis(), actual.startedAtMillis());
    assertEquals(expected.finishedAtMillis(), actual.finishedAtMillis());
    assertEquals(expected.deferredChains().size(), actual.deferredChains().size());
    for (int i = 0; i < expected.deferredChains().size(); i++) {
      ChainRequest e = expected.deferredChains().get(i);
      ChainRequest a = actual.deferredChains().get(i);
      assertEquals(e.function(), a.function());
      assertArrayEquals(e.input(), a.input());
      assertEquals(e.entryTableIndex(), a.entryTableIndex());
    }
  }
}
