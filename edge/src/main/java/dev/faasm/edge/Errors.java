package dev.faasm.edge;

import dev.faasm.resultstore.ResultStoreException;
import dev.faasm.resultstore.ResultStoreUnavailableException;
import dev.faasm.runtime.InvalidModuleException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become HTTP answers, all in the JSON shape {@code {"error": "<message>", ...}}. Used
 * by the Undertow exception handler for synchronous failures and by every asynchronous completion.
 */
final class Errors {
  private static final Logger log = LoggerFactory.getLogger(Errors.class);

  private Errors() {}

  /** Maps any failure to the error the client sees; unexpected ones are logged and become a generic 500. */
  static EdgeException map(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof EdgeException e) {
      return e;
    }
    if (t instanceof InvalidModuleException e) {
      return new EdgeException(400, "invalid module: " + e.getMessage(), e);
    }
    if (t instanceof ResultStoreUnavailableException e) {
      log.debug("result store unavailable", e); // the store itself warns once per outage
      return new EdgeException(503, "result store unavailable: " + e.getMessage(), e);
    }
    if (t instanceof ResultStoreException e) {
      log.error("result store failed", e);
      return new EdgeException(500, "result store error: " + e.getMessage(), e);
    }
    if (Bodies.tooBig(t)) {
      return new EdgeException(413, "request body exceeds the limit", t);
    }
    log.error("request failed", t);
    return new EdgeException(500, "internal error: " + t.getClass().getSimpleName(), t);
  }

  /** Answers the exchange with the mapped error, unless an answer was already started. */
  static void send(HttpServerExchange exchange, Throwable failure) {
    EdgeException e = map(failure);
    if (exchange.isResponseStarted()) {
      log.warn("cannot report error on {} {}: answer already started", exchange.getRequestMethod(),
          exchange.getRequestPath(), failure);
      exchange.endExchange();
      return;
    }
    Json body = Json.object().put("error", e.getMessage());
    e.fields().forEach(body::put);
    for (Map.Entry<String, String> h : e.headers().entrySet()) {
      exchange.getResponseHeaders().put(HttpString.tryFromString(h.getKey()), h.getValue());
    }
    if (e.status() >= 500) {
      log.debug("{} {} -> {}: {}", exchange.getRequestMethod(), exchange.getRequestPath(), e.status(), e.getMessage());
    }
    Responses.json(exchange, e.status(), body);
  }

  static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof CompletionException || cur instanceof ExecutionException) && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }
}
