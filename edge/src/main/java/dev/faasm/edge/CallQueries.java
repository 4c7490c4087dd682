package dev.faasm.edge;

import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.CallStatus;
import dev.faasm.resultstore.ResultStore;
import io.undertow.server.HttpServerExchange;
import java.util.Optional;

/**
 * {@code GET /calls/<id>} (the call as JSON, see {@link CallJson}), {@code GET /calls/<id>/output} (the raw output)
 * and {@code GET /calls/<id>/logs} (captured stdout and stderr as text). Unknown calls are 404; output and logs of a
 * call that has not finished are 409. The Redis look-ups run on a worker thread. While the result store is being
 * rebuilt from the results topic (after Redis lost its data) a miss is 503 with {@code Retry-After}, not a false 404.
 * A call is answered only to its owner (or an admin); anyone else gets the same 404 as for an unknown call.
 */
final class CallQueries {
  private final ResultStore store;

  CallQueries(ResultStore store) {
    this.store = store;
  }

  void get(HttpServerExchange exchange, Target.CallInfo target, Tenants.Caller caller) {
    Responses.callId(exchange, target.callId());
    Dispatch.toWorker(exchange, () -> {
      Runnable write = look(exchange, target, caller);
      Dispatch.toIoThread(exchange, write);
    });
  }

  /** Blocking (Redis): finds the call and returns how to answer. */
  private Runnable look(HttpServerExchange exchange, Target.CallInfo target, Tenants.Caller caller) {
    String id = target.callId();
    Optional<CallResult> result = store.result(id);
    if (result.isPresent() && !caller.mayActFor(result.get().user())) {
      throw notFound(id);
    }
    if (result.isPresent()) {
      CallResult r = result.get();
      return () -> {
        switch (target.part()) {
          case STATUS -> Responses.json(exchange, 200, CallJson.of(r));
          case OUTPUT -> Responses.send(exchange, 200, Responses.BINARY, r.output());
          case LOGS -> Responses.send(exchange, 200, Responses.TEXT, r.logs());
        }
      };
    }
    Optional<CallStatus> status = store.status(id);
    if (status.isEmpty()) {
      if (!store.complete()) {
        // Redis lost its data and is being refilled from the results topic: the answer may be on its way back.
        throw new EdgeException(503, "the result store is being rebuilt from the results topic; retry shortly")
            .with("callId", id)
            .header("Retry-After", "1");
      }
      throw notFound(id);
    }
    if (!caller.mayActFor(status.get().user())) {
      throw notFound(id);
    }
    if (target.part() == Target.CallInfo.Part.STATUS) {
      return () -> Responses.json(exchange, 200, CallJson.of(status.get()));
    }
    String state = status.get().state().wireName();
    throw EdgeException.conflict("call " + id + " has not finished (status " + state + ")")
        .with("callId", id)
        .with("status", state);
  }

  private static EdgeException notFound(String id) {
    return EdgeException.notFound("call " + id + " not found").with("callId", id);
  }
}
