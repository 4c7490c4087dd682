package dev.faasm.deploy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The manifests' deployment as separate JVMs (2 edges, processors of the StatefulSet) under a steady async load:
 * scale 1 -> 2, a rolling restart of both processors, then SIGKILL of one of the two (restarted as the kubelet would).
 * Every accepted call must get exactly one correct result and no processor may die by itself. The delays are measured
 * and reported (target/cluster/), not asserted; the long version is {@link ClusterScenarioIT}.
 */
class ClusterIT {

  @Test
  void scalingRestartsAndAKillLoseNoCall() throws Exception {
    try (ClusterScenario s = new ClusterScenario("manifests (short)", Map.of(), 2)) {
      s.startProcessors(1);
      s.steady();
      s.baseline(Duration.ofSeconds(8));
      s.scaleUp(1, 2);
      s.settle(Duration.ofSeconds(8));
      s.rollingRestart(2);
      s.settle(Duration.ofSeconds(8));
      s.kill(1, Duration.ofSeconds(1));
      s.settle(Duration.ofSeconds(8));
      s.finish();
    }
  }
}
