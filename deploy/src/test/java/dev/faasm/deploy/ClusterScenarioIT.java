package dev.faasm.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The long cluster scenario, for each membership variant: steady async load, throughput with 1 and 3 processors,
 * scale 1 -> 3 -> 1, then 1 -> 2, a rolling restart of both, SIGKILL of one of 2 restarted after 2 s, then SIGKILL of
 * one of 2 that does not come back. Reports in
 * target/cluster/. Run by {@code deploy/cluster.sh} ({@code -Dcluster.full=true}); {@link ClusterIT} is the short
 * version in every build.
 */
class ClusterScenarioIT {

  static java.util.stream.Stream<Arguments> variants() {
    return java.util.stream.Stream.of(
        Arguments.of("manifests: static membership, 1 standby, leave the group on SIGTERM, 10 s session timeout",
            Map.of()),
        Arguments.of("static membership, 1 standby, leave on SIGTERM, 20 s session timeout",
            Map.of("FAASM_SESSION_TIMEOUT_SECONDS", "20")),
        Arguments.of("static membership, 1 standby, stay in the group on SIGTERM, 20 s session timeout",
            Map.of("FAASM_LEAVE_GROUP_ON_SHUTDOWN", "false", "FAASM_SESSION_TIMEOUT_SECONDS", "20")),
        Arguments.of("dynamic membership, 1 standby, 20 s session timeout",
            Map.of("FAASM_STATIC_MEMBERSHIP", "false", "FAASM_SESSION_TIMEOUT_SECONDS", "20")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void fullScenario(String variant, Map<String, String> overrides) throws Exception {
    assumeTrue(Boolean.getBoolean("cluster.full"), "the long cluster scenario runs with -Dcluster.full=true");
    assumeTrue(variant.contains(System.getProperty("cluster.variant", "")),
        "only the variants whose name contains -Dcluster.variant=" + System.getProperty("cluster.variant"));
    try (ClusterScenario s = new ClusterScenario(variant, overrides, 2)) {
      s.startProcessors(1);
      s.measureThroughput("1", 300, 27);
      s.steady();
      s.baseline(Duration.ofSeconds(20));
      s.scaleUp(1, 3);
      s.settle(Duration.ofSeconds(20));
      s.measureThroughput("3", 300, 27);
      s.settle(Duration.ofSeconds(10));
      s.scaleDown(3, 1);
      s.settle(Duration.ofSeconds(20));
      s.scaleUp(1, 2);
      s.settle(Duration.ofSeconds(20));
      s.rollingRestart(2);
      s.settle(Duration.ofSeconds(20));
      s.kill(1, Duration.ofSeconds(2));
      s.settle(Duration.ofSeconds(30));
      s.killForGood(1);
      s.settle(Duration.ofSeconds(40));
      s.finish();
    }
  }
}
