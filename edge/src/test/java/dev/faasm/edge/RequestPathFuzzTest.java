package dev.faasm.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.Names;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Fuzz target for the request-path parser: any decoded path gives a target whose names and ids are valid, no route
 * (404), or a 400 whose message stays bounded; nothing else. Seeds in {@code RequestPathFuzzTestInputs/parse/};
 * {@code fuzz/run.sh} fuzzes it (docs/fuzzing.md).
 */
class RequestPathFuzzTest {
  @FuzzTest(maxDuration = "10m")
  void parse(byte[] data) {
    String path = new String(data, StandardCharsets.UTF_8);
    Optional<Target> target;
    try {
      target = RequestPath.parse(path);
    } catch (EdgeException e) {
      assertEquals(400, e.status(), e.getMessage());
      assertTrue(e.getMessage().length() < 400, "error messages stay bounded: " + e.getMessage().length());
      return;
    }
    target.ifPresent(RequestPathFuzzTest::checkValid);
  }

  private static void checkValid(Target t) {
    if (t instanceof Target.Function f) {
      assertTrue(Names.isValid(f.user()) && Names.isValid(f.function()), f.toString());
    } else if (t instanceof Target.Upload u) {
      assertTrue(Names.isValid(u.user()) && Names.isValid(u.function()), u.toString());
    } else if (t instanceof Target.UserFunctions u) {
      assertTrue(Names.isValid(u.user()), u.toString());
    } else if (t instanceof Target.CallInfo c) {
      assertTrue(CallIds.isValid(c.callId()), c.toString());
    } else if (t instanceof Target.ReplayInfo r) {
      assertTrue(CallIds.isValid(r.replayId()), r.toString());
    }
    assertTrue(!t.methods().isEmpty(), t.toString());
  }
}
