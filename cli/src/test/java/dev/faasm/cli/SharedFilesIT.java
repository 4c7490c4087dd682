package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Shared files through the whole platform: stored on the files topic by the edge, read by the processor's copy, seen
 * read-only at {@code /share} by the user's functions only; and the sandboxed filesystem of a call.
 */
class SharedFilesIT {
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
  void uploadedFileIsReadByTheUsersFunctionsOnly() throws Exception {
    HttpResponse<byte[]> put = cluster.put("/file/demo/data/greeting.txt", bytes("hello from a file"));
    assertEquals(201, put.statusCode(), text(put));
    assertEquals("data/greeting.txt", JsonField.get(text(put), "path"));
    assertArrayEquals(bytes("hello from a file"), cluster.get("/file/demo/data/greeting.txt").body());
    assertTrue(text(cluster.get("/file/demo/")).contains("\"path\":\"data/greeting.txt\",\"size\":17"));

    Map<String, String> r = runFiles("demo", "data/greeting.txt");
    assertEquals("hello from a file", r.get("share_read"));
    assertEquals("hello from a file", r.get("faasm_url_read"));
    assertEquals("data", r.get("ls_share"));
    assertEquals("!EROFS", r.get("share_write"));

    // another user's function does not see demo's files
    HttpResponse<byte[]> up = cluster.put("/f/eve/files/", Repo.wasm("demo", "files"));
    assertTrue(up.statusCode() == 200 || up.statusCode() == 201, text(up));
    Map<String, String> eve = runFiles("eve", "data/greeting.txt");
    assertEquals("!ENOENT", eve.get("share_read"));
    assertEquals("", eve.get("ls_share"));
  }

  @Test
  void replacedAndDeletedFilesAreSeenByLaterCalls() throws Exception {
    assertEquals(201, cluster.put("/file/demo/v.txt", bytes("one")).statusCode());
    assertEquals(200, cluster.put("/file/demo/v.txt", bytes("two")).statusCode());
    awaitSeen("v.txt", "two");
    HttpResponse<byte[]> delete = cluster.send(HttpRequest.newBuilder(cluster.uri("/file/demo/v.txt")).DELETE());
    assertEquals(204, delete.statusCode(), text(delete));
    assertEquals(404, cluster.get("/file/demo/v.txt").statusCode());
    awaitSeen("v.txt", "!ENOENT");
  }

  @Test
  void badPathsAndOversizedFilesAreRefused() throws Exception {
    HttpResponse<byte[]> dots = cluster.put("/file/demo/a/%2E%2E/b", bytes("x"));
    assertEquals(400, dots.statusCode(), text(dots));
    assertTrue(JsonField.get(text(dots), "error").contains("'..'"), text(dots));
    HttpResponse<byte[]> odd = cluster.put("/file/demo/a%20b", bytes("x"));
    assertEquals(400, odd.statusCode(), text(odd));
    HttpResponse<byte[]> big = cluster.put("/file/demo/big.bin", new byte[16 * 1024 * 1024 + 1]);
    assertEquals(413, big.statusCode(), text(big));
    assertEquals(404, cluster.get("/file/demo/missing.txt").statusCode());
    HttpResponse<byte[]> missingDelete =
        cluster.send(HttpRequest.newBuilder(cluster.uri("/file/demo/missing.txt")).DELETE());
    assertEquals(404, missingDelete.statusCode());
  }

  @Test
  void callsGetAPrivateTmpAndFakeEtcAndNothingOfTheHost() throws Exception {
    Map<String, String> r = runFiles("demo", "none");
    assertEquals("/", r.get("getcwd"));
    assertEquals("dir", r.get("stat_root"));
    assertEquals("hosts,passwd,resolv.conf", r.get("ls_etc"));
    assertEquals("ENOENT", r.get("tmp_fresh"));
    assertEquals("tmp data", r.get("tmp_read"));
    assertEquals("!EROFS", r.get("etc_write"));
    for (String check : new String[] {"dotdot_tmp", "dotdot_rel", "host_hostname", "host_proc", "host_usr"}) {
      assertTrue(r.get(check).startsWith("!"), check + " = " + r.get(check));
    }
    assertEquals("ENOENT", runFiles("demo", "none").get("tmp_fresh"));
  }

  /** The processor reads the files topic on its own: a later call sees the change once it arrived there. */
  private static void awaitSeen(String path, String expected) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    String seen = null;
    while (System.nanoTime() < deadline) {
      seen = runFiles("demo", path).get("share_read");
      if (expected.equals(seen)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("share_read of " + path + " is " + seen + ", expected " + expected);
  }

  private static Map<String, String> runFiles(String user, String input) throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/" + user + "/files", input);
    assertEquals(200, r.statusCode(), text(r));
    Map<String, String> lines = new LinkedHashMap<>();
    for (String line : text(r).split("\n")) {
      int eq = line.indexOf('=');
      lines.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return lines;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
