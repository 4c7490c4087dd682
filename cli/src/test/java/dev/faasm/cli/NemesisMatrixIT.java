package dev.faasm.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The full nemesis matrix: three processor JVMs, every nemesis several times ({@code -Dnemesis.rounds}, default 3)
 * under a heavier load, including short processor pauses (within the session timeout) and long ones (past it), and
 * Redis pauses shorter and longer than the clients' socket timeout. Not part of the normal build: run {@code
 * cli/nemesis.sh} (or {@code -Dnemesis.full=true}); the report lands in {@code cli/target/nemesis/NemesisMatrixIT.md}.
 */
@EnabledIfSystemProperty(named = "nemesis.full", matches = "true")
class NemesisMatrixIT {
  private static final int PROCESSORS = 3;

  @Test
  void everyNemesisSeveralTimesLosesNoCallAndRunsNoneAfterItsResult() throws Exception {
    int rounds = Integer.getInteger("nemesis.rounds", 3);
    try (NemesisCluster cluster = new NemesisCluster(PROCESSORS, Duration.ofSeconds(10))) {
      NemesisRun run = new NemesisRun(cluster, Duration.ofSeconds(120));
      for (int round = 0; round < rounds; round++) {
        run.run(new NemesisRun.Phase(
            Nemesis.killProcessor(), 120, Duration.ofSeconds(15), Duration.ofSeconds(4), 8));
        run.run(new NemesisRun.Phase(
            Nemesis.pauseProcessor(Duration.ofSeconds(3)), 120, Duration.ofSeconds(12), Duration.ofSeconds(4), 8));
        run.run(new NemesisRun.Phase(
            Nemesis.pauseProcessor(Duration.ofSeconds(15)), 150, Duration.ofSeconds(24), Duration.ofSeconds(4), 10));
        run.run(new NemesisRun.Phase(
            Nemesis.pauseRedis(Duration.ofSeconds(5)), 120, Duration.ofSeconds(12), Duration.ofSeconds(3), 4));
        // longer than the Redis clients' 10 s socket timeout: operations fail instead of waiting
        run.run(new NemesisRun.Phase(
            Nemesis.pauseRedis(Duration.ofSeconds(12)), 150, Duration.ofSeconds(20), Duration.ofSeconds(3), 4));
        run.run(new NemesisRun.Phase(
            Nemesis.restartRedisEmpty(), 120, Duration.ofSeconds(12), Duration.ofSeconds(4), 4));
      }
      System.out.println(run.markdown(
          "NemesisMatrixIT",
          "2 edges, " + PROCESSORS + " processor JVMs (-Xmx256m), 4 partitions, " + rounds + " rounds"));
      List<String> unclean = new ArrayList<>();
      for (NemesisRun.Report r : run.reports()) {
        if (!r.clean()) {
          unclean.add(r.row() + "\n  " + String.join("\n  ", r.problems()));
        }
      }
      assertTrue(unclean.isEmpty(), "phases with lost, wrong or failed calls, or re-runs after a result:\n"
          + String.join("\n", unclean));
    }
  }
}
