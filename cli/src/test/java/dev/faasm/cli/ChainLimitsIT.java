package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.faasm.embedded.TestPlatform;
import dev.faasm.processor.ProcessorConfig;
import dev.faasm.protocol.CallIds;
import io.opentelemetry.api.OpenTelemetry;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One request from outside may cause a bounded number of chained calls in all (here 3), and a chained call's input
 * obeys the input limit of a call from outside (here 4 bytes), each failing with a clear error at the chain call.
 */
class ChainLimitsIT {
  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(r -> r, e -> e, TestPlatform.redisUrl(), OpenTelemetry.noop(),
        p -> p.withChainLimits(new ProcessorConfig.ChainLimits(3, 4)));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aChainWithinTheBudgetRuns() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/demo/nested", "3"); // 3 chained calls
    assertEquals(200, r.statusCode(), text(r));
    assertEquals("0123", text(r));
  }

  @Test
  void theChainedCallBeyondTheBudgetFailsNamingIt() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/fa/demo/nested", "5"); // would be 5 chained calls
    assertEquals(202, r.statusCode(), text(r));
    String root = (String) JSON.std.mapFrom(text(r)).get("callId");
    Map<String, Object> rootStatus = JSON.std.mapFrom(cluster.awaitFinished(root));
    assertEquals("failed", rootStatus.get("status"), rootStatus.toString());
    // The third chained call (depth 3) may not make a fourth: it fails at its chain call, naming the budget.
    String third = CallIds.child(CallIds.child(CallIds.child(root, "now", 0), "now", 0), "now", 0);
    Map<String, Object> thirdStatus = JSON.std.mapFrom(cluster.awaitFinished(third));
    assertEquals("CHAIN_FAILED", thirdStatus.get("failure"), thirdStatus.toString());
    assertTrue(String.valueOf(thirdStatus.get("error")).contains("call budget exceeded: request " + root
        + " may cause at most 3 chained calls"), thirdStatus.toString());
    String fourth = CallIds.child(third, "now", 0);
    assertEquals(404, cluster.get("/calls/" + fourth).statusCode(), "the fourth chained call was never made");
  }

  @Test
  void deferredChainsWithinTheBudgetRun() throws Exception {
    HttpResponse<byte[]> ok = cluster.post("/f/simon/chain", "ab"); // defers two calls: within 3
    assertEquals(200, ok.statusCode(), text(ok));
    assertEquals("echo,x2", text(ok));
  }

  @Test
  void deferredChainsBeyondTheBudgetFailTheCall() throws Exception {
    try (TestCluster tight = new TestCluster(r -> r, e -> e, TestPlatform.redisUrl(), OpenTelemetry.noop(),
        p -> p.withChainLimits(new ProcessorConfig.ChainLimits(1, 1024)))) {
      HttpResponse<byte[]> r = tight.post("/fa/simon/chain", "ab"); // defers two calls: over 1
      String id = (String) JSON.std.mapFrom(text(r)).get("callId");
      Map<String, Object> status = JSON.std.mapFrom(tight.awaitFinished(id));
      assertEquals("CALL_BUDGET", status.get("failure"), status.toString());
      assertTrue(String.valueOf(status.get("error")).contains("may cause at most 1 chained calls"), status.toString());
      assertEquals(404, tight.get("/calls/" + CallIds.child(id, "then", 0)).statusCode(), "no chain was made");
    }
  }

  @Test
  void aChainedInputOverTheLimitFailsAtTheChainCall() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/demo/nested", "12345"); // chains itself with "12344": 5 bytes > 4
    String body = text(r);
    assertTrue(r.statusCode() >= 400, body);
    assertTrue(body.contains("chained call input of 5 bytes exceeds the limit of 4 bytes"), body);
  }
}
