package dev.faasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.edge.EdgeConfig;
import dev.faasm.embedded.TestPlatform;
import dev.faasm.processor.ProcessorConfig;
import dev.faasm.processor.StateConfig;
import dev.faasm.protocol.CallIds;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStoreConfig;
import dev.faasm.runtime.RuntimeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Shared state outlives the processor that wrote it, and its size limits fail a call with a clear error. */
class SharedStateDurabilityIT {
  private static final StateConfig SMALL = StateConfig.defaults().withMaxValueBytes(64 * 1024)
      .withMaxUserBytes(128 * 1024);

  private final String prefix = "state-it-" + CallIds.random().substring(0, 8) + "-";
  private final KafkaSettings kafka = KafkaSettings.of(TestPlatform.kafkaBootstrap());
  private final Topics topics = Topics.withPrefix(prefix, 2, (short) 1);
  private final ResultStoreConfig store = new ResultStoreConfig(TestPlatform.redisUrl(), Duration.ofHours(1), prefix);
  private final HttpClient http = HttpClient.newHttpClient();

  private Node start(String name, Path root) throws Exception {
    Node node = new Node(kafka, topics, store, RuntimeConfig.defaults(), root.resolve(name), name, true);
    try {
      node.seed(Repo.wasmDir());
      node.startProcessor(ProcessorConfig.defaults(name, root.resolve("streams-" + name))
          .withApplicationId(prefix + "processor"), SMALL);
      node.startEdge(EdgeConfig.defaults().withPort(0).withHost("127.0.0.1"));
      return node;
    } catch (Exception e) {
      node.close();
      throw e;
    }
  }

  private HttpResponse<String> post(Node node, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.edge().port() + path))
            .timeout(Duration.ofSeconds(120))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void stateWrittenThroughOneProcessorIsReadThroughTheNextAfterItIsGone() throws Exception {
    Path root = Files.createTempDirectory("faasm-state-it");
    try (Node first = start("first", root)) {
      HttpResponse<String> r = post(first, "/f/demo/state_set", "persisted still here");
      assertEquals(200, r.statusCode(), r.body());
    }
    try (Node second = start("second", root)) {
      HttpResponse<String> r = post(second, "/f/demo/state_reader", "persisted");
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("still here", r.body());
    }
  }

  @Test
  void sizeLimitsPerKeyAndPerUserFailTheCallNamingTheLimit() throws Exception {
    Path root = Files.createTempDirectory("faasm-state-it");
    try (Node node = start("limits", root)) {
      HttpResponse<String> tooBig = post(node, "/f/demo/state_set", "big " + "x".repeat(70_000));
      assertEquals(500, tooBig.statusCode(), tooBig.body());
      assertEquals("STATE_FAILED", JsonField.get(tooBig.body(), "failure"));
      assertTrue(JsonField.get(tooBig.body(), "error").contains("over the limit of 65536 bytes per key"),
          tooBig.body());

      for (String key : new String[] {"one", "two"}) {
        HttpResponse<String> ok = post(node, "/f/demo/state_set", key + " " + "y".repeat(60_000));
        assertEquals(200, ok.statusCode(), ok.body());
      }
      HttpResponse<String> third = post(node, "/f/demo/state_set", "three " + "z".repeat(60_000));
      assertEquals(500, third.statusCode(), third.body());
      assertEquals("STATE_FAILED", JsonField.get(third.body(), "failure"));
      assertTrue(JsonField.get(third.body(), "error").contains(
          "the state of user 'demo' would be 180000 bytes, over the limit of 131072 bytes per user"), third.body());

      // rewriting a key counts its new size, not both
      HttpResponse<String> rewrite = post(node, "/f/demo/state_set", "two " + "w".repeat(60_000));
      assertEquals(200, rewrite.statusCode(), rewrite.body());
    }
  }
}
