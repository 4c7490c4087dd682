package dev.faasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.edge.EdgeConfig;
import dev.faasm.embedded.TestPlatform;
import dev.faasm.protocol.CallIds;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStoreConfig;
import dev.faasm.runtime.RuntimeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A processor JVM is killed with SIGKILL while one of its calls holds a global state lock: the state it wrote is read
 * through the next processor, and the orphaned lock expires so the next writer gets it.
 */
class StateProcessorKillIT {
  @Test
  void stateOutlivesAKilledProcessorAndItsGlobalLockExpires() throws Exception {
    String prefix = "state-kill-" + CallIds.random().substring(0, 8) + "-";
    KafkaSettings kafka = KafkaSettings.of(TestPlatform.kafkaBootstrap());
    Topics topics = Topics.withPrefix(prefix, 4, (short) 1);
    ResultStoreConfig storeConfig = new ResultStoreConfig(TestPlatform.redisUrl(), Duration.ofHours(1), prefix);
    Path root = Files.createTempDirectory("faasm-state-kill");
    List<Process> processors = new ArrayList<>();
    try (Node edgeNode =
        new Node(kafka, topics, storeConfig, RuntimeConfig.defaults(), root.resolve("edge"), "edge", false)) {
      edgeNode.seed(Repo.wasmDir());
      edgeNode.startEdge(EdgeConfig.defaults().withPort(0).withHost("127.0.0.1"));
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + edgeNode.edge().port());
      processors.add(startProcessorJvm(prefix, root.resolve("p0"), "p0"));

      assertEquals("5", post(http, base, "/f/demo/state_set", "survivor alive", 200));
      HttpResponse<String> hold = http.send(
          HttpRequest.newBuilder(base.resolve("/fa/demo/state_hold")).POST(HttpRequest.BodyPublishers.ofString(
              "counter")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(202, hold.statusCode(), hold.body());
      awaitOutput(http, base, "hold_marker", "yes"); // the lock is held by a call that never unlocks

      processors.get(0).destroyForcibly(); // SIGKILL: the lock stays in Redis until its TTL
      processors.get(0).waitFor(30, TimeUnit.SECONDS);
      processors.add(startProcessorJvm(prefix, root.resolve("p1"), "p1"));

      assertEquals("alive", post(http, base, "/f/demo/state_reader", "survivor", 200));
      // one writer under the global lock: it waits for the orphaned lock to expire, then increments
      assertEquals("counter=1 expected=1", post(http, base, "/f/demo/state_counter", "1 1 global", 200));
      String holdId = JsonField.get(hold.body(), "callId");
      assertEquals("held before", awaitCallOutput(http, base, holdId), "the re-delivered holder returned at once");
    } finally {
      processors.forEach(Process::destroyForcibly);
    }
  }

  private static String post(HttpClient http, URI base, String path, String body, int status) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(120));
    request = body == null ? request.GET() : request.POST(HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status, r.statusCode(), path + ": " + r.body());
    return r.body();
  }

  private static String awaitCallOutput(HttpClient http, URI base, String callId) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (post(http, base, "/calls/" + callId, null, 200).contains("\"succeeded\"")) {
        return post(http, base, "/calls/" + callId + "/output", null, 200);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("call " + callId + " never succeeded");
  }

  private static void awaitOutput(HttpClient http, URI base, String key, String value) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (value.equals(post(http, base, "/f/demo/state_reader", key, 200))) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("state key " + key + " never became " + value);
  }

  private static Process startProcessorJvm(String prefix, Path root, String id) throws Exception {
    return ProcessorJvm.start(prefix, root, id, java.util.Map.of("FAASM_STATE_LOCK_TTL_MS", "3000", "FAASM_GUESTS", "4"));
  }

}
