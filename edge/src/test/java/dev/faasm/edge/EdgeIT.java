package dev.faasm.edge;

import static dev.faasm.edge.EdgeClient.assertJsonError;
import static dev.faasm.edge.EdgeClient.await;
import static dev.faasm.edge.EdgeClient.callIdHeader;
import static dev.faasm.edge.EdgeHarness.text;
import static dev.faasm.edge.EdgeHarness.uri;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.CallState;
import dev.faasm.registry.KafkaSettings;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/**
 * Invoking and following calls over real HTTP against a real broker and redis-server, without a processor: the test
 * reads calls off the calls topic and writes their results to the real store, as a processor would.
 */
class EdgeIT extends EdgeTestBase {
  @Test
  void healthAndReady() throws Exception {
    HttpResponse<byte[]> health = get("/health");
    assertEquals(200, health.statusCode());
    assertEquals("{\"status\":\"alive\"}", text(health));
    HttpResponse<byte[]> ready = get("/ready");
    assertEquals(200, ready.statusCode(), text(ready));
    assertTrue(text(ready).startsWith("{\"status\":\"ready\""), text(ready));
  }

  @Test
  void unknownFunctionIs404SyncAndAsync() throws Exception {
    assertJsonError(post("/f/simon/nope" + CallIds.random() + "/", "x".getBytes()), 404, "function simon/nope");
    assertJsonError(post("/fa/simon/nope" + CallIds.random() + "/", "x".getBytes()), 404, "function simon/nope");
  }

