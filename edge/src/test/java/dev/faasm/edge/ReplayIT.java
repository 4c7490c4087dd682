package dev.faasm.edge;

import static dev.faasm.edge.EdgeClient.assertJsonError;
import static dev.faasm.edge.EdgeHarness.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.proto.ReplayOutcome;
import dev.faasm.protocol.proto.ReplayReport;
import dev.faasm.protocol.proto.ReplayRequest;
import dev.faasm.protocol.proto.ReplayState;
import dev.faasm.protocol.proto.ReplayTarget;
import dev.faasm.registry.KafkaSettings;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Queuing and reading replays over real HTTP against a real broker and redis-server, without a processor: the test
 * reads the replay request off the replays topic and writes a later report to the store, as a processor would.
 */
class ReplayIT extends EdgeTestBase {
  private static HttpResponse<byte[]> postJson(String path, String body) throws Exception {
    return post(path, body.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, Object> json(HttpResponse<byte[]> r) throws Exception {
    return JSON.std.mapFrom(r.body());
  }

  @Test
  void postQueuesTheReplayOnTheReplaysTopicAndGetReturnsIt() throws Exception {
    String user = userWithEcho();
    long before = System.currentTimeMillis();
    HttpResponse<byte[]> r = postJson("/replays", "{\"from\": \"2026-12-01T10:00:00Z\", \"user\": \"" + user
        + "\", \"function\": \"echo\", \"outcome\": \"succeeded\", \"max\": 50, \"rate\": 20, \"dryRun\": true}");
    assertEquals(202, r.statusCode(), text(r));
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    Map<String, Object> body = json(r);
    String id = (String) body.get("replayId");
    assertTrue(CallIds.isValid(id), text(r));
    assertEquals("/replays/" + id, r.headers().firstValue("Location").orElse(""));
    assertEquals("queued", body.get("state"), text(r));
    assertFalse(body.containsKey("error"), text(r));
    @SuppressWarnings("unchecked")
    Map<String, Object> request = (Map<String, Object>) body.get("request");
    assertEquals("2026-12-01T10:00:00.000Z", request.get("from"));
    assertEquals(user, request.get("user"));
    assertEquals("echo", request.get("function"));
    assertEquals("succeeded", request.get("outcome"));
    assertEquals(50, request.get("max"));
    assertEquals("original", request.get("target"));
    assertEquals(20.0, ((Number) request.get("rate")).doubleValue());
    assertEquals(true, request.get("dryRun"));
    assertEquals(0, body.get("selected"));
    assertEquals(List.of(), body.get("differences"));

    ReplayReport record = platform.awaitReplayRecord(id);
    assertEquals(id, record.getReplayId());
    assertEquals(ReplayState.REPLAY_STATE_QUEUED, record.getState());
    ReplayRequest sent = record.getRequest();
    assertEquals(id, sent.getReplayId());
    assertEquals(Instant.parse("2026-12-01T10:00:00Z").toEpochMilli(), sent.getFromMillis());
    assertFalse(sent.hasToMillis());
    assertEquals(user, sent.getUser());
    assertEquals("echo", sent.getFunction());
    assertEquals(ReplayOutcome.REPLAY_OUTCOME_SUCCEEDED, sent.getOutcome());
    assertEquals(50, sent.getMaxCalls());
    assertEquals(ReplayTarget.REPLAY_TARGET_ORIGINAL, sent.getTarget());
    assertEquals(20.0, sent.getRatePerSecond());
    assertTrue(sent.getDryRun());
    assertTrue(sent.getRequestedAtMillis() >= before && sent.getRequestedAtMillis() <= System.currentTimeMillis(),
        "requestedAt is when the edge took the request: " + sent.getRequestedAtMillis());

    HttpResponse<byte[]> got = get("/replays/" + id);
    assertEquals(200, got.statusCode(), text(got));
    assertEquals(text(r), text(got));
  }

  @Test
  void getFollowsTheProcessorsLatestReport() throws Exception {
    HttpResponse<byte[]> r = postJson("/replays/", "");
    assertEquals(202, r.statusCode(), text(r));
    String id = (String) json(r).get("replayId");
    @SuppressWarnings("unchecked")
    Map<String, Object> request = (Map<String, Object>) json(r).get("request");
    assertEquals(10000, request.get("max"), text(r));
    assertEquals("any", request.get("outcome"), text(r));

    ReplayReport queued = platform.awaitReplayRecord(id);
    platform.store.putReplayReport(queued.toBuilder()
        .setState(ReplayState.REPLAY_STATE_DONE)
        .setSelected(2).setReplayed(2).setSucceeded(2).setIdentical(2)
        .setProcessor("p-1")
        .build());
    HttpResponse<byte[]> got = get("/replays/" + id);
    assertEquals(200, got.statusCode(), text(got));
    Map<String, Object> done = json(got);
    assertEquals("done", done.get("state"), text(got));
    assertEquals(2, done.get("identical"), text(got));
    assertEquals("p-1", done.get("processor"), text(got));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      not json             | `{"user": `                                | the request body is not valid JSON
      not an object        | `[]`                                       | must be a JSON object, not an array
      unknown field        | `{"x": 1}`                                 | unknown field 'x'
      wrong type           | `{"max": "ten"}`                           | 'max' must be an integer, not a string
      from not before to   | `{"from": "2026-12-01T10:00:00Z", "to": "2026-12-01T09:00:00Z"}` | must be after 'from'
      bad name             | `{"function": "no/slash"}`                 | 'function' must be a name
      bad call id          | `{"callId": "xyz"}`                        | 'callId' must be 32 lowercase hex digits
      max out of range     | `{"max": 100001}`                          | 'max' must be from 1 to 100000
      digest missing       | `{"target": "digest"}`                     | 'digest' is required
      bad rate             | `{"rate": 0}`                              | 'rate' must be a number of calls per second
      bad partitions       | `{"partitions": [{"partition": 0}]}`       | every entry of 'partitions' needs
      """)
  void badInputIs400(String why, String body, String message) throws Exception {
    assertJsonError(postJson("/replays", body), 400, message);
  }

  @Test
  void unknownTargetFunctionIs404NamingIt() throws Exception {
    String user = userWithEcho();
    HttpResponse<byte[]> r = postJson("/replays",
        "{\"user\": \"" + user + "\", \"target\": \"function\", \"targetFunction\": \"nope\"}");
    assertJsonError(r, 404, "target function " + user + "/nope not found", "\"field\":\"targetFunction\"");

    HttpResponse<byte[]> known = postJson("/replays",
        "{\"user\": \"" + user + "\", \"function\": \"echo\", \"target\": \"function\", \"targetFunction\": \"echo\"}");
    assertEquals(202, known.statusCode(), text(known));
  }

  @Test
  void unknownReplayIs404AndMalformedIdIs400() throws Exception {
    String id = CallIds.random();
    assertJsonError(get("/replays/" + id), 404, "replay " + id + " not found", "\"replayId\":\"" + id + "\"");
    assertJsonError(get("/replays/NOT-AN-ID"), 400, "invalid replay id 'NOT-AN-ID'");
  }

  @Test
  void otherMethodsAre405() throws Exception {
    HttpResponse<byte[]> list = get("/replays");
    assertJsonError(list, 405, "method GET not allowed on /replays; allowed: POST");
    assertEquals("POST", list.headers().firstValue("Allow").orElse(""));
    assertJsonError(delete("/replays/" + CallIds.random()), 405, "allowed: GET");
    assertJsonError(postJson("/replays/" + CallIds.random(), "{}"), 405, "allowed: GET");
  }

  @Test
  void unreachableReplaysTopicIs503AndStoresNothing() throws Exception {
    int deadPort;
    try (ServerSocket free = new ServerSocket(0)) {
      deadPort = free.getLocalPort();
    }
    KafkaSettings nowhere = new KafkaSettings("127.0.0.1:" + deadPort, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500));
    Edge cut = platform.startEdge(nowhere, c -> c);
    try {
      HttpResponse<byte[]> r = platform.send(HttpRequest.newBuilder(EdgeHarness.uri(cut, "/replays"))
          .POST(HttpRequest.BodyPublishers.ofString("{}")));
      assertJsonError(r, 503, "replays topic unavailable", "\"replayId\":\"");
      String id = (String) json(r).get("replayId");
      assertEquals(Optional.empty(), platform.store.replayReport(id));
      assertJsonError(get("/replays/" + id), 404, "replay " + id + " not found");
    } finally {
      cut.close();
    }
  }

  @Test
  void bodyOverTheLimitIs413() throws Exception {
    byte[] big = new byte[ReplayRequests.MAX_BODY_BYTES + 1];
    Arrays.fill(big, (byte) ' ');
    assertJsonError(post("/replays", big), 413, "replay request of " + big.length + " bytes exceeds the limit of "
        + ReplayRequests.MAX_BODY_BYTES);
    HttpResponse<byte[]> chunked = platform.send(request("/replays")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
    assertJsonError(chunked, 413, "replay request exceeds the limit of " + ReplayRequests.MAX_BODY_BYTES);
  }
}
