package dev.faasm.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.protocol.proto.PartitionRange;
import dev.faasm.protocol.proto.ReplayOutcome;
import dev.faasm.protocol.proto.ReplayRequest;
import dev.faasm.protocol.proto.ReplayTarget;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ReplayRequestsTest {
  private static final String ID = "0123456789abcdef";
  private static final long NOW = Instant.parse("2026-12-01T12:00:00Z").toEpochMilli();
  private static final String DIGEST = "ab".repeat(32);

  private static ReplayRequest parse(String body) {
    return ReplayRequests.parse(body.getBytes(StandardCharsets.UTF_8), ID, NOW);
  }

  @Test
  void emptyBodyReplaysEverythingWithinTheDefaults() {
    for (String body : List.of("", "  \n", "{}")) {
      ReplayRequest r = parse(body);
      assertEquals(ID, r.getReplayId());
      assertEquals(NOW, r.getRequestedAtMillis());
      assertFalse(r.hasFromMillis());
      assertFalse(r.hasToMillis());
      assertEquals(List.of(), r.getPartitionsList());
      assertEquals("", r.getUser());
      assertEquals("", r.getFunction());
      assertEquals(ReplayOutcome.REPLAY_OUTCOME_ANY, r.getOutcome());
      assertEquals("", r.getCallId());
      assertEquals(10_000, r.getMaxCalls());
      assertEquals(ReplayTarget.REPLAY_TARGET_ORIGINAL, r.getTarget());
      assertEquals(0.0, r.getRatePerSecond());
      assertFalse(r.getDryRun());
    }
  }

  @Test
  void everyFieldIsRead() {
    ReplayRequest r = parse("""
        {"from": "2026-12-01T10:00:00Z", "to": 1796126400000,
         "partitions": [{"partition": 0, "fromOffset": 10, "toOffset": 20}, {"partition": 3, "fromOffset": 0}],
         "user": "simon", "function": "echo", "outcome": "failed", "callId": "fedcba9876543210", "max": 5,
         "target": "function", "targetFunction": "echo_candidate", "rate": 2.5, "dryRun": true}""");
    assertEquals(Instant.parse("2026-12-01T10:00:00Z").toEpochMilli(), r.getFromMillis());
    assertEquals(1796126400000L, r.getToMillis());
    assertEquals(
        List.of(
            PartitionRange.newBuilder().setPartition(0).setFromOffset(10).setToOffset(20).build(),
            PartitionRange.newBuilder().setPartition(3).setFromOffset(0).build()),
        r.getPartitionsList());
    assertFalse(r.getPartitions(1).hasToOffset());
    assertEquals("simon", r.getUser());
    assertEquals("echo", r.getFunction());
    assertEquals(ReplayOutcome.REPLAY_OUTCOME_FAILED, r.getOutcome());
    assertEquals("fedcba9876543210", r.getCallId());
    assertEquals(5, r.getMaxCalls());
    assertEquals(ReplayTarget.REPLAY_TARGET_FUNCTION, r.getTarget());
    assertEquals("echo_candidate", r.getTargetFunction());
    assertEquals(2.5, r.getRatePerSecond());
    assertTrue(r.getDryRun());
  }

  @Test
  void digestTargetCarriesTheDigestAndNullsAreAbsent() {
    ReplayRequest r = parse("{\"target\": \"digest\", \"digest\": \"" + DIGEST + "\", \"user\": null, \"rate\": null}");
    assertEquals(ReplayTarget.REPLAY_TARGET_DIGEST, r.getTarget());
    assertEquals(DIGEST, r.getDigest());
    assertEquals("", r.getUser());
    assertEquals(0.0, r.getRatePerSecond());
    assertEquals(ReplayTarget.REPLAY_TARGET_CURRENT, parse("{\"target\": \"current\"}").getTarget());
  }

  @Test
  void normalizedRequestOfAReportParsesBackToTheSameRequest() {
    ReplayRequest r = parse("""
        {"from": "2026-12-01T10:00:00.123Z", "partitions": [{"partition": 1, "fromOffset": 7}],
         "user": "simon", "outcome": "succeeded", "max": 100000, "target": "current", "rate": 10, "dryRun": true}""");
    String normalized = ReplayJson.request(r).toString();
    assertEquals(r, parse(normalized));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      not json                | `{"max": `                                  | | the request body is not valid JSON
      trailing content        | `{} {}`                                     | | the request body is not valid JSON
      duplicate field         | `{"max": 1, "max": 2}`                      | | the request body is not valid JSON
      array body              | `[1]`                                       | | must be a JSON object, not an array
      string body             | `"x"`                                       | | must be a JSON object, not a string
      unknown field           | `{"frm": 1}`                                | frm | unknown field 'frm'
      from of wrong type      | `{"from": true}`                            | from | 'from' must be an ISO-8601 instant string or epoch milliseconds, not a boolean
      from not an instant     | `{"from": "yesterday"}`                     | from | 'from' must be an ISO-8601 instant such as 2026-12-01T10:00:00Z, not "yesterday"
      negative to             | `{"to": -5}`                                | to | 'to' must be between 1970
      from after to           | `{"from": 2000, "to": 1000}`                | to | 'to' (1970-01-01T00:00:01.000Z) must be after 'from' (1970-01-01T00:00:02.000Z)
      from equal to to        | `{"from": 1000, "to": 1000}`                | to | must be after 'from'
      fractional millis       | `{"from": 1.5}`                             | from | 'from' must be an integer, not the number 1.5
      partitions not array    | `{"partitions": 0}`                         | partitions | 'partitions' must be an array
      partition not object    | `{"partitions": [0]}`                       | partitions | 'partitions' must be an array
      partition without from  | `{"partitions": [{"partition": 0}]}`        | partitions | needs "partition" and "fromOffset"
      negative partition      | `{"partitions": [{"partition": -1, "fromOffset": 0}]}` | partitions | must not be negative
      empty offset range      | `{"partitions": [{"partition": 0, "fromOffset": 5, "toOffset": 5}]}` | partitions | toOffset (5) of partition 0 must be above fromOffset (5)
      partition twice         | `{"partitions": [{"partition": 0, "fromOffset": 0}, {"partition": 0, "fromOffset": 9}]}` | partitions | partition 0 is listed more than once
      unknown partition field | `{"partitions": [{"partition": 0, "fromOffset": 0, "to": 3}]}` | partitions | unknown field 'to' in 'partitions'
      bad user                | `{"user": "../etc"}`                        | user | 'user' must be a name matching [A-Za-z0-9_-]{1,64}, not "../etc"
      user of wrong type      | `{"user": 7}`                               | user | 'user' must be a string, not the number 7
      bad function            | `{"function": ""}`                          | function | 'function' must be a name
      bad outcome             | `{"outcome": "ok"}`                         | outcome | 'outcome' must be "any", "succeeded" or "failed", not "ok"
      bad call id             | `{"callId": "ABCDEF0123456789"}`            | callId | 'callId' must be 32 lowercase hex digits
      max zero                | `{"max": 0}`                                | max | 'max' must be from 1 to 100000, not 0
      max too big             | `{"max": 100001}`                           | max | 'max' must be from 1 to 100000, not 100001
      max huge                | `{"max": 123456789012345678901234567890}`   | max | 'max' is out of range
      max as string           | `{"max": "5"}`                              | max | 'max' must be an integer, not a string
      bad target              | `{"target": "latest"}`                      | target | 'target' must be "original", "current", "digest" or "function", not "latest"
      digest missing          | `{"target": "digest"}`                      | digest | 'digest' is required when 'target' is "digest"
      digest malformed        | `{"target": "digest", "digest": "ABC"}`     | digest | 'digest' must be 64 lowercase hex digits
      digest without target   | `{"digest": "abababababababababababababababababababababababababababababababab"}` | digest | 'digest' is only allowed when 'target' is "digest"
      function target missing | `{"target": "function", "user": "simon"}`   | targetFunction | 'targetFunction' is required when 'target' is "function"
      function target no user | `{"target": "function", "targetFunction": "echo2"}` | user | 'user' is required when 'target' is "function"
      targetFunction alone    | `{"user": "simon", "targetFunction": "echo2"}` | targetFunction | 'targetFunction' is only allowed when 'target' is "function"
      rate zero               | `{"rate": 0}`                               | rate | 'rate' must be a number of calls per second above 0, not 0
      rate negative           | `{"rate": -1.5}`                            | rate | above 0
      rate as string          | `{"rate": "5/s"}`                           | rate | 'rate' must be a number (calls per second), not a string
      dryRun as string        | `{"dryRun": "yes"}`                         | dryRun | 'dryRun' must be true or false, not a string
      """)
  void badInputIs400NamingTheFieldAndTheProblem(String why, String body, String field, String message) {
    EdgeException e = assertThrows(EdgeException.class, () -> parse(body), why);
    assertEquals(400, e.status(), why);
    assertTrue(e.getMessage().contains(message), why + ": expected '" + message + "' in: " + e.getMessage());
    assertEquals(field, e.fields().get("field"), why + ": " + e.getMessage());
  }
}
