package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faasm.processor.StateConfig;
import dev.faasm.runtime.RuntimeConfig;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An uploaded module reaches processors with the classes the edge compiled while validating it: a processor with its
 * own runtime loads it from them as soon as the upload arrives, before any call, and compiles nothing; a processor
 * told not to trust them compiles it itself, also before any call.
 */
class CompiledClassesIT {
  private static TestCluster cluster;
  private static Node trusting;
  private static Node distrusting;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster();
    trusting = processorNode("it-proc-trusting", true);
    distrusting = processorNode("it-proc-distrusting", false);
  }

  private static Node processorNode(String id, boolean loadCompiledClasses) throws Exception {
    Node node = new Node(cluster.kafka, cluster.topics, cluster.storeConfig, RuntimeConfig.defaults(),
        Files.createTempDirectory("faasm-it-" + id), id, true);
    try {
      node.startProcessor(cluster.processorConfig(id), StateConfig.defaults(), loadCompiledClasses);
    } catch (Exception e) {
      node.close();
      throw e;
    }
    return node;
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {distrusting, trusting, cluster}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing the rest matters more
      }
    }
  }

  @Test
  void uploadedModuleIsLoadedFromTheEdgesClassesBeforeItsFirstCall() throws Exception {
    long compiledBefore = trusting.runtime().compilations();
    long compiledByOtherBefore = distrusting.runtime().compilations();

    // A module no runtime has seen: echo with a custom section naming this test run.
    HttpResponse<byte[]> upload = cluster.put("/f/simon/shipped/", withCustomSection(Repo.wasm("simon", "echo"),
        "run-" + System.nanoTime()));
    assertEquals(201, upload.statusCode(), text(upload));

    await().atMost(Duration.ofSeconds(30)).until(() -> trusting.runtime().preloadedFromClasses() == 1);
    assertEquals(compiledBefore, trusting.runtime().compilations(), "loaded from the shipped classes, not compiled");
    await().atMost(Duration.ofSeconds(30))
        .until(() -> distrusting.runtime().compilations() == compiledByOtherBefore + 1);
    assertEquals(0, distrusting.runtime().preloadedFromClasses());

    for (int i = 0; i < 8; i++) {
      HttpResponse<byte[]> call = cluster.post("/f/simon/shipped/", "call " + i);
      assertEquals(200, call.statusCode(), text(call));
      assertEquals("call " + i, text(call));
    }
    assertEquals(compiledBefore, trusting.runtime().compilations(), "its calls compiled nothing either");
  }

  /** The module with a custom section appended: the same program under a new digest. */
  private static byte[] withCustomSection(byte[] wasm, String name) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(wasm);
    out.write(0); // custom section
    writeLeb(out, 1 + nameBytes.length + 1);
    writeLeb(out, nameBytes.length);
    out.writeBytes(nameBytes);
    out.write(0); // one byte of payload
    return out.toByteArray();
  }

  private static void writeLeb(ByteArrayOutputStream out, int value) {
    do {
      int b = value & 0x7f;
      value >>>= 7;
      out.write(value == 0 ? b : b | 0x80);
    } while (value != 0);
  }
}
