package dev.faasm.edge;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import java.util.ArrayList;
import java.util.List;

/**
 * An invocation's span at the edge: the child of a W3C {@code traceparent} the caller sent (or a new trace), ended
 * when the answer is sent. Its {@code traceparent} goes into the call record, so the processor's span and every
 * chained call join the same trace; the answer carries the trace id in {@value #TRACE_ID_HEADER}.
 */
final class InvokeTracing {
  static final String TRACE_ID_HEADER = "X-Faasm-Trace-Id";

  private static final TextMapGetter<HttpServerExchange> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServerExchange exchange) {
          List<String> keys = new ArrayList<>();
          exchange.getRequestHeaders().getHeaderNames().forEach(h -> keys.add(h.toString()));
          return keys;
        }

        @Override
        public String get(HttpServerExchange exchange, String key) {
          HeaderValues values = exchange == null ? null : exchange.getRequestHeaders().get(key);
          return values == null ? null : values.getFirst();
        }
      };

  private final Tracer tracer;

  InvokeTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  /** Starts the invocation's span, sets the trace id header and ends the span with the exchange. */
  Span start(HttpServerExchange exchange, Target.Function target) {
    Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), exchange, HEADERS);
    Span span =
        tracer.spanBuilder((target.async() ? "POST /fa/" : "POST /f/") + target.qualifiedName())
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("faas.name", target.function())
            .setAttribute("faasm.user", target.user())
            .setAttribute("faas.trigger", "http")
            .startSpan();
    SpanContext context = span.getSpanContext();
    if (context.isValid()) {
      exchange.getResponseHeaders().put(HttpString.tryFromString(TRACE_ID_HEADER), context.getTraceId());
    }
    exchange.addExchangeCompleteListener((ex, next) -> {
      try {
        span.setAttribute("http.response.status_code", ex.getStatusCode());
        if (ex.getStatusCode() >= 500) {
          span.setStatus(StatusCode.ERROR);
        }
        span.end();
      } finally {
        next.proceed();
      }
    });
    return span;
  }

  static String traceParent(Span span) {
    java.util.Map<String, String> carrier = new java.util.HashMap<>(2);
    W3CTraceContextPropagator.getInstance()
        .inject(Context.root().with(span), carrier, (map, key, value) -> map.put(key, value));
    return carrier.getOrDefault("traceparent", "");
  }

}
