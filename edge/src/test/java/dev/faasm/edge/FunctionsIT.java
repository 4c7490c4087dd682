package dev.faasm.edge;

import static dev.faasm.edge.EdgeClient.assertJsonError;
import static dev.faasm.edge.EdgeHarness.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.protocol.CallIds;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Function management, names and routes over real HTTP against a real broker and redis-server. */
class FunctionsIT extends EdgeTestBase {
  @Test
  void uploadAnswersWithTheModuleDigest() throws Exception {
    String user = "u" + CallIds.random().substring(0, 10);
    HttpResponse<byte[]> r = put("/f/" + user + "/echo", echo);
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(echo));
    assertEquals(201, r.statusCode(), text(r));
    assertTrue(text(r).startsWith("{\"user\":\"" + user + "\",\"function\":\"echo\",\"digest\":\"" + digest
        + "\",\"size\":" + echo.length + ",\"uploadedAt\":\""), text(r));
    assertTrue(text(r).contains("\"stubbedImports\":["), text(r));

    HttpResponse<byte[]> again = put("/f/" + user + "/echo/", echo);
    assertEquals(200, again.statusCode(), text(again));
    assertTrue(text(again).contains("\"digest\":\"" + digest + "\""), text(again));
  }

  @Test
  void uploadWithTheFileNameCurlAppendsTargetsTheFunction() throws Exception {
    String user = "u" + CallIds.random().substring(0, 10);
    HttpResponse<byte[]> r = put("/f/" + user + "/cool_func/function.wasm", echo);
    assertEquals(201, r.statusCode(), text(r));
    assertEquals(200, get("/f/" + user + "/cool_func/").statusCode());
    assertEquals(405, get("/f/" + user + "/cool_func/function.wasm").statusCode());
  }

  @Test
  void uploadRejectsGarbageNamingTheProblem() throws Exception {
    HttpResponse<byte[]> r = put("/f/simon/garbage/", "this is not wasm".getBytes(StandardCharsets.UTF_8));
    assertJsonError(r, 400, "invalid module: ");
    assertEquals(404, get("/f/simon/garbage/").statusCode());
  }

  @Test
  void uploadRejectsAModuleWithAnUnknownImport() throws Exception {
    HttpResponse<byte[]> r = put("/f/simon/unknown_import/", Fixtures.wasm("bad", "unknown_import"));
    assertJsonError(r, 400, "invalid module: ");
  }

  @Test
  void uploadRejectsAModuleThatCouldNeverRunNamingWhy() throws Exception {
    // _start chains "x" and awaits its output with __faasm_await_call_output, but exports no malloc.
    byte[] awaitsOutputWithoutMalloc = HexFormat.of().parseHex("0061736d01000000010b0260037f7f7f017f600000023a0203"
        + "656e76125f5f666161736d5f636861696e5f6e616d65000003656e76195f5f666161736d5f61776169745f63616c6c5f6f757470"
        + "75740000030201010503010001071302066d656d6f72790200065f737461727400020a1301110041004100410010004110411410"
        + "011a0b0b08010041000b027800");
    HttpResponse<byte[]> r = put("/f/simon/no_malloc/", awaitsOutputWithoutMalloc);
    assertJsonError(r, 400, "invalid module: imports env.__faasm_await_call_output but does not export malloc");
    assertEquals(404, get("/f/simon/no_malloc").statusCode());
  }

  @Test
  void uploadRejectsAnEmptyBody() throws Exception {
    assertJsonError(put("/f/simon/empty/", new byte[0]), 400, "empty request body");
  }

  @Test
  void uploadOverTheLimitIsRejectedBeforeReading() throws Exception {
    HttpResponse<byte[]> r = put("/f/simon/big/", new byte[MAX_MODULE + 1]);
    assertJsonError(r, 413, "module of " + (MAX_MODULE + 1) + " bytes exceeds the limit of " + MAX_MODULE + " bytes");
  }

  @Test
  void declaredLengthOverTheLimitIsAnsweredWithoutSendingTheBody() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", edge.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("PUT /f/simon/huge/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1073741824\r\n"
          + "\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
      assertTrue(answer.contains("module of 1073741824 bytes exceeds the limit of " + MAX_MODULE + " bytes"), answer);
    }
  }

  @Test
  void chunkedUploadGrowingOverTheLimitIsRejected() throws Exception {
    byte[] big = new byte[MAX_MODULE + 100_000];
    HttpResponse<byte[]> r = platform.send(request("/f/simon/big/")
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
    assertJsonError(r, 413, "module exceeds the limit of " + MAX_MODULE + " bytes");
  }

  @Test
  void listDescribeAndDelete() throws Exception {
    String user = userWithEcho();
    assertEquals(201, put("/f/" + user + "/again/", echo).statusCode());

    HttpResponse<byte[]> list = get("/f/" + user + "/");
    assertEquals(200, list.statusCode());
    String body = text(list);
    assertTrue(body.startsWith("[{\"user\":\"" + user + "\",\"function\":\"again\""), body);
    assertTrue(body.contains("},{\"user\":\"" + user + "\",\"function\":\"echo\""), body);

    HttpResponse<byte[]> one = get("/f/" + user + "/echo/");
    assertEquals(200, one.statusCode());
    assertTrue(text(one).startsWith("{\"user\":\"" + user + "\",\"function\":\"echo\",\"digest\":\""), text(one));

    assertEquals(204, delete("/f/" + user + "/echo/").statusCode());
    assertJsonError(get("/f/" + user + "/echo/"), 404, user + "/echo");
    assertJsonError(delete("/f/" + user + "/echo/"), 404, user + "/echo");
    assertTrue(text(get("/f/" + user)).startsWith("[{\"user\":\"" + user + "\",\"function\":\"again\""));
    assertFalse(text(get("/f/" + user)).contains("\"echo\""));
  }

  @Test
  void unknownUserHasNoFunctions() throws Exception {
    HttpResponse<byte[]> r = get("/f/nobody" + CallIds.random().substring(0, 6) + "/");
    assertEquals(200, r.statusCode());
    assertEquals("[]", text(r));
  }

  @Test
  void badNamesAreRejectedNamingThePart() throws Exception {
    assertJsonError(post("/f/../x", new byte[0]), 400, "invalid user name '..'");
    assertJsonError(post("/f/a.b/c", new byte[0]), 400, "invalid user name 'a.b'");
    assertJsonError(put("/f/simon/" + "x".repeat(65), echo), 400, "invalid function name", "longer than 64");
    assertJsonError(post("/fa/simon/%2e%2e/", new byte[0]), 400, "invalid function name '..'");
  }

  @Test
  void unknownRouteAndWrongMethod() throws Exception {
    assertJsonError(get("/nothing/here"), 404, "no route for GET /nothing/here");
    HttpResponse<byte[]> r = platform.send(request("/fa/simon/echo/").GET());
    assertJsonError(r, 405, "allowed: POST");
    assertEquals("POST", r.headers().firstValue("Allow").orElse(""));
    HttpResponse<byte[]> h = post("/health", new byte[0]);
    assertEquals(405, h.statusCode());
    assertEquals("GET, HEAD", h.headers().firstValue("Allow").orElse(""));
  }

  @Test
  void concurrentUploadsOfOneNameCreateItOnceAndTheLastOneWins() throws Exception {
    String user = "u" + CallIds.random().substring(0, 10);
    int uploads = 20;
    java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<byte[]>>> answers = new java.util.ArrayList<>();
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    for (int i = 0; i < uploads; i++) {
      // Each a different module (echo plus a custom section naming it), so that describe tells which one won.
      byte[] module = withCustomSection(echo, "upload-" + i);
      answers.add(client.sendAsync(http.request("/f/" + user + "/racy").PUT(HttpRequest.BodyPublishers.ofByteArray(
          module)).build(), HttpResponse.BodyHandlers.ofByteArray()));
    }
    int created = 0;
    java.util.TreeMap<java.time.Instant, String> digestByTime = new java.util.TreeMap<>();
    for (var answer : answers) {
      HttpResponse<byte[]> r = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(r.statusCode() == 201 || r.statusCode() == 200, text(r));
      created += r.statusCode() == 201 ? 1 : 0;
      java.util.Map<String, Object> body = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(r.body());
      assertEquals(null, digestByTime.put(java.time.Instant.parse((String) body.get("uploadedAt")),
          (String) body.get("digest")),
          "two uploads answered the same uploadedAt");
    }
    assertEquals(1, created, "uploads answered 201 created");

    java.util.Map<String, Object> described = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(
        get("/f/" + user + "/racy").body());
    java.time.Instant newest = digestByTime.lastKey();
    assertEquals(newest, java.time.Instant.parse((String) described.get("uploadedAt")),
        "describe shows the upload with the newest time");
    assertEquals(digestByTime.get(newest), described.get("digest"));
  }

  private static byte[] withCustomSection(byte[] module, String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(module);
    out.write(0);
    out.write(n.length + 1);
    out.write(n.length);
    out.writeBytes(n);
    return out.toByteArray();
  }
}
