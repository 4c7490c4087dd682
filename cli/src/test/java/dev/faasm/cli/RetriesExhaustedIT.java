package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.faasm.embedded.EmbeddedRedis;
import dev.faasm.embedded.TopicReader;
import dev.faasm.processor.ProcessorConfig;
import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.Codec;
import dev.faasm.registry.CallRecords;
import io.opentelemetry.api.OpenTelemetry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A call that keeps failing for a platform reason (here Redis refusing every write) is retried with backoff a bounded
 * number of times, then ends with a RETRIES_EXHAUSTED failure that its caller sees once Redis takes writes again,
 * on the results topic too; it never runs.
 */
class RetriesExhaustedIT {

  @Test
  void aCallThatKeepsFailingEndsWithRetriesExhausted() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start(0);
        TestCluster cluster = new TestCluster(r -> r, e -> e, redis.url(), OpenTelemetry.noop(),
            p -> p.withRetry(new ProcessorConfig.Retry(3, Duration.ofMillis(100), Duration.ofMillis(400))));
        Jedis jedis = new Jedis(redis.url())) {
      String digest = cluster.node.registry().currentDigest("simon", "echo").orElseThrow();
      // Every write now fails with an out-of-memory error: the processor cannot mark the call running.
      jedis.configSet("maxmemory-policy", "noeviction");
      jedis.configSet("maxmemory", "1");
      String id = CallIds.random();
      Call call = new Call(id, "simon", "echo", "never runs".getBytes(), false, System.currentTimeMillis(), digest,
          "", 0, -1, "");
      try (KafkaProducer<String, byte[]> producer = cluster.kafka.producer("retries-it")) {
        producer.send(CallRecords.of(cluster.topics.calls(), call)).get(30, TimeUnit.SECONDS);
      }
      // Three failed runs, then the terminal failure, which cannot be stored either until Redis takes writes.
      Thread.sleep(1_500);
      jedis.configSet("maxmemory", "0");
      await().atMost(Duration.ofSeconds(60)).until(() -> text(cluster.get("/calls/" + id)).contains("failed"));
      HttpResponse<byte[]> status = cluster.get("/calls/" + id);
      Map<String, Object> json = JSON.std.mapFrom(text(status));
      assertEquals("RETRIES_EXHAUSTED", json.get("failure"), text(status));
      assertTrue(String.valueOf(json.get("error")).contains("gave up after 3 attempts"), text(status));
      assertTrue(String.valueOf(json.get("error")).contains("OOM"), text(status));

      List<CallResult> onTheLog = TopicReader.readAll(cluster.kafka.consumerProps("retries-check"),
              cluster.topics.results()).stream()
          .filter(r -> r.key().equals(id))
          .map(r -> Codec.decodeResult(r.value()))
          .toList();
      assertEquals(1, onTheLog.size());
      assertEquals("RETRIES_EXHAUSTED", onTheLog.get(0).failureKind());
      assertEquals(0, onTheLog.get(0).output().length, "the guest never ran");
    }
  }
}
