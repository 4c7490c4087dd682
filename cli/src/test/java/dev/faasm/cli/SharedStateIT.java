package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faasm's shared state through the whole platform (edge → Kafka → processor → state in the real Redis), with the
 * classic patterns of Faasm's examples, written in func/demo/state_*.c.
 */
class SharedStateIT {
  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(r -> r.withMaxConcurrentGuests(4), e -> e);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String call(String path, String input) throws Exception {
    HttpResponse<byte[]> r = cluster.post(path, input);
    assertEquals(200, r.statusCode(), path + ": " + text(r));
    return text(r);
  }

  @Test
  void aWriterThenReadersInChainedCallsSeeThePushedValue() throws Exception {
    assertEquals("pushed once|pushed once|pushed once", call("/f/demo/state_writer", "pushed once"));
    assertEquals("pushed once", call("/f/demo/state_reader", "greeting"));

    assertEquals("pushed twice|pushed twice|pushed twice", call("/f/demo/state_writer", "pushed twice"));
    assertEquals("pushed twice", call("/f/demo/state_reader", "greeting"));
  }

  @Test
  void writeStateFromFileSetsTheValueFromAFileOfTheCall() throws Exception {
    assertEquals("11", call("/f/demo/state_file", "from_file /tmp/data hello, file"));
    assertEquals("hello, file", call("/f/demo/state_reader", "from_file"));
    HttpResponse<byte[]> missing = cluster.post("/f/demo/state_file", "from_file /tmp/nothing-here");
    assertEquals(500, missing.statusCode(), text(missing));
    assertTrue(text(missing).contains("STATE_FAILED") && text(missing).contains("no such file: /tmp/nothing-here"),
        text(missing));
    HttpResponse<byte[]> escape = cluster.post("/f/demo/state_file", "from_file /tmp/../../etc/hostname");
    assertTrue(text(escape).contains("'..' is not followed"), text(escape));
    assertEquals("hello, file", call("/f/demo/state_reader", "from_file"), "failed calls changed nothing");
  }

  @Test
  void offsetWritesOfALargeValueAreReadBackByOffsetInAnotherCall() throws Exception {
    // 4 MiB written in 64 KiB chunks and pushed partially; samples read back by offset and through a mapped pointer;
    // a write through a mapped pointer; a push through a mask.
    assertEquals("ok 4194304", call("/f/demo/state_offset", "4096"));
    // again, smaller: a partial push writes in place over the larger value, whose first 1 MiB is now this run's
    assertEquals("ok 1048576", call("/f/demo/state_offset", "1024"));
  }

  @Test
  void appendsOfNChainedCallsAreAllReadBack() throws Exception {
    assertEquals("n=20 sum=190 distinct=20", call("/f/demo/state_append", "20"));
    // cleared before each run: the same again, not 40 elements
    assertEquals("n=5 sum=10 distinct=5", call("/f/demo/state_append", "5"));
  }

  @Test
  void monteCarloPiFromTheAppendedResultsOfItsWorkers() throws Exception {
    String out = call("/f/demo/state_pi", "4 250000");
    Matcher m = Pattern.compile("pi=([0-9.]+) workers=(\\d+)").matcher(out);
    assertTrue(m.matches(), out);
    assertEquals("4", m.group(2), out);
    double pi = Double.parseDouble(m.group(1));
    assertTrue(Math.abs(pi - Math.PI) < 0.01, out); // 10^6 samples: standard error 0.0016
  }

  @Test
  void concurrentWritersUnderTheGlobalLockLoseNoUpdate() throws Exception {
    assertEquals("counter=300 expected=300", call("/f/demo/state_counter", "3 100 global"));
  }

  @Test
  void concurrentWritersOnOneProcessorUnderTheLocalWriteLockLoseNoUpdate() throws Exception {
    assertEquals("counter=300 expected=300", call("/f/demo/state_counter", "3 100 local"));
  }

  @Test
  void aUserCannotSeeAnotherUsersState() throws Exception {
    for (String fn : new String[] {"state_set", "state_reader"}) {
      HttpResponse<byte[]> up = cluster.put("/f/mallory/" + fn + "/", Repo.wasm("demo", fn));
      assertTrue(up.statusCode() == 200 || up.statusCode() == 201, text(up));
    }
    call("/f/demo/state_set", "secret demo's value");

    assertEquals("", call("/f/mallory/state_reader", "secret"));
    call("/f/mallory/state_set", "secret mallory's value");
    assertEquals("demo's value", call("/f/demo/state_reader", "secret"));
    assertEquals("mallory's value", call("/f/mallory/state_reader", "secret"));
  }
}
