package dev.faasm.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.faasm.runtime.CallOutcome;
import dev.faasm.runtime.FunctionRuntime;
import dev.faasm.runtime.InvalidModuleException;
import dev.faasm.runtime.Invocation;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "The edge running the function itself": a bare Undertow server that answers {@code POST /f/<user>/<fn>} by running
 * the function in-process with a {@link FunctionRuntime}, with no Kafka, no Redis and no call record. It is the
 * baseline the platform's sync path is compared with in {@link LoadBench}.
 *
 * <p>The IO thread reads the body without blocking and hands the call to the runtime ({@code execute} only queues it:
 * the guest runs on the runtime's guest threads); the answer is written back on the exchange's IO thread when the
 * outcome completes. Functions are loaded once from a {@code wasm/} tree and compiled at start. No chaining.
 */
final class DirectServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DirectServer.class);
  private static final int MAX_INPUT_BYTES = 16 * 1024 * 1024;

  private record Function(String user, String name, String digest, byte[] wasm) {}

  private final FunctionRuntime runtime;
  private final Map<String, Function> functions = new HashMap<>();
  private final Undertow server;

  DirectServer(FunctionRuntime runtime, Path wasmDir, int ioThreads, int workerThreads) throws IOException {
    this.runtime = runtime;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(wasmDir, 3)) {
      files = walk.filter(p -> p.getFileName().toString().equals("function.wasm")).sorted().toList();
    }
    for (Path file : files) {
      Path rel = wasmDir.relativize(file);
      if (rel.getNameCount() != 3) {
        continue;
      }
      byte[] wasm = Files.readAllBytes(file);
      try {
        String digest = runtime.validate(wasm).digest();
        String user = rel.getName(0).toString();
        String name = rel.getName(1).toString();
        functions.put(user + "/" + name, new Function(user, name, digest, wasm));
      } catch (InvalidModuleException e) {
        log.debug("direct server skips {}: {}", rel, e.getMessage());
      }
    }
    this.server =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setIoThreads(ioThreads)
            .setWorkerThreads(workerThreads)
            .setHandler(this::handle)
            .build();
  }

  DirectServer start() {
    server.start();
    log.info("direct server on port {} with {} functions", port(), functions.size());
    return this;
  }

  int port() {
    return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** On an IO thread. */
  private void handle(HttpServerExchange exchange) {
    String[] parts = exchange.getRelativePath().split("/");
    // "/f/<user>/<fn>" or "/f/<user>/<fn>/" -> ["", "f", user, fn]
    if (parts.length != 4 || !parts[1].equals("f")) {
      answer(exchange, 404, "no such route");
      return;
    }
    if (!exchange.getRequestMethod().equals(Methods.POST)) {
      answer(exchange, 405, "POST only");
      return;
    }
    Function function = functions.get(parts[2] + "/" + parts[3]);
    if (function == null) {
      answer(exchange, 404, "no function " + parts[2] + "/" + parts[3]);
      return;
    }
    exchange.setMaxEntitySize(MAX_INPUT_BYTES);
    exchange.getRequestReceiver().receiveFullBytes(
        (ex, input) -> {
          Invocation invocation =
              new Invocation(function.user(), function.name(), function.digest(), function.wasm(), input, -1);
          // dispatch() keeps the exchange open after this callback returns; execute() only queues the call for a
          // guest thread, so running it here on the IO thread (SameThreadExecutor) does not block it.
          ex.dispatch(SameThreadExecutor.INSTANCE, () -> runtime.execute(invocation, NoChains.INSTANCE)
              .whenComplete((outcome, error) -> ex.getIoThread().execute(() -> respond(ex, outcome, error))));
        },
        (ex, error) -> answer(ex, 400, "cannot read the body: " + error.getMessage()));
  }

  private static void respond(HttpServerExchange exchange, CallOutcome outcome, Throwable error) {
    if (error != null) {
      answer(exchange, 500, "runtime error: " + error);
    } else if (outcome.succeeded()) {
      exchange.setStatusCode(200);
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
      exchange.getResponseSender().send(ByteBuffer.wrap(outcome.output()));
    } else {
      answer(exchange, 500, outcome.failure() + ": " + outcome.error());
    }
  }

  private static void answer(HttpServerExchange exchange, int status, String message) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    exchange.getResponseSender().send(message + "\n", UTF_8);
  }

  @Override
  public void close() {
    server.stop();
  }
}
