package dev.faasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faasm.processor.StateConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProcessorOptionsTest {
  @Test
  void applicationIdFollowsTheTopicPrefixSoTwoPlatformsOnOneClusterNeverShareIt() {
    ProcessorCommand a = new ProcessorCommand();
    new CommandLine(a).parseArgs("--topic-prefix", "team-a-");
    ProcessorCommand b = new ProcessorCommand();
    new CommandLine(b).parseArgs("--topic-prefix", "team-b-");
    assertEquals("team-a-processor",
        a.processor.config("p", Path.of("/tmp"), a.common.topicPrefix).applicationId());
    assertEquals("team-b-processor",
        b.processor.config("p", Path.of("/tmp"), b.common.topicPrefix).applicationId());
  }

  @Test
  void explicitApplicationIdWins() {
    ProcessorCommand c = new ProcessorCommand();
    new CommandLine(c).parseArgs("--topic-prefix", "team-a-", "--application-id", "custom");
    assertEquals("custom", c.processor.config("p", Path.of("/tmp"), c.common.topicPrefix).applicationId());
  }

  @Test
  void defaultPrefixKeepsTheFormerApplicationId() {
    ProcessorCommand c = new ProcessorCommand();
    new CommandLine(c).parseArgs();
    assertEquals("faasm-processor", c.processor.config("p", Path.of("/tmp"), c.common.topicPrefix).applicationId());
  }

  @Test
  void sharedStateLimitsDefaultAsDocumentedAndAreSetByOptions() {
    ProcessorCommand d = new ProcessorCommand();
    new CommandLine(d).parseArgs();
    assertEquals(StateConfig.defaults(), d.processor.state());

    ProcessorCommand c = new ProcessorCommand();
    new CommandLine(c).parseArgs("--state-max-value-bytes", "1024", "--state-max-user-bytes", "4096",
        "--state-lock-ttl-ms", "500");
    assertEquals(new StateConfig(1024, 4096, Duration.ofMillis(500)), c.processor.state());
  }
}
