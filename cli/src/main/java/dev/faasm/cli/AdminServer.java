package dev.faasm.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.faasm.metrics.PlatformMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A processor's admin port: {@code GET /metrics} (Prometheus text) and {@code GET /health}. One small thread; the
 * processor has no HTTP API of its own.
 */
public final class AdminServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private AdminServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static AdminServer start(String host, int port, PlatformMetrics metrics) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
      server.createContext("/metrics", ex -> answer(ex, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
      server.createContext("/health", ex -> answer(ex, "application/json", "{\"status\":\"up\"}"));
      ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "faasm-admin-http");
        t.setDaemon(true);
        return t;
      });
      server.setExecutor(executor);
      server.start();
      return new AdminServer(server, executor);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the admin port " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private static void answer(HttpExchange ex, String type, String body) throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod()) || ex.getRequestURI().getPath().length() > "/metrics/".length()) {
        byte[] error = "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(404, error.length);
        ex.getResponseBody().write(error);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
