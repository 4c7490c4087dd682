package dev.faasm.edge;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * Bounds the time a client may take to send a request body: when the body is not complete {@code timeout} after the
 * request arrived, the edge answers 408 (or, when an answer was already started, closes the connection). A body
 * trickled a byte at a time therefore holds a connection and its buffers for at most that long. Requests without a
 * body, and requests whose body has arrived (a synchronous call waiting for its result), are never cut. The timer
 * runs on the exchange's IO thread and is cancelled when the exchange completes.
 */
final class BodyDeadline implements HttpHandler {
  private final Duration timeout;
  private final HttpHandler next;

  BodyDeadline(Duration timeout, HttpHandler next) {
    this.timeout = timeout;
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (hasBody(exchange) && !exchange.isRequestComplete()) {
      XnioExecutor.Key key =
          exchange.getIoThread().executeAfter(() -> expire(exchange), timeout.toMillis(), TimeUnit.MILLISECONDS);
      exchange.addExchangeCompleteListener((ex, nextListener) -> {
        key.remove();
        nextListener.proceed();
      });
    }
    next.handleRequest(exchange);
  }

  private void expire(HttpServerExchange exchange) {
    if (exchange.isRequestComplete() || exchange.isComplete()) {
      return;
    }
    exchange.setPersistent(false);
    if (exchange.isResponseStarted()) {
      IoUtils.safeClose(exchange.getConnection()); // the client gets no more of this answer
      return;
    }
    Errors.send(exchange, new EdgeException(408,
        "request body not received within " + timeout.toSeconds() + " s").with("timeoutSeconds", timeout.toSeconds()));
  }

  private static boolean hasBody(HttpServerExchange exchange) {
    return exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING) || exchange.getRequestContentLength() > 0;
  }
}
