package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.callId;
import static dev.faasm.cli.TestCluster.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Arguments per call, configuration flags, backtraces and emulation libraries through the whole platform. */
class EntryPointIT {
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

  @Test
  void argumentsArePassedPerCallAsQueryParameters() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/demo/entry?arg=-v&arg=two%20words", "");
    assertEquals(200, r.statusCode(), text(r));
    assertEquals("argc=3 argv[0]=entry argv[1]=-v argv[2]=two words ALWAYS_ON=1 ALWAYS_OFF=0 NO_SUCH_FLAG=0",
        text(r));
    String logs = text(cluster.get("/calls/" + callId(r) + "/logs"));
    assertTrue(logs.contains("[faasm] backtrace") && logs.indexOf("innermost") < logs.indexOf("main"), logs);

    HttpResponse<byte[]> async = cluster.post("/fa/demo/entry?arg=later", "");
    assertEquals(202, async.statusCode(), text(async));
    String id = JsonField.get(text(async), "callId");
    cluster.awaitFinished(id);
    assertTrue(text(cluster.get("/calls/" + id + "/output")).startsWith("argc=2 argv[0]=entry argv[1]=later "));
  }

  @Test
  void cliInvokePassesArguments() throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stdout = System.out;
    int exit;
    try {
      System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
      exit = new picocli.CommandLine(new Faasm()).execute("invoke", "--url", cluster.uri("").toString(), "demo",
          "entry", "--arg", "a b", "--arg", "c&d=e");
    } finally {
      System.setOut(stdout);
    }
    assertEquals(0, exit);
    assertTrue(out.toString(java.nio.charset.StandardCharsets.UTF_8)
        .startsWith("argc=3 argv[0]=entry argv[1]=a b argv[2]=c&d=e "), out.toString());
  }

  @Test
  void tooManyArgumentsAreRefused() throws Exception {
    StringBuilder query = new StringBuilder("?");
    for (int i = 0; i < 65; i++) {
      query.append("arg=").append(i).append('&');
    }
    HttpResponse<byte[]> r = cluster.post("/f/demo/entry" + query, "");
    assertEquals(400, r.statusCode(), text(r));
    assertTrue(JsonField.get(text(r), "error").contains("too many arguments"), text(r));
  }

  @Test
  void protoFaasletCallsStartFromTheZygotesSnapshot() throws Exception {
    HttpResponse<byte[]> first = cluster.post("/f/demo/zygote", "3");
    assertEquals(200, first.statusCode(), text(first));
    assertTrue(text(first).startsWith("zygote ready calls=1 value="), text(first));
    for (int i = 0; i < 3; i++) {
      HttpResponse<byte[]> again = cluster.post("/f/demo/zygote", "3");
      assertEquals(text(first), text(again));
    }
  }

  @Test
  void moduleLinkedWithEmulationLibrariesRuns() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/demo/emulated", "");
    assertEquals(200, r.statusCode(), text(r));
    assertTrue(text(r).startsWith("clock=ok\nlong_double=0.33333333333333333333\nmmap=zeroed,14\n"), text(r));
  }
}
