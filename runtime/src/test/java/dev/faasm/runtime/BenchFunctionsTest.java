package dev.faasm.runtime;

import static dev.faasm.runtime.Outcomes.assertSucceeded;
import static dev.faasm.runtime.Outcomes.bytes;
import static dev.faasm.runtime.Outcomes.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The benchmark functions compute the right answers (their speed is measured in bench/, not here). */
class BenchFunctionsTest {
  private FunctionRuntime runtime;
  private LocalCallHost bench;

  @BeforeEach
  void start() {
    runtime = new FunctionRuntime(RuntimeConfig.defaults());
    bench = LocalCallHost.forUser(runtime, "bench");
  }

  @AfterEach
  void stop() {
    runtime.close();
  }

  @Test
  void fibOfTwentyIs6765() {
    CallOutcome outcome = bench.run("fib", bytes("20"));

    assertSucceeded(outcome);
    assertEquals("6765", text(outcome.output()));
  }

  @Test
  void sha256OfOneMibMatchesJavasDigestOfTheSameBytes() throws Exception {
    CallOutcome outcome = bench.run("sha256", bytes("1"));

    assertSucceeded(outcome);
    assertEquals(expectedSha256(1), text(outcome.output()));
  }

  /** The guest's generator (func/bench/sha256.c): xorshift32 from 0x9E3779B9, each state little endian. */
  private static String expectedSha256(int mib) throws Exception {
    byte[] data = new byte[mib * 1024 * 1024];
    int x = 0x9E3779B9;
    for (int i = 0; i < data.length; i += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      data[i] = (byte) x;
      data[i + 1] = (byte) (x >>> 8);
      data[i + 2] = (byte) (x >>> 16);
      data[i + 3] = (byte) (x >>> 24);
    }
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
