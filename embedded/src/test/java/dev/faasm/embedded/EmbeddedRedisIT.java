package dev.faasm.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmbeddedRedisIT {
  @Test
  void answersPingSetAndGet() throws IOException {
    try (EmbeddedRedis redis = EmbeddedRedis.start(0)) {
      assertEquals("redis://127.0.0.1:" + redis.port(), redis.url());
      assertFalse(redis.version().equals("unknown"), "version of " + redis.binaryPath());
      try (Resp resp = new Resp(redis.port())) {
        assertEquals("+PONG", resp.call("PING"));
        assertEquals("+OK", resp.call("SET", "greeting", "hello"));
        assertEquals("$5", resp.call("GET", "greeting"));
        assertEquals("hello", resp.line());
      }
    }
  }

  @Test
  void runsWithoutPersistence() throws IOException {
    try (EmbeddedRedis redis = EmbeddedRedis.start(0); Resp resp = new Resp(redis.port())) {
      assertEquals("*2", resp.call("CONFIG", "GET", "appendonly"));
      assertEquals("$10", resp.line());
      assertEquals("appendonly", resp.line());
      assertEquals("$2", resp.line());
      assertEquals("no", resp.line());
      assertEquals("*2", resp.call("CONFIG", "GET", "save"));
      resp.line();
      resp.line();
      assertEquals("$0", resp.line());
    }
  }

  @Test
  void closeStopsTheServer() {
    EmbeddedRedis redis = EmbeddedRedis.start(0);
    int port = redis.port();
    redis.close();
    redis.close();
    assertFalse(redis.isRunning());
    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
  }

  @Test
  void fixedPortInUseIsReportedByNumber() {
    try (EmbeddedRedis first = EmbeddedRedis.start(0)) {
      EmbeddedException e = assertThrows(EmbeddedException.class, () -> EmbeddedRedis.start(first.port()));
      assertTrue(e.getMessage().contains(Integer.toString(first.port())), e.getMessage());
    }
  }

  @Test
  void startsOnARequestedFreePort() throws IOException {
    int port = Ports.free();
    try (EmbeddedRedis redis = EmbeddedRedis.start(port); Resp resp = new Resp(port)) {
      assertEquals(port, redis.port());
      assertEquals("+PONG", resp.call("PING"));
    }
  }

  @Test
  void bundledBinaryRunsHere() throws IOException {
    try (EmbeddedRedis redis = EmbeddedRedis.start(0, EmbeddedRedis.bundledBinary());
        Resp resp = new Resp(redis.port())) {
      assertTrue(redis.version().startsWith("6.2."), redis.version());
      assertEquals("+PONG", resp.call("PING"));
    }
  }

  @Test
  void serverStopsWhenItsJvmIsKilled() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), RedisHolder.class.getName())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      Path dir = null;
      String line = out.readLine();
      while (line != null && !line.startsWith("port=")) {
        if (line.startsWith("dir=")) {
          dir = Path.of(line.substring("dir=".length()));
        }
        line = out.readLine();
      }
      assertTrue(line != null && dir != null, "child JVM printed no port and directory");
      assertTrue(Files.isDirectory(dir), dir.toString());
      int port = Integer.parseInt(line.substring("port=".length()));
      try (Resp resp = new Resp(port)) {
        assertEquals("+PONG", resp.call("PING"));
      }
      child.destroyForcibly().waitFor();
      // The guard sees its stdin close and stops the server; wait (bounded) for the port to refuse connections.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      boolean refused = false;
      while (!(refused && Files.notExists(dir)) && System.nanoTime() < deadline) {
        try (Socket probe = new Socket("127.0.0.1", port)) {
          Thread.sleep(20);
        } catch (ConnectException e) {
          refused = true;
          Thread.sleep(20);
        } catch (java.net.SocketException e) {
          // Reset while the server shuts down: not gone yet, look again.
          Thread.sleep(20);
        }
      }
      assertTrue(refused, "redis-server on port " + port + " outlived its JVM");
      assertTrue(Files.notExists(dir), dir + " outlived its JVM");
    } finally {
      child.destroyForcibly();
    }
  }

  /** A minimal RESP client: sends a command, returns the first reply line. */
  static final class Resp implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    Resp(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out = socket.getOutputStream();
    }

    String call(String... args) throws IOException {
      StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
      for (String a : args) {
        byte[] b = a.getBytes(StandardCharsets.UTF_8);
        sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
      }
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return line();
    }

    String line() throws IOException {
      return in.readLine();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
