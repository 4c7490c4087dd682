package dev.faasm.edge;

import dev.faasm.protocol.CallResult;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.time.Duration;

/** The answers to an invocation: its result, its acceptance (async) or the end of the edge's wait (sync). */
final class CallAnswers {
  private CallAnswers() {}

  /** 200 with the raw output on success; 500 with the failure as JSON otherwise. */
  static void result(HttpServerExchange exchange, CallResult r) {
    Responses.callId(exchange, r.callId());
    if (r.succeeded()) {
      Responses.send(exchange, 200, Responses.BINARY, r.output());
      return;
    }
    Json body = Json.object()
        .put("error", failureMessage(r))
        .put("callId", r.callId())
        .put("failure", r.failureKind().isEmpty() ? null : r.failureKind())
        .put("returnCode", CallJson.returnCode(r))
        .put("logs", "/calls/" + r.callId() + "/logs");
    Responses.json(exchange, 500, body);
  }

  static String failureMessage(CallResult r) {
    if (!r.error().isEmpty()) {
      return r.error();
    }
    String kind = r.failureKind().isEmpty() ? "" : " (" + r.failureKind() + ")";
    if (!r.returned()) {
      return "call " + r.callId() + " failed" + kind;
    }
    return "call " + r.callId() + " failed with return code " + r.returnCode() + kind;
  }

  /** 202: the call is durably queued; where to follow it. */
  static void accepted(HttpServerExchange exchange, String callId) {
    Responses.callId(exchange, callId);
    exchange.getResponseHeaders().put(Headers.LOCATION, "/calls/" + callId);
    Responses.json(exchange, 202, Responses.callLinks(Json.object().put("callId", callId), callId));
  }

  /** 504: the edge stopped waiting; the call continues (see {@link SyncCall}). */
  static void timeout(HttpServerExchange exchange, String callId, Duration waited) {
    Responses.callId(exchange, callId);
    exchange.getResponseHeaders().put(Headers.LOCATION, "/calls/" + callId);
    Json body = Json.object()
        .put("error", "call " + callId + " did not finish within " + seconds(waited) + " s; it continues to run")
        .put("callId", callId);
    Responses.json(exchange, 504, Responses.callLinks(body, callId));
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? Long.toString(ms / 1000) : Double.toString(ms / 1000.0);
  }
}
