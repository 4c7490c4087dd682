package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.embedded.TestPlatform;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A W3C trace that arrives at the edge follows the call through Kafka to the processor and into its chained calls. */
class TracingIT {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN = "00f067aa0ba902b7";
  private static final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build();
    cluster = new TestCluster(r -> r, e -> e, TestPlatform.redisUrl(), sdk);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aThreeDeepChainIsOneTraceWithASpanPerCallUnderTheCallersSpan() throws Exception {
    HttpResponse<byte[]> r =
        cluster.send(
            HttpRequest.newBuilder(cluster.uri("/f/demo/nested"))
                .header("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01")
                .POST(HttpRequest.BodyPublishers.ofString("2")));
    assertEquals(200, r.statusCode(), text(r));
    assertEquals("012", text(r));
    assertEquals(TRACE_ID, r.headers().firstValue("X-Faasm-Trace-Id").orElseThrow());

    await().atMost(Duration.ofSeconds(30)).until(() -> runs().size() == 3);
    List<SpanData> all =
        spans.getFinishedSpanItems().stream().filter(s -> s.getName().endsWith("demo/nested")).toList();
    assertEquals(4, all.size(), "the edge's span and one per call: " + all);
    assertTrue(all.stream().allMatch(s -> s.getTraceId().equals(TRACE_ID)), "one trace: " + all);
    SpanData edge = all.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    assertEquals(CLIENT_SPAN, edge.getParentSpanId(), "the edge's span is the caller's child");
    Map<Long, SpanData> byDepth =
        runs().stream().collect(Collectors.toMap(s -> s.getAttributes().get(
            io.opentelemetry.api.common.AttributeKey.longKey("faasm.chain_depth")), Function.identity()));
    assertEquals(edge.getSpanId(), byDepth.get(0L).getParentSpanId(), "the first call runs under the edge's span");
    assertEquals(byDepth.get(0L).getSpanId(), byDepth.get(1L).getParentSpanId(), "a chained call under its caller");
    assertEquals(byDepth.get(1L).getSpanId(), byDepth.get(2L).getParentSpanId());
  }

  @Test
  void aCallWithoutATraceStartsOneAndSaysWhich() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/simon/echo", "untraced");
    String traceId = r.headers().firstValue("X-Faasm-Trace-Id").orElseThrow();
    assertEquals(32, traceId.length());
    await().atMost(Duration.ofSeconds(30)).until(() -> spans.getFinishedSpanItems().stream()
        .anyMatch(s -> s.getTraceId().equals(traceId) && s.getName().equals("run simon/echo")));
  }

  private static List<SpanData> runs() {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("run demo/nested") && s.getTraceId().equals(TRACE_ID))
        .toList();
  }
}
