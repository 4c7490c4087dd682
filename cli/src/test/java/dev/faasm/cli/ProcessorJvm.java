package dev.faasm.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.embedded.TestPlatform;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A processor in a JVM of its own (so a test can SIGKILL it), on the shared broker and redis-server. */
final class ProcessorJvm {
  private ProcessorJvm() {}

  /** Starts processor {@code id} on the topics and keys of {@code prefix}; its log is {@code root/processor.log}. */
  static Process start(String prefix, Path root, String id, Map<String, String> env) throws Exception {
    Files.createDirectories(root);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), Faasm.class.getName(), "processor",
            "--kafka", TestPlatform.kafkaBootstrap(),
            "--redis", TestPlatform.redisUrl(),
            "--redis-prefix", prefix,
            "--topic-prefix", prefix,
            "--partitions", "4",
            "--application-id", prefix + "processor",
            "--admin-port", "0",
            "--func-root", root.toString());
    pb.environment().put("FAASM_INSTANCE_ID", id);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(root.resolve("processor.log").toFile());
    Process p = pb.start();
    assertTrue(p.isAlive(), "processor " + id + " died at once; see " + root + File.separator + "processor.log");
    return p;
  }
}
