package dev.faasm.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestPathTest {
  private static Target parse(String path) {
    return RequestPath.parse(path).orElseThrow(() -> new AssertionError("no route for " + path));
  }

  private static EdgeException rejected(String path) {
    return assertThrows(EdgeException.class, () -> RequestPath.parse(path));
  }

  @Test
  void functionPathWithOrWithoutTrailingSlash() {
    assertEquals(new Target.Function("simon", "echo", false), parse("/f/simon/echo/"));
    assertEquals(new Target.Function("simon", "echo", false), parse("/f/simon/echo"));
  }

  @Test
  void asyncFunctionPath() {
    assertEquals(new Target.Function("simon", "echo", true), parse("/fa/simon/echo/"));
    assertEquals(new Target.Function("a_B-9", "X", true), parse("/fa/a_B-9/X"));
  }

  @Test
  void userListingPath() {
    assertEquals(new Target.UserFunctions("simon"), parse("/f/simon/"));
    assertEquals(new Target.UserFunctions("simon"), parse("/f/simon"));
  }

  @Test
  void callPaths() {
    String id = "0123456789abcdef";
    assertEquals(new Target.CallInfo(id, Target.CallInfo.Part.STATUS), parse("/calls/" + id));
    assertEquals(new Target.CallInfo(id, Target.CallInfo.Part.OUTPUT), parse("/calls/" + id + "/output"));
    assertEquals(new Target.CallInfo(id, Target.CallInfo.Part.LOGS), parse("/calls/" + id + "/logs/"));
  }

  @Test
  void replayPaths() {
    String id = "0123456789abcdef";
    assertEquals(new Target.Replays(), parse("/replays"));
    assertEquals(new Target.Replays(), parse("/replays/"));
    assertEquals(new Target.ReplayInfo(id), parse("/replays/" + id));
    assertEquals(new Target.ReplayInfo(id), parse("/replays/" + id + "/"));
    assertEquals(Optional.empty(), RequestPath.parse("/replays/" + id + "/output"));
    EdgeException e = rejected("/replays/0123456789ABCDEF");
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("invalid replay id '0123456789ABCDEF'"), e.getMessage());
    assertEquals("replayId", e.fields().get("part"));
  }

  @Test
  void healthAndReady() {
    assertEquals(new Target.Health(), parse("/health"));
    assertEquals(new Target.Ready(), parse("/ready/"));
  }

  @Test
  void dotDotUserIsRejectedNamingTheUser() {
    EdgeException e = rejected("/f/../x");
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("user name '..'"), e.getMessage());
    assertEquals("user", e.fields().get("part"));
  }

  @Test
  void dottedUserIsRejected() {
    EdgeException e = rejected("/f/a.b/c");
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("invalid user name 'a.b'"), e.getMessage());
  }

  @Test
  void dotDotFunctionIsRejectedNamingTheFunction() {
    EdgeException e = rejected("/fa/simon/..");
    assertEquals(400, e.status());
    assertEquals("function", e.fields().get("part"));
  }

  @Test
  void nameOfSixtyFiveCharactersIsRejected() {
    String name = "a".repeat(65);
    EdgeException e = rejected("/f/simon/" + name);
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("longer than 64"), e.getMessage());
    assertEquals(new Target.Function("simon", "a".repeat(64), false), parse("/f/simon/" + "a".repeat(64)));
  }

  @Test
  void emptySegmentIsRejected() {
    EdgeException e = rejected("/f//echo");
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("must not be empty"), e.getMessage());
  }

  @Test
  void encodedSlashOrSpaceInANameIsRejected() {
    assertEquals(400, rejected("/f/a%2Fb/c").status());
    assertEquals(400, rejected("/f/a b/c").status());
  }

  @Test
  void malformedCallIdsAreRejected() {
    assertEquals(400, rejected("/calls/bad-id").status());
    assertEquals(400, rejected("/calls/0123456789ABCDEF").status());
    assertEquals(400, rejected("/calls/0123456789abcde").status());
    assertEquals("callId", rejected("/calls/x/output").fields().get("part"));
  }

  @Test
  void otherShapesHaveNoRoute() {
    for (String p : new String[] {"/", "", "/f", "/f/", "/f/a/b/c/d", "/fa/a", "/fa/a/b/c", "/calls", "/calls/0123456789abcdef/x",
        "/healthz", "/health/x", "/x/y", "//f/a/b"}) {
      assertEquals(Optional.empty(), RequestPath.parse(p), p);
    }
  }

  @Test
  void uploadWithAnAppendedFileNameNamesTheFunction() {
    assertEquals(new Target.Upload("simon", "cool_func"), parse("/f/simon/cool_func/function.wasm"));
    assertEquals(java.util.Set.of("PUT"), parse("/f/simon/cool_func/function.wasm").methods());
  }

  @Test
  void methodsPerTarget() {
    assertEquals(4, parse("/f/u/f").methods().size());
    assertEquals(java.util.Set.of("POST"), parse("/fa/u/f").methods());
    assertEquals(java.util.Set.of("GET"), parse("/f/u").methods());
  }
}
