package dev.faasm.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.CallState;
import dev.faasm.protocol.CallStatus;
import dev.faasm.protocol.ChainRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallJsonTest {
  private static final String ID = "00000000000000ff";

  @Test
  void timesAreIsoUtcWithMilliseconds() {
    assertEquals("1970-01-01T00:00:01.000Z", CallJson.time(1000));
    assertEquals("2001-09-09T01:46:40.123Z", CallJson.time(1_000_000_000_123L));
    assertNull(CallJson.time(0));
  }

  @Test
  void succeededResultHasDurationAndChainCountAndNoError() {
    CallResult r = new CallResult(ID, "simon", "echo", CallState.SUCCEEDED, "", 0, new byte[] {1}, null, "",
        1000, 2000, 2500, List.of(new ChainRequest("x", new byte[0], -1)));
    String json = CallJson.of(r).toString();
    assertTrue(json.startsWith("{\"callId\":\"" + ID + "\",\"user\":\"simon\",\"function\":\"echo\","
        + "\"status\":\"succeeded\",\"returnCode\":0,\"failure\":null,\"error\":null,"), json);
    assertTrue(json.contains("\"durationMs\":500,\"chainedCalls\":1"), json);
    assertTrue(json.contains("\"finishedAt\":\"1970-01-01T00:00:02.500Z\""), json);
  }

  @Test
  void failedResultNamesTheFailure() {
    CallResult r = new CallResult(ID, "simon", "boom", CallState.FAILED, "TRAP", -1, null, null, "unreachable",
        1000, 2000, 2100, List.of());
    String json = CallJson.of(r).toString();
    assertTrue(json.contains("\"status\":\"failed\",\"returnCode\":null,\"failure\":\"TRAP\",\"error\":\"unreachable\""),
        json);
  }

  @Test
  void failedResultWithoutMessageGetsOne() {
    CallResult r = new CallResult(ID, "u", "f", CallState.FAILED, "NON_ZERO_EXIT", 3, null, null, "", 1, 2, 3,
        List.of());
    assertEquals("call " + ID + " failed with return code 3 (NON_ZERO_EXIT)", CallAnswers.failureMessage(r));
    CallResult trap = new CallResult(ID, "u", "f", CallState.FAILED, "TRAP", 0, null, null, "", 1, 2, 3, List.of());
    assertEquals("call " + ID + " failed (TRAP)", CallAnswers.failureMessage(trap));
  }

  @Test
  void returnCodeIsShownOnlyWhenTheFunctionReturnedOne() {
    CallResult limitAfterReturn = new CallResult(ID, "u", "f", CallState.FAILED, "OUTPUT_LIMIT", 0, null, null,
        "too big", 1, 2, 3, List.of(), "d", List.of(), true);
    assertTrue(CallJson.of(limitAfterReturn).toString().contains("\"returnCode\":0,"));
    CallResult timeout = new CallResult(ID, "u", "f", CallState.FAILED, "TIMEOUT", 0, null, null, "slow", 1, 2, 3,
        List.of(), "d", List.of(), false);
    assertTrue(CallJson.of(timeout).toString().contains("\"returnCode\":null,"));
  }

  @Test
  void chainedCallIdsAreListed() {
    CallResult stored = new CallResult(ID, "u", "f", CallState.SUCCEEDED, "", 0, null, null, "", 1, 2, 3,
        List.of(new ChainRequest("x", new byte[0], -1)), "d", List.of("a1", "b2"), true);
    assertTrue(CallJson.of(stored).toString().contains("\"chainedCalls\":2,\"chainedCallIds\":[\"a1\",\"b2\"]"));
    CallResult older = new CallResult(ID, "u", "f", CallState.SUCCEEDED, "", 0, null, null, "", 1, 2, 3,
        List.of(new ChainRequest("x", new byte[0], -1)));
    assertEquals(List.of(CallIds.child(ID, "then", 0)), CallJson.chainedCallIds(older));
  }

  @Test
  void queuedStatusHasNoOutcomeYet() {
    CallStatus s = new CallStatus(ID, "simon", "echo", CallState.QUEUED, 1000, 0, "");
    String json = CallJson.of(s).toString();
    assertTrue(json.contains("\"status\":\"queued\",\"returnCode\":null,\"failure\":null,\"error\":null,"
        + "\"submittedAt\":\"1970-01-01T00:00:01.000Z\",\"startedAt\":null,\"finishedAt\":null,\"durationMs\":null,"
        + "\"chainedCalls\":0"), json);
  }
}
