package dev.faasm.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.protocol.CallIds;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Requests to one edge of a harness, and the assertions its tests share. */
final class EdgeClient {
  private final EdgeHarness platform;
  private final Edge edge;

  EdgeClient(EdgeHarness platform, Edge edge) {
    this.platform = platform;
    this.edge = edge;
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(EdgeHarness.uri(edge, path));
  }

  HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return platform.send(request);
  }

  HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return send(request(path).GET());
  }

  HttpResponse<byte[]> post(String path, byte[] body) throws IOException, InterruptedException {
    return send(request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  HttpResponse<byte[]> put(String path, byte[] body) throws IOException, InterruptedException {
    return send(request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  HttpResponse<byte[]> delete(String path) throws IOException, InterruptedException {
    return send(request(path).DELETE());
  }

  /** A fresh user with {@code module} uploaded as its function "echo". */
  String userWith(byte[] module) throws IOException, InterruptedException {
    String user = "u" + CallIds.random().substring(0, 10);
    HttpResponse<byte[]> r = put("/f/" + user + "/echo/", module);
    assertEquals(201, r.statusCode(), EdgeHarness.text(r));
    return user;
  }

  static String callIdHeader(HttpResponse<?> r) {
    return r.headers().firstValue("X-Faasm-Call-Id").orElseThrow(() -> new AssertionError("no X-Faasm-Call-Id"));
  }

  /** The one JSON error shape, with this status and these fragments in the body. */
  static void assertJsonError(HttpResponse<byte[]> r, int status, String... fragments) {
    String body = EdgeHarness.text(r);
    assertEquals(status, r.statusCode(), body);
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""), body);
    assertTrue(body.startsWith("{\"error\":\""), body);
    for (String f : fragments) {
      assertTrue(body.contains(f), "expected " + f + " in " + body);
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }
}
