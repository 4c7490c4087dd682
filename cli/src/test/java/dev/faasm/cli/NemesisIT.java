package dev.faasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The short nemesis suite ("correct under faults"): two edges, two processor JVMs and a redis-server of their own, a
 * mixed load of sync and async calls and chains over both edges, and one nemesis of each kind, each in its own phase.
 * After each phase every accepted call has exactly one correct result (through the edge and on the results topic), none
 * failed, and no guest started after its call's result existed. The full matrix is {@link NemesisMatrixIT}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NemesisIT {
  private static final Duration SETTLE = Duration.ofSeconds(90);
  private static NemesisCluster cluster;
  private static NemesisRun run;

  @BeforeAll
  static void start() throws Exception {
    cluster = new NemesisCluster(2, Duration.ofSeconds(10));
    run = new NemesisRun(cluster, SETTLE);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (run != null) {
        System.out.println(run.markdown("NemesisIT", "2 edges, 2 processor JVMs (-Xmx256m), 4 partitions"));
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  @Order(1)
  void sigkillOfAProcessorLosesNoCallAndRunsNoneTwice() throws Exception {
    assertClean(run.run(new NemesisRun.Phase(
        Nemesis.killProcessor(), 70, Duration.ofSeconds(12), Duration.ofSeconds(4), 6)));
  }

  @Test
  @Order(2)
  void processorPausedPastItsSessionTimeoutWakesWithoutRunningFinishedCalls() throws Exception {
    assertClean(run.run(new NemesisRun.Phase(
        Nemesis.pauseProcessor(Duration.ofSeconds(12)), 80, Duration.ofSeconds(20), Duration.ofSeconds(3), 8)));
  }

  @Test
  @Order(3)
  void redisPausedDelaysCallsButLosesNone() throws Exception {
    assertClean(run.run(new NemesisRun.Phase(
        Nemesis.pauseRedis(Duration.ofSeconds(4)), 60, Duration.ofSeconds(10), Duration.ofSeconds(3))));
  }

  @Test
  @Order(4)
  void redisRestartedEmptyLosesNoResult() throws Exception {
    assertClean(run.run(new NemesisRun.Phase(
        Nemesis.restartRedisEmpty(), 60, Duration.ofSeconds(10), Duration.ofSeconds(4))));
  }

  static void assertClean(NemesisRun.Report r) {
    String detail = r.row() + "\n" + String.join("\n", r.problems());
    assertTrue(r.accepted() > 0, "no call was accepted: " + detail);
    assertEquals(0, r.unexpected(), "unexpected answers: " + detail);
    assertEquals(0, r.lost(), "lost calls: " + detail);
    assertEquals(0, r.wrong(), "wrong results: " + detail);
    assertEquals(0, r.failed(), "failed calls: " + detail);
    assertEquals(0, r.rerunsAfterResult(), "guests that ran after their call's result existed: " + detail);
  }
}
