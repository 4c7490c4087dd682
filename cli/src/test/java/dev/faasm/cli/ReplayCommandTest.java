package dev.faasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options of {@code faasm replay} and the JSON request they become; nothing here talks to an edge. */
class ReplayCommandTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private static String json(String... args) {
    ReplayCommand command = new ReplayCommand();
    new CommandLine(command).parseArgs(args);
    return command.requestJson(NOW);
  }

  private static Map<String, Object> map(String json) throws Exception {
    return JSON.std.mapFrom(json);
  }

  @Test
  void noOptionsIsAnEmptyRequest() {
    assertEquals("{}", json());
  }

  @Test
  void everyOptionMapsToItsField() throws Exception {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("from", "2026-12-01T11:45:00Z");
    expected.put("to", "2026-12-01T11:59:00Z");
    expected.put("partitions", List.of(
        Map.of("partition", 0, "fromOffset", 10, "toOffset", 20), Map.of("partition", 3, "fromOffset", 5)));
    expected.put("user", "simon");
    expected.put("function", "echo");
    expected.put("outcome", "failed");
    expected.put("callId", "0123456789abcdef");
    expected.put("max", 50);
    expected.put("target", "function");
    expected.put("targetFunction", "echo_candidate");
    expected.put("rate", 2.5);
    expected.put("dryRun", true);
    assertEquals(expected, map(json(
        "--from", "-15m", "--to=2026-12-01T11:59:00Z", "--partition", "0:10-20", "--partition", "3:5",
        "--user", "simon", "--function", "echo", "--outcome", "failed", "--call-id", "0123456789abcdef",
        "--max", "50", "--target", "function:echo_candidate", "--rate", "2.5/s", "--dry-run", "--expect-identical",
        "--json", "--poll-ms", "10", "--url", "http://edge:1234")));
  }

  @Test
  void targetsMapToTheirFields() throws Exception {
    String digest = "ab".repeat(32);
    assertEquals(Map.of("target", "digest", "digest", digest), map(json("--target", "digest:" + digest)));
    assertEquals(Map.of("target", "current"), map(json("--target", "current")));
    assertEquals(Map.of("target", "original"), map(json("--target", "original")));
    assertEquals(Map.of("rate", 50.0), map(json("--rate", "50")));
  }

  @Test
  void clientOnlyOptionsAreNotSent() {
    assertEquals("{}", json("--expect-identical", "--json", "--poll-ms", "1000"));
  }

  @Test
  void badValuesAreUsageErrorsWithExitCode2() {
    String[][] bad = {
      {"--from", "yesterday"}, {"--partition", "0"}, {"--partition", "0:9-3"}, {"--partition", "a:1"},
      {"--outcome", "ok"}, {"--target", "latest"}, {"--target", "digest:"}, {"--target", "function"},
      {"--rate", "0"}, {"--rate", "fast"}, {"--rate", "1d"}, {"--rate", "-2/s"}, {"--max", "ten"}, {"--poll-ms", "0"},
      {"--nope"}
    };
    for (String[] args : bad) {
      StringWriter err = new StringWriter();
      int code = new CommandLine(new ReplayCommand()).setErr(new PrintWriter(err)).setOut(new PrintWriter(
          new StringWriter())).execute(args);
      assertEquals(ReplayCommand.USAGE, code, String.join(" ", args) + ": " + err);
      assertTrue(err.toString().contains("Usage: replay"), String.join(" ", args) + ": " + err);
    }
  }

  @Test
  void isASubcommandOfFaasm() {
    CommandLine faasm = new CommandLine(new Faasm());
    assertTrue(faasm.getSubcommands().containsKey("replay"));
  }
}
