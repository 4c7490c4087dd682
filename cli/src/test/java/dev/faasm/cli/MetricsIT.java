package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The platform's metrics through the real endpoints: the edge's {@code /metrics} and a processor's admin port. */
class MetricsIT {
  private static final int CALLS = 7;
  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster();
    assertEquals(201, cluster.put("/f/mt/counted/", Repo.wasm("simon", "echo")).statusCode());
    for (int i = 0; i < CALLS; i++) {
      assertEquals(200, cluster.post("/f/mt/counted", "m" + i).statusCode());
    }
    assertEquals(500, cluster.post("/f/bad/exit3", "").statusCode());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void afterNCallsOfAFunctionItsCountersAndHistogramsReadN() throws Exception {
    HttpResponse<byte[]> r = cluster.get("/metrics");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    String m = text(r);
    Map<String, String> counted = Map.of("function", "mt/counted", "outcome", "succeeded");
    assertEquals(CALLS, sample(m, "faas_invocations_total", counted).orElseThrow(), 0.0);
    assertEquals(CALLS, sample(m, "faas_invoke_duration_seconds_count", counted).orElseThrow(), 0.0);
    assertEquals(CALLS, sample(m, "faas_mem_usage_bytes_count", Map.of("function", "mt/counted")).orElseThrow(), 0.0);
    assertEquals(CALLS, sample(m, "faasm_call_queueing_seconds_count", Map.of("function", "mt/counted")).orElseThrow(),
        0.0);
    assertEquals(CALLS, sample(m, "faasm_edge_invocations_total",
        Map.of("function", "mt/counted", "mode", "sync", "outcome", "succeeded")).orElseThrow(), 0.0);
    assertEquals(CALLS, sample(m, "faasm_edge_sync_wait_seconds_count", Map.of("function", "mt/counted")).orElseThrow(),
        0.0);
    assertEquals(1, sample(m, "faas_errors_total", Map.of("function", "bad/exit3", "kind", "NON_ZERO_EXIT"))
        .orElseThrow(), 0.0);
    assertEquals(1, sample(m, "faasm_edge_uploads_total", Map.of("outcome", "stored")).orElseThrow(), 0.0);
    assertTrue(sample(m, "http_server_requests_seconds_count", Map.of("route", "invoke", "status", "200"))
        .orElseThrow() >= CALLS);
    assertTrue(m.contains("faas_invoke_duration_seconds_bucket{") && m.contains("le=\"5.0E-4\"")
        && m.contains("le=\"60.0\""), "buckets from 0.5 ms to 60 s");
    assertTrue(m.contains("faasm_guests_running") && m.contains("faasm_guests_awaiting"), "runtime gauges");
    assertTrue(m.contains("faasm_pending_calls"), "pending store gauge");
    assertTrue(m.contains("jvm_memory_used_bytes"), "JVM metrics");
    assertTrue(m.contains("kafka_consumer_fetch_manager_records_lag_max"), "consumer lag of the calls topic");
  }

  @Test
  void theAdminPortServesTheSameRegistry() throws Exception {
    AdminServer admin = cluster.node.startAdmin("127.0.0.1", 0);
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertEquals(CALLS, sample(r.body(), "faas_invocations_total", Map.of("function", "mt/counted",
        "outcome", "succeeded")).orElseThrow(), 0.0);
    HttpResponse<String> health = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode());
  }

  /** The value of the one sample of {@code name} whose labels include all of {@code labels}. */
  static OptionalDouble sample(String exposition, String name, Map<String, String> labels) {
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(name + "{")) {
        continue;
      }
      boolean all = labels.entrySet().stream()
          .allMatch(e -> line.contains(e.getKey() + "=\"" + e.getValue() + "\""));
      if (all) {
        return OptionalDouble.of(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return OptionalDouble.empty();
  }
}
