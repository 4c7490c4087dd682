package dev.faasm.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edge sheds slow, silent, oversized and malformed clients, tried with raw sockets against a real broker and
 * redis-server. Timeouts are short here so that the tests are quick; their bounds are generous.
 */
class AbuseIT {
  private static final Duration SHORT = Duration.ofSeconds(1);
  private static final int WAIT = 30_000;

  private static EdgeHarness platform;

  @BeforeAll
  static void start() throws Exception {
    platform = new EdgeHarness();
  }

  @AfterAll
  static void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  private static Edge edge(EdgeLimits limits) {
    return platform.startEdge(c -> c.withLimits(limits).withSyncWait(Duration.ofSeconds(3)));
  }

  @Test
  void aConnectionThatSendsNothingIsClosed() throws Exception {
    Edge edge = edge(EdgeLimits.defaults().withNoRequestTimeout(SHORT));
    try (RawHttp silent = new RawHttp(edge)) {
      assertTrue(silent.closedWithin(WAIT), "a silent connection stays open");
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterItsAnswer() throws Exception {
    Edge edge = edge(EdgeLimits.defaults().withNoRequestTimeout(SHORT));
    try (RawHttp c = new RawHttp(edge)) {
      c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(200, c.read(false).status());
      assertTrue(c.closedWithin(WAIT), "an idle keep-alive connection stays open");
    }
  }

  @Test
  void slowlorisConnectionsAreClosedWhileTheyTrickleHeaders() throws Exception {
    // Idle timeout long: only the header deadline can close these connections.
    Edge edge = edge(EdgeLimits.defaults().withNoRequestTimeout(Duration.ofMinutes(5)).withRequestParseTimeout(SHORT));
    List<RawHttp> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        slow.add(new RawHttp(edge).send("POST /f/simon/echo HTTP/1.1\r\nHost: x\r\n"));
      }
      long deadline = System.nanoTime() + Duration.ofMillis(WAIT).toNanos();
      List<RawHttp> open = new ArrayList<>(slow);
      while (!open.isEmpty() && System.nanoTime() < deadline) {
        for (var it = open.iterator(); it.hasNext(); ) {
          RawHttp c = it.next();
          try {
            c.send("X-a: b\r\n"); // one more header line each round: never idle, never complete
            if (c.closedWithin(100)) {
              it.remove();
            }
          } catch (java.io.IOException e) {
            it.remove(); // the write failed: the server closed it
          }
        }
      }
      assertTrue(open.isEmpty(), open.size() + " of 20 slowloris connections still open");
    } finally {
      for (RawHttp c : slow) {
        c.close();
      }
    }
  }

  @Test
  void aBodyTrickledTooSlowlyIsAnswered408() throws Exception {
    Edge edge = edge(EdgeLimits.defaults().withBodyReadTimeout(SHORT));
    try (RawHttp c = new RawHttp(edge)) {
      c.send("PUT /f/slow/body HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n\0asm");
      RawHttp.Answer a = c.read(false);
      assertEquals(408, a.status(), a.body());
      assertTrue(a.body().contains("request body not received within 1 s"), a.body());
      assertTrue(c.closedWithin(WAIT), "the connection is closed after the 408");
    }
  }

  @Test
  void aSynchronousCallWaitingLongerThanTheTimeoutsIsStillAnswered() throws Exception {
    Edge edge = edge(EdgeLimits.defaults().withNoRequestTimeout(SHORT).withRequestParseTimeout(SHORT)
        .withBodyReadTimeout(SHORT));
    EdgeClient http = new EdgeClient(platform, edge);
    String user = http.userWith(Fixtures.wasm("simon", "echo"));
    // No processor runs: the call waits the edge's whole sync wait (3 s, thrice every timeout), then 504.
    HttpResponse<byte[]> r = http.post("/f/" + user + "/echo", "hi".getBytes());
    assertEquals(504, r.statusCode(), EdgeHarness.text(r));
  }