  @Test
  void inputOverTheLimitIs413() throws Exception {
    String user = userWithEcho();
    assertJsonError(post("/f/" + user + "/echo/", new byte[MAX_INPUT + 1]), 413, "input of " + (MAX_INPUT + 1));
    HttpResponse<byte[]> chunked = platform.send(request("/fa/" + user + "/echo/")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[MAX_INPUT + 1]))));
    assertJsonError(chunked, 413, "input exceeds the limit of " + MAX_INPUT);
  }

  @Test
  void asyncCallIsQueuedOnTheCallsTopic() throws Exception {
    String user = userWithEcho();
    byte[] input = ("async " + CallIds.random()).getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> r = post("/fa/" + user + "/echo/", input);
    assertEquals(202, r.statusCode(), text(r));
    String id = callIdHeader(r);
    assertEquals("/calls/" + id, r.headers().firstValue("Location").orElse(""));
    assertEquals("{\"callId\":\"" + id + "\",\"status\":\"/calls/" + id + "\",\"output\":\"/calls/" + id
        + "/output\",\"logs\":\"/calls/" + id + "/logs\"}", text(r));

    Call call = platform.awaitCall(c -> c.callId().equals(id));
    assertEquals(user, call.user());
    assertEquals("echo", call.function());
    assertArrayEquals(input, call.input());
    assertFalse(call.sync());
    // Nobody waits for it, but this edge is told when it finishes: until then it counts as the user's call in flight.
    assertEquals(edge.replyChannel() + "-async", call.replyTo());
    assertEquals(platform.registry.lookup(user, "echo").orElseThrow().digest(), call.digest());
    assertEquals(0, call.depth());
    assertEquals(-1, call.entryTableIndex());
    assertEquals("", call.parentCallId());

    HttpResponse<byte[]> status = get("/calls/" + id);
    assertEquals(200, status.statusCode(), text(status));
    assertTrue(text(status).startsWith("{\"callId\":\"" + id + "\",\"user\":\"" + user
        + "\",\"function\":\"echo\",\"status\":\"queued\""), text(status));
    assertJsonError(get("/calls/" + id + "/output"), 409, "has not finished (status queued)");
    assertJsonError(get("/calls/" + id + "/logs"), 409, "has not finished");
  }

  @Test
  void syncCallIsAnsweredWhenItsResultLands() throws Exception {
    String user = userWithEcho();
    byte[] input = ("sync " + CallIds.random()).getBytes(StandardCharsets.UTF_8);
    CompletableFuture<HttpResponse<byte[]>> answer = CompletableFuture.supplyAsync(() -> {
      try {
        return post("/f/" + user + "/echo/", input);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Call call = platform.awaitCall(c -> Arrays.equals(c.input(), input));
    assertTrue(call.sync());
    assertEquals(edge.replyChannel(), call.replyTo());
    assertFalse(answer.isDone());

    byte[] output = ("out:" + new String(input, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    long now = System.currentTimeMillis();
    CallResult result = new CallResult(call.callId(), user, "echo", CallState.SUCCEEDED, "", 0, output,
        "log line\n".getBytes(StandardCharsets.UTF_8), "", call.submittedAtMillis(), now, now + 5, List.of());
    assertTrue(platform.store.putResult(result, call.replyTo()));

    HttpResponse<byte[]> r = answer.get(30, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode(), text(r));
    assertArrayEquals(output, r.body());
    assertEquals("application/octet-stream", r.headers().firstValue("Content-Type").orElse(""));
    assertEquals(call.callId(), callIdHeader(r));
    await("the wait is released", () -> edge.waitingCalls() == 0);

    HttpResponse<byte[]> status = get("/calls/" + call.callId());
    assertTrue(text(status).contains("\"status\":\"succeeded\",\"returnCode\":0,\"failure\":null"), text(status));
    assertTrue(text(status).contains("\"durationMs\":5,\"chainedCalls\":0"), text(status));
    assertArrayEquals(output, get("/calls/" + call.callId() + "/output").body());
    HttpResponse<byte[]> logs = get("/calls/" + call.callId() + "/logs");
    assertEquals("log line\n", text(logs));
    assertEquals("text/plain; charset=utf-8", logs.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void failedSyncCallIs500WithTheFailure() throws Exception {
    String user = userWithEcho();
    byte[] input = ("fail " + CallIds.random()).getBytes(StandardCharsets.UTF_8);
    CompletableFuture<HttpResponse<byte[]>> answer = CompletableFuture.supplyAsync(() -> {
      try {
        return post("/f/" + user + "/echo/", input);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Call call = platform.awaitCall(c -> Arrays.equals(c.input(), input));
    long now = System.currentTimeMillis();
    platform.store.putResult(new CallResult(call.callId(), user, "echo", CallState.FAILED, "TRAP", -1, null, null,
        "wasm trap: unreachable", call.submittedAtMillis(), now, now, List.of()), call.replyTo());

    HttpResponse<byte[]> r = answer.get(30, TimeUnit.SECONDS);
    assertJsonError(r, 500, "\"error\":\"wasm trap: unreachable\",\"callId\":\"" + call.callId()
        + "\",\"failure\":\"TRAP\",\"returnCode\":null");
    assertEquals(call.callId(), callIdHeader(r));
  }

  @Test
  void syncCallOutlivingTheWaitIs504AndKeepsItsStatusLink() throws Exception {
    String user = userWithEcho();
    Edge impatient = platform.startEdge(c -> c.withSyncWait(Duration.ofMillis(300)));
    try {
      HttpResponse<byte[]> r = platform.send(HttpRequest.newBuilder(uri(impatient, "/f/" + user + "/echo/"))
          .POST(HttpRequest.BodyPublishers.ofString("slow")));
      String id = callIdHeader(r);
      assertJsonError(r, 504, "call " + id + " did not finish within 0.3 s; it continues to run",
          "\"callId\":\"" + id + "\",\"status\":\"/calls/" + id + "\",\"output\":\"/calls/" + id + "/output\"");
      assertEquals("/calls/" + id, r.headers().firstValue("Location").orElse(""));
      assertEquals(0, impatient.waitingCalls());

      Call call = platform.awaitCall(c -> c.callId().equals(id));
      assertTrue(call.sync());
      HttpResponse<byte[]> status = get("/calls/" + id);
      assertTrue(text(status).contains("\"status\":\"queued\""), text(status));
    } finally {
      impatient.close();
    }
  }

  @Test
  void unreachableBrokerIsNotReadyAndCallsAre503() throws Exception {
    String user = userWithEcho();
    int deadPort;
    try (ServerSocket free = new ServerSocket(0)) {
      deadPort = free.getLocalPort();
    }
    KafkaSettings nowhere = new KafkaSettings("127.0.0.1:" + deadPort, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500));
    Edge cut = platform.startEdge(nowhere, c -> c);
    try {
      HttpResponse<byte[]> ready = platform.send(HttpRequest.newBuilder(uri(cut, "/ready")).GET());
      assertJsonError(ready, 503, "not ready: kafka (", "\"redis\":\"ok\"", "\"functionRegistry\":\"ok\"");

      HttpResponse<byte[]> sync = platform.send(HttpRequest.newBuilder(uri(cut, "/f/" + user + "/echo/"))
          .POST(HttpRequest.BodyPublishers.ofString("x")));
      assertJsonError(sync, 503, "calls topic unavailable", "\"callId\":\"" + callIdHeader(sync) + "\"");
      assertEquals(0, cut.waitingCalls());

      HttpResponse<byte[]> async = platform.send(HttpRequest.newBuilder(uri(cut, "/fa/" + user + "/echo/"))
          .POST(HttpRequest.BodyPublishers.ofString("x")));
      assertJsonError(async, 503, "calls topic unavailable", "\"callId\":\"" + callIdHeader(async) + "\"");
    } finally {
      cut.close();
    }
  }

  @Test
  void clientDisconnectReleasesTheWait() throws Exception {
    String user = userWithEcho();
    assertEquals(0, edge.waitingCalls());
    try (Socket socket = new Socket("127.0.0.1", edge.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /f/" + user + "/echo/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhi")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await("the call waits", () -> edge.waitingCalls() == 1);
    }
    await("the disconnect releases the wait", () -> edge.waitingCalls() == 0);
  }

  // --- calls ---

  @Test
  void unknownCallIs404AndMalformedIdIs400() throws Exception {
    String id = CallIds.random();
    assertJsonError(get("/calls/" + id), 404, "call " + id + " not found");
    assertJsonError(get("/calls/" + id + "/output"), 404, "not found");
    assertJsonError(get("/calls/bad-id"), 400, "invalid call id 'bad-id'");
  }

  @Test
  void resultWithoutWaiterIsServedFromTheStore() throws Exception {
    String id = CallIds.random();
    byte[] output = {0, 1, 2, (byte) 0xff};
    platform.store.putResult(new CallResult(id, "u", "f", CallState.SUCCEEDED, "", 0, output, null, "", 1000, 2000,
        3000, List.of()), "");
    HttpResponse<byte[]> out = get("/calls/" + id + "/output");
    assertEquals(200, out.statusCode());
    assertArrayEquals(output, out.body());
    assertEquals(id, callIdHeader(out));
    HttpResponse<byte[]> status = get("/calls/" + id + "/");
    assertTrue(text(status).contains("\"submittedAt\":\"1970-01-01T00:00:01.000Z\",\"startedAt\":\"1970-01-01T00:00:02"
        + ".000Z\",\"finishedAt\":\"1970-01-01T00:00:03.000Z\",\"durationMs\":1000"), text(status));
    assertEquals("", text(get("/calls/" + id + "/logs")));
  }
}
