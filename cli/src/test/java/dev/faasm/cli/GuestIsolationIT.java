package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.callId;
import static dev.faasm.cli.TestCluster.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.protocol.CallIds;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a guest can reach of the host, through the real platform: no environment variables, no sockets, and no
 * function of another user. (Files are covered with the guest filesystem.)
 */
class GuestIsolationIT {
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
  void aGuestSeesNoEnvironmentVariablesOfTheHost() throws Exception {
    assertFalse(System.getenv().isEmpty(), "the host process has environment variables to leak");
    HttpResponse<byte[]> r = cluster.post("/f/demo/isolation", "env");
    assertEquals(200, r.statusCode(), text(r));
    assertEquals("environ=0 env_bytes=0", text(r)); // counted by WASI environ_sizes_get itself
  }

  @Test
  void aGuestReachesNoSocket() throws Exception {
    for (String probe : new String[] {"accept", "send", "recv", "shutdown"}) {
      HttpResponse<byte[]> r = cluster.post("/f/demo/isolation", probe);
      // Either every descriptor 0..63 answers "not a socket", or the host stops the guest at the first socket call.
      if (r.statusCode() == 200) {
        assertEquals("sockets= probed=64", text(r), probe);
      } else {
        assertEquals(500, r.statusCode(), text(r));
        assertEquals("TRAP", JsonField.get(text(r), "failure"), text(r));
        assertTrue(JsonField.get(text(r), "error").contains("sock_" + probe), text(r));
      }
    }
  }

  @Test
  void aGuestChainsOnlyFunctionsOfItsOwnUser() throws Exception {
    // alice has no echo; simon and demo do. simon/chain chains "echo" and "x2" by name.
    HttpResponse<byte[]> up = cluster.put("/f/alice/chain/", Repo.wasm("simon", "chain"));
    assertTrue(up.statusCode() == 201 || up.statusCode() == 200, text(up));
    HttpResponse<byte[]> r = cluster.post("/f/alice/chain", "x");
    assertEquals(200, r.statusCode(), text(r));
    for (int i = 0; i < 2; i++) {
      String child = cluster.awaitFinished(CallIds.child(callId(r), "then", i));
      assertEquals("alice", JsonField.get(child, "user"));
      assertEquals("failed", JsonField.get(child, "status"));
      assertTrue(JsonField.get(child, "error").contains("alice/" + (i == 0 ? "echo" : "x2")), child);
    }
    // Once alice has an echo of her own, the chain reaches it, and still not simon's.
    assertTrue(cluster.put("/f/alice/echo/", Repo.wasm("simon", "x2")).statusCode() == 201);
    HttpResponse<byte[]> again = cluster.post("/f/alice/chain", new byte[] {3});
    String child = cluster.awaitFinished(CallIds.child(callId(again), "then", 0));
    assertEquals("succeeded", JsonField.get(child, "status"), child);
    assertEquals("alice", JsonField.get(child, "user"));
    HttpResponse<byte[]> out = cluster.get("/calls/" + CallIds.child(callId(again), "then", 0) + "/output");
    assertEquals(6, out.body()[0], "alice's echo is an x2, so 3 became 6: simon's echo did not run");
  }
}