  @Test
  void connectionsAboveTheCapWaitUntilOthersClose() throws Exception {
    // One IO thread: XNIO splits the cap among IO threads, and this test counts connections of one.
    Edge edge = platform.startEdge(c -> c.withThreads(1, 4)
        .withLimits(EdgeLimits.defaults().withMaxConnections(2).withNoRequestTimeout(Duration.ofMinutes(5))));
    try (RawHttp a = new RawHttp(edge); RawHttp b = new RawHttp(edge); RawHttp c = new RawHttp(edge)) {
      a.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(200, a.read(false).status());
      b.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(200, b.read(false).status());

      c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertNull(c.readWithin(1_000), "a third connection was served while two were open with a cap of 2");

      a.close();
      RawHttp.Answer third = c.readWithin(WAIT);
      assertNotNull(third, "the waiting connection was not served after one closed");
      assertEquals(200, third.status());
    }
  }

  @Test
  void aOneMegabyteHeaderIsAnswered431() throws Exception {
    Edge edge = edge(EdgeLimits.defaults());
    try (RawHttp c = new RawHttp(edge)) {
      c.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1_000_000) + "\r\n\r\n");
      RawHttp.Answer a = c.read(false);
      assertEquals(431, a.status(), a.body());
      assertTrue(a.body().contains("exceed the limit of 16384 bytes"), a.body());
      assertEquals("application/json", a.headers().get("content-type"));
    }
  }

  @Test
  void headersJustUnderTheCapAreAccepted() throws Exception {
    Edge edge = edge(EdgeLimits.defaults().withMaxHeaderBytes(4096));
    EdgeClient http = new EdgeClient(platform, edge);
    HttpResponse<byte[]> ok = http.send(http.request("/health").header("X-Pad", "a".repeat(3000)).GET());
    assertEquals(200, ok.statusCode());
    HttpResponse<byte[]> big = http.send(http.request("/health").header("X-Pad", "a".repeat(5000)).GET());
    EdgeClient.assertJsonError(big, 431, "exceed the limit of 4096 bytes");
  }

  @Test
  void aMalformedChunkSizeIsAnswered400() throws Exception {
    Edge edge = edge(EdgeLimits.defaults());
    try (RawHttp c = new RawHttp(edge)) {
      // An upload reads its body before anything else (an invocation first checks that the function exists).
      c.send("PUT /f/chunky/fn HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "4\r\n\0asm\r\nZZ\r\nhello\r\n0\r\n\r\n");
      RawHttp.Answer a = c.read(false);
      assertEquals(400, a.status(), a.body());
      assertTrue(a.body().contains("malformed chunked body: invalid chunk size 'ZZ'"), a.body());
      assertEquals("application/json", a.headers().get("content-type"));
    }
  }

  @Test
  void headIsAnsweredAsGetWithoutABody() throws Exception {
    Edge edge = edge(EdgeLimits.defaults());
    EdgeClient http = new EdgeClient(platform, edge);
    String user = http.userWith(Fixtures.wasm("simon", "echo"));
    for (String path : List.of("/health", "/ready", "/f/" + user + "/echo", "/f/" + user + "/")) {
      HttpResponse<byte[]> get = http.get(path);
      try (RawHttp c = new RawHttp(edge)) {
        c.send("HEAD " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp.Answer head = c.read(true);
        assertEquals(get.statusCode(), head.status(), path);
        assertEquals(String.valueOf(get.body().length), head.headers().get("content-length"), path);
        // The next answer on the connection starts right away: HEAD's answer had no body bytes.
        c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, c.read(false).status(), path);
      }
    }
  }

  @Test
  void headOnARouteWithoutGetIs405() throws Exception {
    Edge edge = edge(EdgeLimits.defaults());
    EdgeClient http = new EdgeClient(platform, edge);
    HttpResponse<byte[]> r =
        http.send(http.request("/fa/simon/echo").method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals(405, r.statusCode());
    assertEquals("POST", r.headers().firstValue("Allow").orElse(""));
    HttpResponse<byte[]> options =
        http.send(http.request("/health").method("DELETE", HttpRequest.BodyPublishers.noBody()));
    assertEquals("GET, HEAD", options.headers().firstValue("Allow").orElse(""));
  }
}
