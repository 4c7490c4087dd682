package dev.faasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplaySummaryTest {
  private static final String DONE = """
      {"replayId":"0123456789abcdef","state":"done","requestedAt":"2026-12-01T12:00:00.000Z",
       "request":{"from":null,"to":null,"partitions":[],"user":"simon","function":"echo","outcome":"any",
                  "callId":null,"max":10000,"target":"function","digest":null,"targetFunction":"echo_candidate",
                  "rate":null,"dryRun":false},
       "selected":7,"replayed":6,"succeeded":6,"failed":0,"identical":0,"different":6,"skipped":1,
       "differences":[
         {"callId":"00000000000000a1","function":"echo","originalState":"succeeded","replayState":"succeeded",
          "originalOutput":"hello\\n","replayOutput":"HELLO\\n","originalError":null,"replayError":null},
         {"callId":"00000000000000a2","function":"echo","originalState":"succeeded","replayState":"failed",
          "originalOutput":"%s","replayOutput":"","originalError":null,"replayError":"wasm trap: unreachable"},
         {"callId":"00000000000000a3","function":"echo","originalState":"succeeded","replayState":"succeeded",
          "originalOutput":"c","replayOutput":"C","originalError":null,"replayError":null},
         {"callId":"00000000000000a4","function":"echo","originalState":"succeeded","replayState":"succeeded",
          "originalOutput":"d","replayOutput":"D","originalError":null,"replayError":null},
         {"callId":"00000000000000a5","function":"echo","originalState":"succeeded","replayState":"succeeded",
          "originalOutput":"e","replayOutput":"E","originalError":null,"replayError":null},
         {"callId":"00000000000000a6","function":"echo","originalState":"succeeded","replayState":"succeeded",
          "originalOutput":"f","replayOutput":"F","originalError":null,"replayError":null}],
       "startedAt":"2026-12-01T12:00:01.000Z","finishedAt":"2026-12-01T12:00:02.000Z",
       "oldestReplayable":"2026-11-24T12:00:00.000Z","processor":"processor-1"}
      """.formatted("x".repeat(100));

  private static Map<String, Object> report(String json) throws Exception {
    return JSON.std.mapFrom(json);
  }

  @Test
  void summaryIsAlignedKeyValueLinesThenTheFirstFiveDifferences() throws Exception {
    String expected = """
        replay       0123456789abcdef
        state        done
        target       function simon/echo_candidate
        selected     7
        replayed     6
        succeeded    6
        failed       0
        identical    0
        different    6
        skipped      1
        started      2026-12-01T12:00:01.000Z
        finished     2026-12-01T12:00:02.000Z
        oldest call  2026-11-24T12:00:00.000Z
        processor    processor-1

        differences (5 of 6):
          00000000000000a1  echo
            original  succeeded  "hello\\n"
            replay    succeeded  "HELLO\\n"
          00000000000000a2  echo
            original  succeeded  "%s"...
            replay    failed  error "wasm trap: unreachable"
          00000000000000a3  echo
            original  succeeded  "c"
            replay    succeeded  "C"
          00000000000000a4  echo
            original  succeeded  "d"
            replay    succeeded  "D"
          00000000000000a5  echo
            original  succeeded  "e"
            replay    succeeded  "E"
        """.formatted("x".repeat(60));
    assertEquals(expected, ReplaySummary.text(report(DONE)));
  }

  @Test
  void failedReplayShowsItsErrorAndExits1() throws Exception {
    Map<String, Object> failed = report("""
        {"replayId":"0123456789abcdef","state":"failed",
         "error":"from 2026-11-01T00:00:00.000Z is before the oldest replayable call (2026-11-24T12:00:00.000Z)",
         "request":{"target":"original","dryRun":true},"selected":0,"replayed":0,"differences":[]}""");
    String text = ReplaySummary.text(failed);
    assertTrue(text.startsWith("replay       0123456789abcdef\nstate        failed\nerror        from "), text);
    assertTrue(text.contains("\ndry run      yes (calls selected, none run)\n"), text);
    assertTrue(text.endsWith("processor    -\n"), text);
    assertTrue(ReplaySummary.finished(failed));
    assertEquals(1, ReplaySummary.exitCode(failed, false));
  }

  @Test
  void exitCodeIs1OnlyForDifferencesThatWereExpectedAway() throws Exception {
    Map<String, Object> different = report(DONE);
    assertEquals(0, ReplaySummary.exitCode(different, false));
    assertEquals(1, ReplaySummary.exitCode(different, true));
    Map<String, Object> identical = report("{\"replayId\":\"0123456789abcdef\",\"state\":\"done\",\"different\":0}");
    assertEquals(0, ReplaySummary.exitCode(identical, true));
  }

  @Test
  void progressBarShowsReplayedOfSelected() throws Exception {
    assertEquals("[############------------] 6/12 replayed, 5 identical, 1 different", ReplaySummary.progress(
        report("{\"replayId\":\"0123456789abcdef\",\"state\":\"running\",\"selected\":12,\"replayed\":6,"
            + "\"identical\":5,\"different\":1}")));
    Map<String, Object> queued = report("{\"replayId\":\"0123456789abcdef\",\"state\":\"queued\"}");
    assertEquals("replay 0123456789abcdef queued", ReplaySummary.progress(queued));
    assertFalse(ReplaySummary.finished(queued));
  }

  @Test
  void excerptEscapesAndCutsAt60Characters() {
    assertEquals("\"a\\tb\\u0001\\\"\"", ReplaySummary.excerpt("a\tb\u0001\""));
    assertEquals("\"" + "y".repeat(60) + "\"", ReplaySummary.excerpt("y".repeat(60)));
    assertEquals("\"" + "y".repeat(60) + "\"...", ReplaySummary.excerpt("y".repeat(61)));
  }
}
