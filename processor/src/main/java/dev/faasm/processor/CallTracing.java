package dev.faasm.processor;

import dev.faasm.protocol.Call;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A span per call run on a processor, child of the span that made the call (named by the call's {@code traceparent}:
 * the edge's, or the calling call's), so a chain of calls is one trace; its start is the call's submission, so the
 * Kafka hop to this processor shows as the time before the guest starts.
 */
final class CallTracing {
  private static final TextMapGetter<String> TRACEPARENT =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
          return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
          return "traceparent".equals(key) && carrier != null && !carrier.isEmpty() ? carrier : null;
        }
      };

  private final Tracer tracer;

  CallTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  Span start(Call call) {
    Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), call.traceParent(), TRACEPARENT);
    return tracer.spanBuilder("run " + call.qualifiedName())
        .setParent(parent)
        .setSpanKind(SpanKind.CONSUMER)
        .setStartTimestamp(Math.max(1, call.submittedAtMillis()), TimeUnit.MILLISECONDS)
        .setAttribute("faas.invocation_id", call.callId())
        .setAttribute("faas.name", call.function())
        .setAttribute("faasm.user", call.user())
        .setAttribute("faasm.chain_depth", call.depth())
        .setAttribute("messaging.system", "kafka")
        .startSpan();
  }

  static void end(Span span, boolean succeeded, String failure) {
    if (!succeeded) {
      span.setStatus(StatusCode.ERROR, failure);
    }
    span.end();
  }

  /** The W3C {@code traceparent} naming this span, for the calls it makes; empty for a span that records nothing. */
  static String traceParent(Span span) {
    java.util.Map<String, String> carrier = new java.util.HashMap<>(2);
    W3CTraceContextPropagator.getInstance()
        .inject(Context.root().with(span), carrier, (map, key, value) -> map.put(key, value));
    return carrier.getOrDefault("traceparent", "");
  }

}
