package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.callId;
import static dev.faasm.cli.TestCluster.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.protocol.CallIds;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chaining and outputs as in Faasm, through the whole platform (real Kafka and Redis): a chain to a missing function,
 * the chained call ids of a call, return codes only when a function returned one, and where stdout goes.
 */
class FaasmChainingIT {
  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void chainToMissingFunctionAwaitsNonZeroAndLogsWhy() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/demo/chain_missing", "hi");
    assertEquals(200, r.statusCode(), text(r));
    String out = text(r);
    assertTrue(out.startsWith("echo=0 missing="), out);
    assertNotEquals(0, Integer.parseInt(out.substring("echo=0 missing=".length())), out);
    String logs = text(cluster.get("/calls/" + callId(r) + "/logs"));
    assertTrue(logs.contains("no_such_function") && logs.contains("unknown function demo/no_such_function"), logs);
  }

  @Test
  void statusListsAwaitableChainedCallsThatCanBeFollowed() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/fa/demo/chain_missing", "x");
    assertEquals(202, r.statusCode(), text(r));
    String id = JsonField.get(text(r), "callId");
    String status = cluster.awaitFinished(id);
    String echo = CallIds.child(id, "now", 0);
    String missing = CallIds.child(id, "now", 1);
    assertEquals(2, JsonField.number(status, "chainedCalls"), status);
    assertTrue(status.contains("\"chainedCallIds\":[\"" + echo + "\",\"" + missing + "\"]"), status);
    String missingStatus = cluster.awaitFinished(missing);
    assertEquals("failed", JsonField.get(missingStatus, "status"));
    assertEquals("UNKNOWN_FUNCTION", JsonField.get(missingStatus, "failure"));
    assertEquals("null", JsonField.get(missingStatus, "returnCode"));
    assertEquals("x", text(cluster.get("/calls/" + echo + "/output")));
  }

  @Test
  void statusListsDeferredChainedCalls() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/simon/chain", new byte[] {1});
    assertEquals(200, r.statusCode(), text(r));
    String status = cluster.awaitFinished(callId(r));
    String first = CallIds.child(callId(r), "then", 0);
    String second = CallIds.child(callId(r), "then", 1);
    assertTrue(status.contains("\"chainedCallIds\":[\"" + first + "\",\"" + second + "\"]"), status);
    assertEquals("x2", JsonField.get(cluster.awaitFinished(second), "function"));
  }

  @Test
  void returnCodeIsNullUnlessTheFunctionReturnedOne() throws Exception {
    HttpResponse<byte[]> trap = cluster.post("/f/bad/trap", "");
    assertEquals(500, trap.statusCode(), text(trap));
    assertEquals("null", JsonField.get(text(trap), "returnCode"));
    assertEquals("null", JsonField.get(cluster.awaitFinished(callId(trap)), "returnCode"));
    HttpResponse<byte[]> exit3 = cluster.post("/f/bad/exit3", "");
    assertEquals(3, JsonField.number(text(exit3), "returnCode"));
    assertEquals(3, JsonField.number(cluster.awaitFinished(callId(exit3)), "returnCode"));
    HttpResponse<byte[]> unknown = cluster.post("/fa/demo/not_uploaded", "");
    if (unknown.statusCode() == 202) {
      String status = cluster.awaitFinished(JsonField.get(text(unknown), "callId"));
      assertEquals("null", JsonField.get(status, "returnCode"));
    } else {
      assertEquals(404, unknown.statusCode(), text(unknown));
    }
  }

  @Test
  void hostInterfaceModuleOutputsOnlyWhatItWritesAndItsStdoutGoesToTheLogs() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/demo/print_host", "abc");
    assertEquals(200, r.statusCode(), text(r));
    assertEquals("set: abc", text(r));
    assertTrue(text(cluster.get("/calls/" + callId(r) + "/logs")).contains("printed: abc"));
    HttpResponse<byte[]> none = cluster.post("/f/demo/print_host", "none");
    assertEquals(200, none.statusCode(), text(none));
    assertEquals("", text(none));
    assertTrue(text(cluster.get("/calls/" + callId(none) + "/logs")).contains("printed: none"));
  }

  @Test
  void plainWasiCommandKeepsStdoutAsItsOutput() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/demo/upper", "abc");
    assertEquals(200, r.statusCode(), text(r));
    assertEquals("ABC", text(r));
  }
}
