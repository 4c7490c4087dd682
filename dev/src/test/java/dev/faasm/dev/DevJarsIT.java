package dev.faasm.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The two artifacts as a user runs them: the production jar (what the image runs) has no broker, no Scala and no
 * redis-server and says so when asked for {@code dev}; the dev jar runs the whole platform with one command.
 */
class DevJarsIT {
  private static final Path PRODUCTION = Path.of("..", "cli", "target", "faasm.jar");
  private static final Path DEV = Path.of("target", "faasm-dev.jar");
  private static final Pattern UP = Pattern.compile("faasm dev is up: http://[^:]+:(\\d+)");

  @Test
  void productionJarCarriesNoBrokerAndNoRedis() throws IOException {
    assertTrue(Files.isRegularFile(PRODUCTION), "build the cli module first: " + PRODUCTION.toAbsolutePath());
    try (JarFile jar = new JarFile(PRODUCTION.toFile())) {
      List<String> names = jar.stream().map(e -> e.getName()).collect(Collectors.toList());
      assertTrue(names.contains("dev/faasm/cli/Faasm.class"));
      assertTrue(names.contains("dev/faasm/processor/ProcessorService.class"));
      assertTrue(names.contains("dev/faasm/edge/Edge.class"));
      assertFalse(names.stream().anyMatch(n -> n.startsWith("kafka/server/")), "Kafka broker classes");
      assertFalse(names.stream().anyMatch(n -> n.startsWith("scala/")), "Scala library");
      assertFalse(names.stream().anyMatch(n -> n.contains("redis-server")), "redis-server binaries");
      assertFalse(names.stream().anyMatch(n -> n.startsWith("dev/faasm/embedded/")), "embedded module");
    }
    try (JarFile jar = new JarFile(DEV.toFile())) {
      assertNotNull(jar.getEntry("kafka/server/KafkaRaftServer.class"));
      assertNotNull(jar.getEntry("META-INF/services/dev.faasm.cli.LocalServices"));
    }
  }

  @Test
  void productionJarExplainsThatDevNeedsTheDevJar() throws Exception {
    Process p = new ProcessBuilder(java(), "-jar", PRODUCTION.toString(), "dev").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.contains("./faasm dev"), out);
  }

  @Test
  void devJarRunsThePlatformWithOneCommand() throws Exception {
    Path root = Files.createTempDirectory("faasm-dev-it");
    Process p = new ProcessBuilder(java(), "-Xmx768m", "-jar", DEV.toString(), "dev",
            "--port", "0", "--kafka-port", "0", "--redis-port", "0",
            "--func-root", root.toString(), "--wasm-dir", Path.of("..", "wasm").toString())
        .redirectErrorStream(true)
        .start();
    try {
      CompletableFuture<Integer> port = new CompletableFuture<>();
      StringBuilder log = new StringBuilder();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            synchronized (log) {
              log.append(line).append('\n');
            }
            Matcher m = UP.matcher(line);
            if (m.find()) {
              port.complete(Integer.parseInt(m.group(1)));
            }
          }
          port.completeExceptionally(new AssertionError("faasm dev exited before it was up"));
        } catch (IOException e) {
          port.completeExceptionally(e);
        }
      });
      reader.setDaemon(true);
      reader.start();
      int edgePort;
      try {
        edgePort = port.get(180, TimeUnit.SECONDS);
      } catch (Exception e) {
        synchronized (log) {
          throw new AssertionError("faasm dev did not come up:\n" + log, e);
        }
      }
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort + "/f/simon/echo"))
              .POST(HttpRequest.BodyPublishers.ofString("hello faasm"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("hello faasm", r.body());
    } finally {
      p.destroy(); // SIGTERM: the shutdown hook stops the edge, the processor, the broker and redis-server
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
