package dev.faasm.edge;

import static dev.faasm.edge.EdgeClient.assertJsonError;
import static dev.faasm.edge.EdgeHarness.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.protocol.CallIds;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The console's page and read API over real HTTP: files, redirects, bad parameters and the routes around them. */
class ConsoleRoutesIT extends EdgeTestBase {
  @Test
  void consolePageIsServedFromTheEdge() throws Exception {
    HttpResponse<byte[]> page = get("/ui/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(text(page).contains("<script src=\"app.js\"></script>"), text(page));
    HttpResponse<byte[]> script = get("/ui/app.js");
    assertEquals(200, script.statusCode());
    assertTrue(text(script).contains("Bearer"), "the page sends the key it was given");

    HttpResponse<byte[]> bare = get("/ui");
    assertEquals(302, bare.statusCode());
    assertEquals("/ui/", bare.headers().firstValue("Location").orElse(""));
    assertEquals(404, get("/ui/nothing-here.js").statusCode());
    assertJsonError(http.send(request("/ui/").POST(HttpRequest.BodyPublishers.noBody())), 405, "POST");
  }

  @Test
  void readApiRefusesBadParametersNamingThem() throws Exception {
    assertJsonError(get("/calls?user=a.b"), 400, "invalid user name 'a.b'", "\"part\":\"user\"");
    assertJsonError(get("/calls?function=" + "x".repeat(65)), 400, "invalid function name");
    assertJsonError(get("/calls?outcome=maybe"), 400, "invalid outcome 'maybe'");
    assertJsonError(get("/calls?limit=0"), 400, "invalid limit '0': must be a number from 1 to 1000");
    assertJsonError(get("/calls?limit=lots"), 400, "invalid limit 'lots'");
    assertJsonError(get("/calls/not-an-id/tree"), 400, "invalid call id 'not-an-id'");
    assertJsonError(get("/calls/" + CallIds.random() + "/tree"), 404, "not among the recent calls");
    assertJsonError(get("/stats/a.b"), 400, "invalid user name");
    assertJsonError(get("/stats/u?minutes=61"), 400, "invalid minutes '61'");
  }

  @Test
  void readApiAnswersJsonAndLeavesOtherRoutesAlone() throws Exception {
    HttpResponse<byte[]> calls = get("/calls?user=nobody");
    assertEquals(200, calls.statusCode(), text(calls));
    assertTrue(text(calls).startsWith("{\"calls\":[],\"complete\":"), text(calls));
    HttpResponse<byte[]> stats = get("/stats/nobody");
    assertEquals(200, stats.statusCode(), text(stats));
    assertTrue(text(stats).contains("\"functions\":[]"), text(stats));
    // Still the router's: a call's status, and other methods on /calls.
    assertJsonError(get("/calls/" + CallIds.random()), 404, "not found");
    assertJsonError(http.send(request("/calls").POST(HttpRequest.BodyPublishers.noBody())), 404, "no route");
  }
}
