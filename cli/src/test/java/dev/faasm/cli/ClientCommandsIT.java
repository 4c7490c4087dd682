package dev.faasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The client commands against a whole platform: human output and {@code --json}, the exit codes, {@code faasm calls},
 * {@code faasm logs -f}, and a function made by {@code faasm new}, built with clang as its build script says and run.
 */
class ClientCommandsIT {
  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** What a run of the command printed and returned. */
  record Run(int exit, String out, String err) {}

  static Run faasm(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Faasm.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** A client command against the test cluster's edge. */
  static Run client(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--url=" + cluster.uri(""));
    return faasm(all.toArray(String[]::new));
  }

  @Test
  void scaffoldBuildsWithClangAndRunsOnThePlatform(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("greet");
    Run created = faasm("new", "shop/greet", "--dir", dir.toString());
    assertEquals(0, created.exit(), created.err());
    assertTrue(created.out().contains("faasm upload shop greet function.wasm"), created.out());
    for (String f : List.of("greet.c", "build.sh", "input.txt", "README.md")) {
      assertTrue(Files.isRegularFile(dir.resolve(f)), "missing " + f);
    }
    // Every header of func/include/faasm, so that what faasm.h includes is there.
    try (var headers = Files.list(Repo.root().resolve("func/include/faasm"))) {
      for (Path h : headers.toList()) {
        assertTrue(Files.isRegularFile(dir.resolve("include/faasm").resolve(h.getFileName().toString())),
            "missing header " + h.getFileName());
      }
    }
    assertEquals(Files.readString(Repo.root().resolve("func/include/faasm/host_interface.h")),
        Files.readString(dir.resolve("include/faasm/host_interface.h")));
    assertEquals(2, faasm("new", "shop/greet", "--dir", dir.toString()).exit(), "an existing directory is refused");

    assumeTrue(clangForWasi(), "needs clang for wasm32-wasi (apt-get install -y clang lld wasi-libc "
        + "libclang-rt-14-dev-wasm32)");
    Process build = new ProcessBuilder("bash", "build.sh").directory(dir.toFile()).redirectErrorStream(true).start();
    String buildLog = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(build.waitFor(120, TimeUnit.SECONDS), "build.sh did not finish");
    assertEquals(0, build.exitValue(), buildLog);

    Run upload = client("upload", "shop", "greet", dir.resolve("function.wasm").toString());
    assertEquals(0, upload.exit(), upload.err());
    assertTrue(upload.out().startsWith("uploaded shop/greet: "), upload.out());
    Run invoke = client("invoke", "shop", "greet", "-i", dir.resolve("input.txt").toString(), "--json");
    assertEquals(0, invoke.exit(), invoke.err());
    Map<String, Object> answer = JSON.std.mapFrom(invoke.out());
    assertEquals("Hello, faasm!", answer.get("output"));
    Run logs = client("logs", answer.get("callId").toString());
    assertEquals("greet: 5 bytes of input\n", logs.out());
  }

  @Test
  void humanOutputEndsWithANewlineAndJsonIsOneObjectPerLine() throws Exception {
    Run hello = client("invoke", "demo", "hello");
    assertEquals(0, hello.exit(), hello.err());
    assertEquals("Hello Faasm!", hello.out(), "not a terminal: the output exactly as the function wrote it");

    Run queued = client("invoke", "demo", "nested", "-d", "2", "--async");
    assertEquals(0, queued.exit(), queued.err());
    String id = queued.out().strip();
    assertEquals(id + "\n", queued.out());
    Run followed = client("logs", "-f", id);
    assertEquals(0, followed.exit(), followed.err());
    assertTrue(followed.err().contains("call " + id + " succeeded"), followed.err());

    Run status = client("status", id);
    assertEquals(0, status.exit(), status.err());
    assertTrue(status.out().endsWith("\n"), status.out());
    assertTrue(status.out().contains("status         succeeded\n"), status.out());
    Run statusJson = client("status", id, "--json");
    assertEquals("succeeded", JSON.std.mapFrom(statusJson.out()).get("status"));

    // The edge's index of recent calls follows the results topic: wait until it has seen all three.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() ->
        client("calls", "--user", "demo", "--function", "nested", "--outcome", "succeeded", "--json")
            .out().lines().count() == 3);
    Run calls = client("calls", "--user", "demo", "--function", "nested");
    assertEquals(0, calls.exit(), calls.err());
    String[] lines = calls.out().split("\n");
    assertTrue(lines[0].matches("CALL +FUNCTION +STATUS +MS .*"), calls.out());
    assertEquals(4, lines.length, "header, the call and its two chained calls: " + calls.out());
    int statusColumn = lines[0].indexOf("STATUS");
    for (int i = 1; i < lines.length; i++) {
      assertEquals("succeeded", lines[i].substring(statusColumn, statusColumn + "succeeded".length()), calls.out());
    }
    Run callsJson = client("calls", "--user", "demo", "--function", "nested", "--json");
    List<String> objects = callsJson.out().lines().toList();
    assertEquals(3, objects.size(), callsJson.out());
    assertEquals(id, JSON.std.mapFrom(objects.get(objects.size() - 1)).get("callId"), "newest first");
  }

  @Test
  void exitCodesSayWhatWentWrong() throws Exception {
    assertEquals(201, cluster.put("/f/other/exit3/", Repo.wasm("bad", "exit3")).statusCode());
    Run failed = client("invoke", "other", "exit3");
    assertEquals(ExitCodes.FAILED, failed.exit());
    assertTrue(failed.err().contains("exited with code 3"), failed.err());
    assertTrue(failed.err().contains("faasm logs "), failed.err());

    Run unknown = client("invoke", "other", "nope");
    assertEquals(ExitCodes.USAGE, unknown.exit());
    assertTrue(unknown.err().contains("HTTP 404: function other/nope not found"), unknown.err());

    assertEquals(ExitCodes.USAGE, client("invoke", "other").exit(), "a missing parameter");
    assertEquals(ExitCodes.USAGE, faasm("new", "no-slash").exit());
    assertEquals(ExitCodes.USAGE, client("calls", "--outcome", "maybe").exit());

    Run unreachable = faasm("invoke", "other", "exit3", "--url=http://127.0.0.1:1");
    assertEquals(ExitCodes.UNREACHABLE, unreachable.exit());
    assertTrue(unreachable.err().contains("cannot reach the platform at http://127.0.0.1:1"), unreachable.err());
  }

  @Test
  void completionScriptIsGeneratedByPicocli() {
    Run completion = faasm("generate-completion");
    assertEquals(0, completion.exit());
    assertTrue(completion.out().contains("complete -F _complete_faasm"), completion.out().lines().limit(5).toList()
        .toString());
    assertTrue(completion.out().contains("calls"), "the client commands are completed");
  }

  private static boolean clangForWasi() throws IOException, InterruptedException {
    if (!Files.isRegularFile(Path.of("/usr/lib/wasm32-wasi/libc.a"))) {
      return false;
    }
    try {
      Process p = new ProcessBuilder("clang", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
