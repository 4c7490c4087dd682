package dev.faasm.cli;

import dev.faasm.edge.EdgeConfig;
import dev.faasm.embedded.TestPlatform;
import dev.faasm.processor.ProcessorConfig;
import dev.faasm.protocol.CallIds;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStoreConfig;
import dev.faasm.runtime.RuntimeConfig;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A whole platform for one test class on the shared real broker and redis-server: its own topics (unique prefix), one
 * processor with ONE stream thread and the edge on an ephemeral port, with the committed example functions loaded.
 */
final class TestCluster implements AutoCloseable {
  final String prefix = "it-" + CallIds.random().substring(0, 8) + "-";
  final KafkaSettings kafka = KafkaSettings.of(TestPlatform.kafkaBootstrap());
  final Topics topics = Topics.withPrefix(prefix, 4, (short) 1);
  final ResultStoreConfig storeConfig;
  final Path funcRoot;
  final Node node;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  TestCluster(UnaryOperator<RuntimeConfig> runtime, UnaryOperator<EdgeConfig> edge) throws Exception {
    this(runtime, edge, TestPlatform.redisUrl());
  }

  /** A cluster on its own Redis (for tests that take Redis away). */
  TestCluster(UnaryOperator<RuntimeConfig> runtime, UnaryOperator<EdgeConfig> edge, String redisUrl)
      throws Exception {
    this(runtime, edge, redisUrl, OpenTelemetry.noop());
  }

  /** A cluster whose spans go to {@code telemetry}. */
  TestCluster(
      UnaryOperator<RuntimeConfig> runtime, UnaryOperator<EdgeConfig> edge, String redisUrl, OpenTelemetry telemetry)
      throws Exception {
    this(runtime, edge, redisUrl, telemetry, Node.Access.OPEN, p -> p);
  }

  /** A cluster whose processor has settings of its own. */
  TestCluster(
      UnaryOperator<RuntimeConfig> runtime, UnaryOperator<EdgeConfig> edge, String redisUrl, OpenTelemetry telemetry,
      UnaryOperator<ProcessorConfig> processor) throws Exception {
    this(runtime, edge, redisUrl, telemetry, Node.Access.OPEN, processor);
  }

  /** A cluster whose edge requires API keys (or not) and applies these default quotas. */
  TestCluster(UnaryOperator<RuntimeConfig> runtime, UnaryOperator<EdgeConfig> edge, Node.Access access)
      throws Exception {
    this(runtime, edge, TestPlatform.redisUrl(), OpenTelemetry.noop(), access, p -> p);
  }

  private TestCluster(
      UnaryOperator<RuntimeConfig> runtime, UnaryOperator<EdgeConfig> edge, String redisUrl, OpenTelemetry telemetry,
      Node.Access access, UnaryOperator<ProcessorConfig> processor) throws Exception {
    storeConfig = new ResultStoreConfig(redisUrl, Duration.ofHours(1), prefix);
    funcRoot = Files.createTempDirectory("faasm-it");
    node = new Node(kafka, topics, storeConfig, runtime.apply(RuntimeConfig.defaults()), funcRoot, "it", true,
        telemetry);
    try {
      node.seed(Repo.wasmDir());
      node.startProcessor(processor.apply(processorConfig("it-proc")));
      node.startEdge(edge.apply(EdgeConfig.defaults().withPort(0).withHost("127.0.0.1")), access);
    } catch (Exception e) {
      node.close();
      throw e;
    }
  }

  TestCluster() throws Exception {
    this(r -> r, e -> e);
  }

  ProcessorConfig processorConfig(String instanceId) {
    return ProcessorConfig.defaults(instanceId, funcRoot.resolve("streams-" + instanceId))
        .withApplicationId(prefix + "processor");
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + node.edge().port() + path);
  }

  HttpResponse<byte[]> post(String path, byte[] body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  HttpResponse<byte[]> post(String path, String body) throws IOException, InterruptedException {
    return post(path, body.getBytes(StandardCharsets.UTF_8));
  }

  HttpResponse<byte[]> put(String path, byte[] body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> postJson(String path, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** Polls GET /calls/id until the call is finished; returns its status JSON. */
  String awaitFinished(String callId) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<byte[]> r = get("/calls/" + callId);
      String body = text(r);
      if (r.statusCode() == 200 && (body.contains("\"succeeded\"") || body.contains("\"failed\""))) {
        return body;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("call " + callId + " did not finish");
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static String callId(HttpResponse<byte[]> r) {
    return r.headers().firstValue("X-Faasm-Call-Id").orElseThrow(() -> new AssertionError("no X-Faasm-Call-Id"));
  }

  @Override
  public void close() {
    node.close();
  }
}
