package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.CallState;
import dev.faasm.resultstore.ResultStore;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A call that waited for a guest slot while another processor finished it (a paused or slow processor: a "zombie")
 * is not run again when its slot comes up; its caller gets the result that exists.
 */
class QueuedCallFinishedElsewhereIT {
  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(r -> r.withMaxConcurrentGuests(1).withTimeout(Duration.ofSeconds(3)), e -> e);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void queuedCallWhoseResultAppearedMeanwhileIsWithdrawnNotRun() throws Exception {
    // Hold the only guest slot for 3 s (a loop until its timeout).
    HttpResponse<byte[]> loop = cluster.post("/fa/bad/loop", "");
    assertEquals(202, loop.statusCode(), text(loop));
    String loopId = (String) JSON.std.mapFrom(text(loop)).get("callId");
    awaitRunning(loopId);
    long startedBefore = cluster.node.runtime().guestsStarted();

    HttpResponse<byte[]> queued = cluster.post("/fa/simon/echo", "run me once");
    String id = (String) JSON.std.mapFrom(text(queued)).get("callId");
    // Meanwhile "another processor" finishes the same call.
    try (ResultStore store = new ResultStore(cluster.storeConfig)) {
      long now = System.currentTimeMillis();
      store.putResult(
          new CallResult(id, "simon", "echo", CallState.SUCCEEDED, "", 0, "from elsewhere".getBytes(), null, null,
              now, now, now, List.of()),
          "");
    }
    cluster.awaitFinished(loopId);
    // The queued call's slot came up after the loop; give the processor time to decide, then check it ran nothing.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (cluster.node.processor() != null && System.nanoTime() < deadline
        && cluster.node.runtime().queuedGuests() > 0) {
      Thread.sleep(20);
    }
    HttpResponse<byte[]> echo = cluster.post("/f/simon/echo", "a later call runs");
    assertEquals("a later call runs", text(echo));
    assertEquals("from elsewhere", text(cluster.get("/calls/" + id + "/output")));
    assertEquals(startedBefore + 1, cluster.node.runtime().guestsStarted(),
        "only the later call ran a guest; the call finished elsewhere did not run again");
  }

  private static void awaitRunning(String id) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String status = text(cluster.get("/calls/" + id));
      if (status.contains("\"running\"")) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("call " + id + " never ran");
  }
}
