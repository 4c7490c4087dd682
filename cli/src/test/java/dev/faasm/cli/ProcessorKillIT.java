package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.edge.EdgeConfig;
import dev.faasm.embedded.TestPlatform;
import dev.faasm.protocol.CallIds;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStore;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Processors in separate JVMs; one is killed with SIGKILL while a few hundred async calls are in flight. Every call
 * must still end with exactly one stored, correct result.
 */
class ProcessorKillIT {
  private static final int CALLS = 300;

  @Test
  void sigkillOfAProcessorLosesNoCall() throws Exception {
    String prefix = "kill-" + CallIds.random().substring(0, 8) + "-";
    KafkaSettings kafka = KafkaSettings.of(TestPlatform.kafkaBootstrap());
    Topics topics = Topics.withPrefix(prefix, 4, (short) 1);
    ResultStoreConfig storeConfig = new ResultStoreConfig(TestPlatform.redisUrl(), Duration.ofHours(1), prefix);
    Path root = Files.createTempDirectory("faasm-kill");
    List<Process> processors = new ArrayList<>();
    try (Node edgeNode =
            new Node(kafka, topics, storeConfig, RuntimeConfig.defaults(), root.resolve("edge"), "edge", false);
        ResultStore store = new ResultStore(storeConfig)) {
      edgeNode.seed(Repo.wasmDir());
      edgeNode.startEdge(EdgeConfig.defaults().withPort(0).withHost("127.0.0.1"));
      for (int i = 0; i < 2; i++) {
        processors.add(startProcessorJvm(prefix, root.resolve("p" + i), "p" + i));
      }
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + edgeNode.edge().port());
      List<String> ids = new ArrayList<>();
      String caughtMidCall = null;
      Map<String, String> expected = new HashMap<>();
      for (int i = 0; i < CALLS; i++) {
        String n = Integer.toString(28 + i % 6);
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(base.resolve("/fa/bench/fib")).POST(HttpRequest.BodyPublishers.ofString(n)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        String id = JsonField.get(r.body(), "callId");
        ids.add(id);
        expected.put(id, Long.toString(fib(Integer.parseInt(n))));
        if (i == CALLS / 3) {
          waitUntilSomeFinished(store, ids);
          caughtMidCall = runningOn(store, ids, "processor-p0");
          processors.get(0).destroyForcibly(); // SIGKILL
          processors.get(0).waitFor(30, TimeUnit.SECONDS);
        }
      }
      for (String id : ids) {
        var result = awaitResult(store, id);
        assertTrue(result.succeeded(), id + ": " + result.error());
        assertEquals(expected.get(id), new String(result.output()).trim(), id);
      }
      assertEquals(CALLS, ids.stream().distinct().count());
      assertTrue(caughtMidCall != null, "the killed processor was running no call when it was killed");
      assertTrue(awaitResult(store, caughtMidCall).succeeded(), "call " + caughtMidCall + " running at the kill");
      assertTrue(text(http.send(HttpRequest.newBuilder(base.resolve("/calls/" + ids.get(0))).build(),
          HttpResponse.BodyHandlers.ofByteArray())).contains("succeeded"));
    } finally {
      processors.forEach(Process::destroyForcibly);
    }
  }

  private static long fib(int n) {
    long a = 0;
    long b = 1;
    for (int i = 0; i < n; i++) {
      long next = a + b;
      a = b;
      b = next;
    }
    return a;
  }

  /** A call that the given processor has started and not finished, waiting for one to appear. */
  private static String runningOn(ResultStore store, List<String> ids, String processor) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (String id : ids) {
        var status = store.status(id);
        if (status.isPresent() && status.get().state() == dev.faasm.protocol.CallState.RUNNING
            && status.get().processor().equals(processor)) {
          return id;
        }
      }
      Thread.sleep(5);
    }
    return null;
  }

  private static void waitUntilSomeFinished(ResultStore store, List<String> ids) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (ids.stream().filter(id -> store.result(id).isPresent()).count() >= 10) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("processors never finished a call");
  }

  private static dev.faasm.protocol.CallResult awaitResult(ResultStore store, String id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      var r = store.result(id);
      if (r.isPresent()) {
        return r.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("call " + id + " never got a result");
  }

  private static Process startProcessorJvm(String prefix, Path root, String id) throws Exception {
    return ProcessorJvm.start(prefix, root, id, java.util.Map.of());
  }

}
