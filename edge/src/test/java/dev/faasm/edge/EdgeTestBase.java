package dev.faasm.edge;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One edge on the shared real broker and redis-server per test class, with small body limits and HTTP helpers. */
abstract class EdgeTestBase {
  static final int MAX_INPUT = 64 * 1024;
  static final int MAX_MODULE = 4 * 1024 * 1024;

  static EdgeHarness platform;
  static Edge edge;
  static EdgeClient http;
  static byte[] echo;

  @BeforeAll
  static void start() throws Exception {
    platform = new EdgeHarness();
    edge = platform.startEdge(c -> c.withSyncWait(Duration.ofSeconds(30)).withMaxInputBytes(MAX_INPUT)
        .withMaxModuleBytes(MAX_MODULE));
    http = new EdgeClient(platform, edge);
    echo = Fixtures.wasm("simon", "echo");
  }

  @AfterAll
  static void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  static HttpRequest.Builder request(String path) {
    return http.request(path);
  }

  static HttpResponse<byte[]> get(String path) throws Exception {
    return http.get(path);
  }

  static HttpResponse<byte[]> post(String path, byte[] body) throws Exception {
    return http.post(path, body);
  }

  static HttpResponse<byte[]> put(String path, byte[] body) throws Exception {
    return http.put(path, body);
  }

  static HttpResponse<byte[]> delete(String path) throws Exception {
    return http.delete(path);
  }

  static String userWithEcho() throws Exception {
    return http.userWith(echo);
  }
}
