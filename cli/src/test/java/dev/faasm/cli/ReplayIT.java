package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.callId;
import static dev.faasm.cli.TestCluster.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.faasm.embedded.TopicReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Replays end to end: recorded calls re-run on the processor against the version they ran, the current version or a
 * candidate, compared with the originals, which stay exactly as they were.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplayIT {
  private static final int CALLS = 50;
  private static TestCluster cluster;
  private static final List<String> ids = new ArrayList<>();
  private static final Set<String> changedByV2 = new HashSet<>();
  private static final Map<String, byte[]> outputs = new HashMap<>();
  private static Map<String, List<byte[]>> resultsBefore;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster();
    assertEquals(201, cluster.put("/f/rp/f/", Repo.wasm("simon", "echo")).statusCode());
    for (int i = 0; i < CALLS; i++) {
      // Even inputs have letters, which v2 (demo/upper) changes; odd ones are digits, which it does not.
      String input = (i % 2 == 0 ? "abc-" : "123-") + i;
      HttpResponse<byte[]> r = cluster.post("/f/rp/f", input);
      assertEquals(200, r.statusCode(), text(r));
      ids.add(callId(r));
      outputs.put(callId(r), r.body());
      if (i % 2 == 0) {
        changedByV2.add(callId(r));
      }
    }
    assertEquals(200, cluster.put("/f/rp/f/", Repo.wasm("demo", "upper")).statusCode());
    resultsBefore = results();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void replayPinnedToTheOriginalVersionIsIdentical() throws Exception {
    Map<String, Object> report = replay("{\"user\":\"rp\",\"function\":\"f\",\"target\":\"original\"}");
    assertEquals("done", report.get("state"), report.toString());
    assertEquals(CALLS, number(report, "selected"));
    assertEquals(CALLS, number(report, "replayed"));
    assertEquals(CALLS, number(report, "identical"));
    assertEquals(0, number(report, "different"));
  }

  @Test
  @Order(2)
  void replayAgainstTheCurrentVersionReportsExactlyTheChangedCalls() throws Exception {
    Map<String, Object> report = replay("{\"user\":\"rp\",\"function\":\"f\",\"target\":\"current\"}");
    assertEquals("done", report.get("state"), report.toString());
    assertEquals(CALLS / 2, number(report, "different"), report.toString());
    assertEquals(CALLS / 2, number(report, "identical"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> differences = (List<Map<String, Object>>) report.get("differences");
    assertTrue(!differences.isEmpty());
    for (Map<String, Object> d : differences) {
      String id = (String) d.get("callId");
      assertTrue(changedByV2.contains(id), "reported different but unchanged by v2: " + id);
      assertEquals(((String) d.get("originalOutput")).toUpperCase(), d.get("replayOutput"));
    }
  }

  @Test
  @Order(3)
  void dryRunOnlyCounts() throws Exception {
    Map<String, Object> report = replay("{\"user\":\"rp\",\"function\":\"f\",\"dryRun\":true,\"max\":7}");
    assertEquals("done", report.get("state"));
    assertEquals(7, number(report, "selected"));
    assertEquals(0, number(report, "replayed"));
  }

  @Test
  @Order(4)
  void failedCallReplaysToTheSameFailure() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/bad/exit3", "");
    assertEquals(500, r.statusCode());
    Map<String, Object> report = replay("{\"callId\":\"" + callId(r) + "\"}");
    assertEquals(1, number(report, "replayed"), report.toString());
    assertEquals(1, number(report, "failed"));
    assertEquals(1, number(report, "identical"));
  }

  @Test
  @Order(5)
  void chainReplaysInsideTheReplayAndAddsNothingToTheLog() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/demo/chain_await", "3");
    assertEquals(200, r.statusCode(), text(r));
    long callsBefore = count(cluster.topics.calls());
    long resultsCount = count(cluster.topics.results());
    Map<String, Object> report = replay("{\"callId\":\"" + callId(r) + "\"}");
    assertEquals(1, number(report, "identical"), report.toString());
    assertEquals(callsBefore, count(cluster.topics.calls()), "a replay must not put calls on the calls topic");
    assertEquals(resultsCount, count(cluster.topics.results()), "a replay must not write results");
  }

  @Test
  @Order(6)
  void functionReadingTimeAndRandomNumbersReplaysIdentically() throws Exception {
    HttpResponse<byte[]> first = cluster.post("/f/demo/clock_random", "");
    HttpResponse<byte[]> second = cluster.post("/f/demo/clock_random", "");
    assertEquals(200, first.statusCode(), text(first));
    assertTrue(!text(first).equals(text(second)), "two calls should see different times and random numbers");
    Map<String, Object> report = replay("{\"user\":\"demo\",\"function\":\"clock_random\"}");
    assertEquals(2, number(report, "replayed"), report.toString());
    assertEquals(2, number(report, "identical"), report.toString());
  }

  @Test
  @Order(7)
  void originalResultsAreUntouchedByEveryReplay() throws Exception {
    for (String id : ids) {
      HttpResponse<byte[]> r = cluster.get("/calls/" + id + "/output");
      assertEquals(200, r.statusCode());
      assertArrayEquals(outputs.get(id), r.body(), id);
    }
    Map<String, List<byte[]>> after = results();
    assertEquals(resultsBefore.keySet(), after.keySet());
    for (String id : resultsBefore.keySet()) {
      assertEquals(resultsBefore.get(id).size(), after.get(id).size(), id);
      for (int i = 0; i < resultsBefore.get(id).size(); i++) {
        assertArrayEquals(resultsBefore.get(id).get(i), after.get(id).get(i), id);
      }
    }
  }

  @Test
  @Order(8)
  void rangeOlderThanTheRetainedLogNamesTheOldestReplayableTime() throws Exception {
    try (Admin admin = cluster.kafka.admin()) {
      Map<TopicPartition, RecordsToDelete> trim = new HashMap<>();
      for (int p = 0; p < cluster.topics.partitions(); p++) {
        trim.put(new TopicPartition(cluster.topics.calls(), p), RecordsToDelete.beforeOffset(1));
      }
      admin.deleteRecords(trim).all().get(30, TimeUnit.SECONDS);
    }
    Map<String, Object> report = replay("{\"from\":\"2020-01-01T00:00:00Z\"}");
    assertEquals("failed", report.get("state"), report.toString());
    assertTrue(((String) report.get("error")).contains("oldest replayable time"), report.toString());
  }

  private static Map<String, Object> replay(String request) throws Exception {
    HttpResponse<byte[]> r = cluster.postJson("/replays", request);
    assertEquals(202, r.statusCode(), text(r));
    String id = (String) JSON.std.mapFrom(text(r)).get("replayId");
    @SuppressWarnings("unchecked")
    Map<String, Object>[] last = new Map[1];
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
      HttpResponse<byte[]> g = cluster.get("/replays/" + id);
      assertEquals(200, g.statusCode(), text(g));
      last[0] = JSON.std.mapFrom(text(g));
      return "done".equals(last[0].get("state")) || "failed".equals(last[0].get("state"));
    });
    return last[0];
  }

  private static long number(Map<String, Object> report, String field) {
    return ((Number) report.get(field)).longValue();
  }

  /** Every record on the results topic for the test's calls, by call id, in log order. */
  private static Map<String, List<byte[]>> results() {
    Map<String, List<byte[]>> out = new HashMap<>();
    for (ConsumerRecord<String, byte[]> rec : readAll(cluster.topics.results())) {
      if (ids.contains(rec.key())) {
        out.computeIfAbsent(rec.key(), k -> new ArrayList<>()).add(rec.value());
      }
    }
    return out;
  }

  private static long count(String topic) {
    return readAll(topic).size();
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
    return TopicReader.readAll(cluster.kafka.consumerProps("replay-it"), topic);
  }

}
