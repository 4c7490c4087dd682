package dev.faasm.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.embedded.EmbeddedRedisIT.Resp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class SupervisedRedisIT {
  /** Generous: restarting takes well under a second; this only bounds a broken test. */
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  void killedServerIsRestartedEmptyOnTheSamePort() throws Exception {
    EmbeddedRedis redis = EmbeddedRedis.start(0).supervise();
    try {
      int port = redis.port();
      try (Resp resp = new Resp(port)) {
        assertEquals("+OK", resp.call("SET", "greeting", "hello"));
      }
      ProcessHandle first = redis.serverProcess();

      assertTrue(first.destroyForcibly(), "SIGKILL to redis-server pid " + first.pid());
      awaitTrue(() -> redis.restarts() == 1, "redis-server restarted");

      assertTrue(redis.isRunning());
      assertEquals(port, redis.port());
      assertNotEquals(first.pid(), redis.serverProcess().pid());
      try (Resp resp = new Resp(port)) {
        assertEquals("+PONG", resp.call("PING"));
        assertEquals("$-1", resp.call("GET", "greeting"), "a restarted server starts empty");
      }
    } finally {
      redis.close();
    }
    assertNoServerAfterClose(redis);
    assertEquals(1, redis.restarts());
  }

  @Test
  void serverKilledTwiceIsRestartedTwice() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start(0).supervise()) {
      for (int kill = 1; kill <= 2; kill++) {
        int expected = kill;
        redis.serverProcess().destroyForcibly();
        awaitTrue(() -> redis.restarts() == expected, "restart #" + expected);
        try (Resp resp = new Resp(redis.port())) {
          assertEquals("+PONG", resp.call("PING"));
        }
      }
    }
  }

  @Test
  void closeStopsTheWatchdogForGood() throws Exception {
    EmbeddedRedis redis = EmbeddedRedis.start(0).supervise();
    assertTrue(redis.isSupervised());
    ProcessHandle server = redis.serverProcess();
    redis.close();
    assertNoServerAfterClose(redis);
    assertFalse(server.isAlive(), "redis-server pid " + server.pid() + " outlived close()");
    assertEquals(0, redis.restarts(), "close() is not a death to recover from");
    assertThrows(IllegalStateException.class, redis::supervise);
  }

  @Test
  void superviseIsIdempotent() {
    try (EmbeddedRedis redis = EmbeddedRedis.start(0)) {
      assertFalse(redis.isSupervised());
      assertTrue(redis.supervise() == redis.supervise());
      assertTrue(redis.isSupervised());
    }
  }

  /** The watchdog has ended (so nothing can restart the server) and the port refuses connections. */
  private static void assertNoServerAfterClose(EmbeddedRedis redis) {
    assertFalse(redis.isSupervised(), "watchdog still running after close()");
    assertFalse(redis.isRunning());
    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", redis.port()).close());
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + PATIENCE.toSeconds() + " s");
      }
      Thread.sleep(20);
    }
  }
}
