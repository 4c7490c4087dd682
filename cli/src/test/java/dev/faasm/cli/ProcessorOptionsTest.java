package dev.faasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
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
}
