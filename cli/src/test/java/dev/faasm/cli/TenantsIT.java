package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.callId;
import static dev.faasm.cli.TestCluster.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.Quota;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Users, keys, ownership and quotas through the real platform: an edge that requires keys, a processor, the real
 * broker and redis-server. Keys are made by the {@code faasm users} command itself, which writes the users topic
 * through its own reader, so every key reaches the edge the way it does in production.
 */
class TenantsIT {
  private static TestCluster cluster;
  private static String admin;
  private static String alice;
  private static String bob;
  private static final byte[] ECHO = Repo.wasm("simon", "echo");

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(r -> r.withTimeout(Duration.ofSeconds(8)), e -> e,
        new Node.Access(true, Quota.NONE));
    admin = users("add", "ops", "--admin");
    alice = users("add", "alice");
    bob = users("add", "bob");
    for (String key : new String[] {admin, alice, bob}) {
      await().atMost(Duration.ofSeconds(10)).until(() -> cluster.node.users().authenticate(key).isPresent());
    }
    assertEquals(201, as(alice, put("/f/alice/echo/", ECHO)).statusCode());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Runs {@code faasm users ...} against the test broker; returns what it printed on stdout. */
  static String users(String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "users";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--kafka=" + cluster.kafka.bootstrapServers();
    all[args.length + 2] = "--topic-prefix=" + cluster.prefix;
    all[args.length + 3] = "--replication=1";
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      code = new CommandLine(new Faasm()).execute(all);
    } finally {
      System.setOut(old);
    }
    String printed = out.toString(StandardCharsets.UTF_8).trim();
    assertEquals(0, code, "faasm " + String.join(" ", all) + " printed " + printed);
    return printed;
  }

  static HttpRequest.Builder post(String path, String body) {
    return HttpRequest.newBuilder(cluster.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
  }

  static HttpRequest.Builder put(String path, byte[] body) {
    return HttpRequest.newBuilder(cluster.uri(path)).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  static HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(cluster.uri(path)).GET();
  }

  static HttpResponse<byte[]> as(String key, HttpRequest.Builder request) throws Exception {
    return cluster.send(key == null ? request : request.header("Authorization", "Bearer " + key));
  }

  @Test
  void theKeyIsPrintedOnceAndNeverStored() throws Exception {
    assertTrue(alice.startsWith("fk.alice."), alice);
    String listed = users("list");
    assertTrue(listed.contains("alice") && listed.contains("ops") && listed.contains("admin"), listed);
    assertTrue(!listed.contains(alice.substring(9)), "list shows no key");
    String stored = new String(cluster.node.users().account("alice").orElseThrow().encode(), StandardCharsets.ISO_8859_1);
    assertTrue(!stored.contains(alice.substring(9)), "the users topic holds no key");
  }

  @Test
  void everyUserRouteNeedsAValidKey() throws Exception {
    String id = callId(as(alice, post("/fa/alice/echo", "x")));
    for (HttpRequest.Builder r : new HttpRequest.Builder[] {
        post("/f/alice/echo", "hi"), post("/fa/alice/echo", "hi"), get("/f/alice/"), get("/f/alice/echo"),
        put("/f/alice/other/", ECHO), HttpRequest.newBuilder(cluster.uri("/f/alice/echo")).DELETE(),
        get("/calls/" + id), get("/calls/" + id + "/output"), get("/calls/" + id + "/logs"),
        post("/f/alice/nope", "unknown functions are not revealed either")}) {
      HttpResponse<byte[]> none = as(null, r.copy());
      assertEquals(401, none.statusCode(), text(none));
      assertTrue(text(none).contains("Authorization: Bearer"), text(none));
      assertEquals("Bearer realm=\"faasm\"", none.headers().firstValue("WWW-Authenticate").orElse(""));
      HttpResponse<byte[]> bad = as("fk.alice.not-the-key", r.copy());
      assertEquals(401, bad.statusCode(), text(bad));
      assertTrue(text(bad).contains("invalid API key"), text(bad));
    }
    assertEquals(200, as(null, get("/health")).statusCode());
    assertEquals(200, as("Basic abc", get("/health")).statusCode());
  }

  @Test
  void aUsersKeyWorksOnItsOwnFunctionsOnly() throws Exception {
    HttpResponse<byte[]> ok = as(alice, post("/f/alice/echo", "hello faasm"));
    assertEquals(200, ok.statusCode(), text(ok));
    assertEquals("hello faasm", text(ok));
    for (HttpRequest.Builder r : new HttpRequest.Builder[] {
        post("/f/alice/echo", "hi"), post("/fa/alice/echo", "hi"), get("/f/alice/"), get("/f/alice/echo"),
        put("/f/alice/echo/", ECHO), HttpRequest.newBuilder(cluster.uri("/f/alice/echo")).DELETE()}) {
      HttpResponse<byte[]> other = as(bob, r);
      assertEquals(403, other.statusCode(), text(other));
      assertTrue(text(other).contains("user bob is not valid for user alice"), text(other));
    }
    assertEquals(200, as(admin, post("/f/alice/echo", "ops")).statusCode(), "an admin key works for every user");
    assertEquals(200, as(admin, post("/f/simon/echo", "ops")).statusCode());
    assertEquals(403, as(alice, post("/f/simon/echo", "x")).statusCode());
  }

  @Test
  void aCallBelongsToItsSubmitterAndIsHiddenFromOthers() throws Exception {
    HttpResponse<byte[]> accepted = as(alice, post("/fa/alice/echo", "secret"));
    assertEquals(202, accepted.statusCode(), text(accepted));
    String id = callId(accepted);
    assertEquals(32, id.length(), "128 random bits");
    await().atMost(Duration.ofSeconds(60)).until(() -> text(as(alice, get("/calls/" + id))).contains("succeeded"));
    assertEquals("secret", text(as(alice, get("/calls/" + id + "/output"))));
    assertEquals("secret", text(as(admin, get("/calls/" + id + "/output"))));

    String unknown = CallIds.random();
    for (String part : new String[] {"", "/output", "/logs"}) {
      HttpResponse<byte[]> hidden = as(bob, get("/calls/" + id + part));
      HttpResponse<byte[]> missing = as(bob, get("/calls/" + unknown + part));
      assertEquals(404, hidden.statusCode(), text(hidden));
      assertEquals(text(missing).replace(unknown, "ID"), text(hidden).replace(id, "ID"),
          "another user's call looks exactly like an unknown one");
    }
    // A call still queued or running is hidden as well (its status has an owner before it has a result).
    HttpResponse<byte[]> slow = as(alice, put("/f/alice/loop/", Repo.wasm("bad", "loop")));
    assertTrue(slow.statusCode() == 201 || slow.statusCode() == 200, text(slow));
    String running = callId(as(alice, post("/fa/alice/loop", "")));
    assertEquals(200, as(alice, get("/calls/" + running)).statusCode());
    assertEquals(404, as(bob, get("/calls/" + running)).statusCode());
  }

  @Test
  void rotatingOrRemovingAKeyReachesTheEdgeWithinSeconds() throws Exception {
    String carol = users("add", "carol");
    await().atMost(Duration.ofSeconds(10)).until(() -> as(carol, get("/f/carol/")).statusCode() == 200);
    String rotated = users("rotate", "carol");
    assertNotEquals(carol, rotated);
    await().atMost(Duration.ofSeconds(10)).until(() -> as(rotated, get("/f/carol/")).statusCode() == 200);
    assertEquals(401, as(carol, get("/f/carol/")).statusCode(), "the old key stopped working");
    users("remove", "carol");
    await().atMost(Duration.ofSeconds(10)).until(() -> as(rotated, get("/f/carol/")).statusCode() == 401);
  }

  @Test
  void callsAboveTheRateQuotaAre429WithRetryAfter() throws Exception {
    String dave = users("add", "dave", "--calls-per-second", "0.001");
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.node.users().authenticate(dave).isPresent());
    assertEquals(201, as(dave, put("/f/dave/echo/", ECHO)).statusCode());
    assertEquals(200, as(dave, post("/f/dave/echo", "first")).statusCode(), "a burst of one is allowed");
    HttpResponse<byte[]> over = as(dave, post("/f/dave/echo", "second"));
    assertEquals(429, over.statusCode(), text(over));
    assertTrue(text(over).contains("quota of 0.001 calls per second"), text(over));
    long retry = Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retry >= 900 && retry <= 1000, "Retry-After " + retry);
    assertEquals(200, as(alice, post("/f/alice/echo", "others are not limited")).statusCode());
    // The admin acting for dave uses dave's quota: it belongs to the function's owner.
    assertEquals(429, as(admin, post("/fa/dave/echo", "x")).statusCode());
  }

  @Test
  void callsAboveTheInFlightQuotaAre429UntilOneFinishes() throws Exception {
    String erin = users("add", "erin", "--calls-in-flight", "1");
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.node.users().authenticate(erin).isPresent());
    assertEquals(201, as(erin, put("/f/erin/loop/", Repo.wasm("bad", "loop"))).statusCode());
    assertEquals(201, as(erin, put("/f/erin/echo/", ECHO)).statusCode());
    HttpResponse<byte[]> first = as(erin, post("/fa/erin/loop", "")); // runs until the 8 s timeout stops it
    assertEquals(202, first.statusCode(), text(first));
    HttpResponse<byte[]> second = as(erin, post("/f/erin/echo", "x"));
    assertEquals(429, second.statusCode(), text(second));
    assertTrue(text(second).contains("1 calls in flight"), text(second));
    assertEquals("1", second.headers().firstValue("Retry-After").orElseThrow());
    // Once the loop's result is stored the edge is told, and erin may call again.
    await().atMost(Duration.ofSeconds(60)).until(() -> as(erin, post("/f/erin/echo", "x")).statusCode() == 200);
    assertTrue(text(as(erin, get("/calls/" + callId(first)))).contains("failed"));
  }

  @Test
  void uploadsAboveTheStorageQuotaAre413AndReplacingDoesNotCountTwice() throws Exception {
    String frank = users("add", "frank", "--module-mib", "1");
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.node.users().authenticate(frank).isPresent());
    byte[] big = Repo.wasm("demo", "chain_await");
    int fit = (1024 * 1024) / big.length;
    for (int i = 0; i < fit; i++) {
      assertEquals(201, as(frank, put("/f/frank/f" + i + "/", big)).statusCode());
    }
    HttpResponse<byte[]> over = as(frank, put("/f/frank/one_more/", big));
    assertEquals(413, over.statusCode(), text(over));
    assertTrue(text(over).contains("module storage quota of user frank exceeded"), text(over));
    assertEquals(200, as(frank, put("/f/frank/f0/", big)).statusCode(), "a replaced version no longer counts");
    assertEquals(204, as(frank, HttpRequest.newBuilder(cluster.uri("/f/frank/f0")).DELETE()).statusCode());
    assertEquals(201, as(frank, put("/f/frank/one_more/", big)).statusCode(), "deleting frees its bytes");
  }

  @Test
  void replaysNeedAnAdminKey() throws Exception {
    HttpRequest.Builder replay = HttpRequest.newBuilder(cluster.uri("/replays"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"user\": \"alice\", \"target\": \"current\", \"dryRun\": true}"));
    HttpResponse<byte[]> user = as(alice, replay.copy());
    assertEquals(403, user.statusCode(), text(user));
    assertTrue(text(user).contains("needs an admin key"), text(user));
    HttpResponse<byte[]> ops = as(admin, replay.copy());
    assertEquals(202, ops.statusCode(), text(ops));
  }
}
