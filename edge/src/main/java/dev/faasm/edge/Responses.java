package dev.faasm.edge;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;

/** Writes complete answers. Call from the exchange's IO thread, or from a handler the exchange is dispatched to. */
final class Responses {
  static final HttpString CALL_ID = HttpString.tryFromString("X-Faasm-Call-Id");
  static final String JSON = "application/json";
  static final String BINARY = "application/octet-stream";
  static final String TEXT = "text/plain; charset=utf-8";

  private Responses() {}

  static void json(HttpServerExchange exchange, int status, Json body) {
    send(exchange, status, JSON, body.toBytes());
  }

  static void jsonText(HttpServerExchange exchange, int status, String body) {
    send(exchange, status, JSON, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  static void send(HttpServerExchange exchange, int status, String contentType, byte[] body) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  static void empty(HttpServerExchange exchange, int status) {
    exchange.setStatusCode(status);
    exchange.endExchange();
  }

  /** Marks every later answer on this exchange, errors included, with the call's id. */
  static void callId(HttpServerExchange exchange, String callId) {
    exchange.getResponseHeaders().put(CALL_ID, callId);
  }

  /** Links to a call's status, output and logs, as in a 202 or 504 answer. */
  static Json callLinks(Json body, String callId) {
    return body
        .put("status", "/calls/" + callId)
        .put("output", "/calls/" + callId + "/output")
        .put("logs", "/calls/" + callId + "/logs");
  }
}
