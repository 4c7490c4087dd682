package dev.faasm.bench;

import dev.faasm.embedded.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The platform's embedded KRaft broker in a JVM of its own, for the load harness's separate-broker runs
 * ({@code SEPARATE_BROKER=1 bench/run-load-bench.sh}): prints {@code BOOTSTRAP <servers>} once it is up, and stops when
 * its standard input closes (the script that started it ends) or after two hours at most.
 */
public final class BrokerMain {
  private static final long MAX_MILLIS = 2 * 60 * 60 * 1000L;

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("faasm-bench-broker-");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
      System.out.println("BOOTSTRAP " + kafka.bootstrapServers());
      System.out.flush();
      Thread stdin = new Thread(() -> {
        try {
          while (System.in.read() >= 0) {
            // nothing: waits for the end of the input
          }
        } catch (IOException e) {
          // treated as the end of the input
        }
      }, "broker-stdin");
      stdin.setDaemon(true);
      stdin.start();
      stdin.join(MAX_MILLIS);
    } finally {
      LoadBench.deleteTree(dir);
    }
    System.exit(0);
  }

  private BrokerMain() {}
}
