package dev.faasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.protocol.Quota;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EdgeAccessOptionsTest {
  @Test
  void theEdgeRoleRequiresKeysAndBindsEveryInterfaceUnlessTold() {
    EdgeCommand c = new EdgeCommand();
    new CommandLine(c).parseArgs();
    assertTrue(c.access().keys(), "keys are required by default");
    assertEquals(Quota.NONE, c.access().defaults());
    assertEquals("0.0.0.0", c.edge.config("e", "0.0.0.0").host());
    EdgeCommand insecure = new EdgeCommand();
    new CommandLine(insecure).parseArgs("--insecure");
    assertFalse(insecure.access().keys());
  }

  @Test
  void devNeedsNoKeyAndListensOnLoopbackOnly() {
    DevCommand d = new DevCommand();
    new CommandLine(d).parseArgs();
    assertFalse(d.access().keys());
    assertEquals("127.0.0.1", d.edgeConfig("dev").host());
    DevCommand keys = new DevCommand();
    new CommandLine(keys).parseArgs("--require-keys", "--host", "0.0.0.0");
    assertTrue(keys.access().keys());
    assertEquals("0.0.0.0", keys.edgeConfig("dev").host());
  }

  @Test
  void quotaDefaultsComeFromTheOptionsWithMinusOneUnlimited() {
    EdgeCommand c = new EdgeCommand();
    new CommandLine(c).parseArgs("--quota-calls-per-second", "2.5", "--quota-calls-in-flight", "10",
        "--quota-module-mib", "3");
    assertEquals(new Quota(2.5, 10, 3L * 1024 * 1024), c.access().defaults());
    EdgeCommand unlimited = new EdgeCommand();
    new CommandLine(unlimited).parseArgs("--quota-calls-per-second", "-1");
    assertEquals(Quota.UNSET, unlimited.access().defaults().callsPerSecond());
  }
}
