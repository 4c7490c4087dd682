package dev.faasm.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps a server process alive until it is signalled, then closes its parts in reverse order. */
final class Servers {
  private static final Logger log = LoggerFactory.getLogger(Servers.class);

  private Servers() {}

  static void runUntilSignalled(AutoCloseable... parts) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              log.info("shutting down");
              for (int i = parts.length - 1; i >= 0; i--) {
                try {
                  parts[i].close();
                } catch (Exception e) {
                  log.warn("error while stopping", e);
                }
              }
              stopped.countDown();
            },
            "faasm-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
  }

  static String defaultInstanceId() {
    String env = System.getenv("FAASM_INSTANCE_ID");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_-]", "-");
    } catch (UnknownHostException e) {
      return "node-" + ProcessHandle.current().pid();
    }
  }
}
