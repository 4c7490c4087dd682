package dev.faasm.edge;

import io.undertow.server.HttpServerExchange;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Moving an exchange's work between threads: blocking work to Undertow's worker pool, answers back to the exchange's
 * IO thread. A failure anywhere is answered through {@link Errors}, so no exchange is left hanging.
 */
final class Dispatch {
  @FunctionalInterface
  interface Task {
    void run() throws Exception;
  }

  private Dispatch() {}

  /** Where blocking work runs: Undertow's worker pool. */
  static Executor worker(HttpServerExchange exchange) {
    return exchange.getConnection().getWorker();
  }

  /**
   * From a handler call: runs {@code task} on a worker once the handler returned. The exchange stays open until the
   * task (or something it started) answers it.
   */
  static void toWorker(HttpServerExchange exchange, Task task) {
    exchange.dispatch(worker(exchange), () -> {
      try {
        task.run();
      } catch (Exception e) {
        toIoThread(exchange, () -> Errors.send(exchange, e));
      }
    });
  }

  /** Runs blocking work on a worker outside any handler call (e.g. from a Kafka callback). */
  static void onWorker(HttpServerExchange exchange, Task task) {
    try {
      worker(exchange).execute(() -> {
        try {
          task.run();
        } catch (Exception e) {
          toIoThread(exchange, () -> Errors.send(exchange, e));
        }
      });
    } catch (RejectedExecutionException e) {
      toIoThread(exchange, () -> Errors.send(exchange, EdgeException.unavailable("edge is shutting down", e)));
    }
  }

  /** Writes an answer on the exchange's IO thread. */
  static void toIoThread(HttpServerExchange exchange, Runnable write) {
    exchange.getIoThread().execute(() -> {
      try {
        write.run();
      } catch (RuntimeException e) {
        Errors.send(exchange, e);
      }
    });
  }
}
