package dev.faasm.edge;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;

/**
 * Answers 431 when the request line and headers together exceed the edge's cap ({@link EdgeLimits#maxHeaderBytes()}),
 * before any route runs. The size counted is what the client sent: method, target and protocol, and each header line
 * with its separators.
 */
final class HeaderLimit implements HttpHandler {
  private final int maxBytes;
  private final HttpHandler next;

  HeaderLimit(int maxBytes, HttpHandler next) {
    this.maxBytes = maxBytes;
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    long size = size(exchange);
    if (size > maxBytes) {
      exchange.setPersistent(false);
      throw new EdgeException(431, "request headers of " + size + " bytes exceed the limit of " + maxBytes + " bytes")
          .with("limitBytes", maxBytes);
    }
    next.handleRequest(exchange);
  }

  static long size(HttpServerExchange exchange) {
    long size = exchange.getRequestMethod().length() + 1L + exchange.getRequestURI().length()
        + exchange.getQueryString().length() + 1 + exchange.getProtocol().length() + 2;
    for (HeaderValues values : exchange.getRequestHeaders()) {
      for (String value : values) {
        size += values.getHeaderName().length() + 2L + value.length() + 2;
      }
    }
    return size + 2;
  }
}
