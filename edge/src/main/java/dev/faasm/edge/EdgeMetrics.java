package dev.faasm.edge;

import dev.faasm.metrics.PlatformMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The edge's metrics: requests by route, method and status ({@code http.server.requests}); invocations by function,
 * mode and outcome ({@code faasm.edge.invocations}: accepted, succeeded, failed, timeout = the 504 of a synchronous
 * call, rejected); how long synchronous callers waited ({@code faasm.edge.sync_wait}); callers waiting now; uploads
 * and their validation time. Recorded when an exchange completes, off the request's path.
 */
final class EdgeMetrics {
  /** What the router learned of a request, for its metrics. */
  record Route(String name, String user, String function) {
    static Route of(String name) {
      return new Route(name, null, null);
    }
  }

  static final AttachmentKey<Route> ROUTE = AttachmentKey.create(Route.class);

  private final PlatformMetrics metrics;
  private final Timer validation;

  EdgeMetrics(PlatformMetrics metrics, Supplier<Number> waitingCalls) {
    this.metrics = metrics;
    this.validation =
        metrics.timer("faasm.edge.upload.validation", "validating and compiling an uploaded module", Tags.empty());
    io.micrometer.core.instrument.Gauge.builder("faasm.edge.calls.waiting", waitingCalls, s -> s.get().doubleValue())
        .description("synchronous callers waiting for their result")
        .register(metrics.registry());
  }

  PlatformMetrics platform() {
    return metrics;
  }

  Timer validation() {
    return validation;
  }

  /** Wraps the edge's handler: every exchange is timed and counted when it completes. */
  HttpHandler wrap(HttpHandler next) {
    return exchange -> {
      long start = System.nanoTime();
      exchange.addExchangeCompleteListener((ex, nextListener) -> {
        try {
          record(ex, System.nanoTime() - start);
        } finally {
          nextListener.proceed();
        }
      });
      next.handleRequest(exchange);
    };
  }

  /** One line per request at INFO (off unless asked for: {@code faasm dev --access-log}). */
  private static final org.slf4j.Logger access = org.slf4j.LoggerFactory.getLogger("faasm.access");

  private static void logAccess(HttpServerExchange exchange, long nanos) {
    if (!access.isInfoEnabled()) {
      return;
    }
    String callId = exchange.getResponseHeaders().getFirst("X-Faasm-Call-Id");
    String traceId = exchange.getResponseHeaders().getFirst(InvokeTracing.TRACE_ID_HEADER);
    Route route = exchange.getAttachment(ROUTE);
    try {
      if (callId != null) {
        org.slf4j.MDC.put("callId", callId);
      }
      if (traceId != null) {
        org.slf4j.MDC.put("traceId", traceId);
      }
      if (route != null && route.function() != null) {
        org.slf4j.MDC.put("user", route.user());
        org.slf4j.MDC.put("function", route.function());
      }
      access.info("{} {} {} {} ms{}", exchange.getRequestMethod(), exchange.getRequestPath(),
          exchange.getStatusCode(), String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6),
          callId == null ? "" : " call " + callId);
    } finally {
      org.slf4j.MDC.clear();
    }
  }

  private void record(HttpServerExchange exchange, long nanos) {
    logAccess(exchange, nanos);
    Route route = exchange.getAttachment(ROUTE);
    String name = route == null ? "unknown" : route.name();
    int status = exchange.getStatusCode();
    metrics.timer("http.server.requests", "HTTP requests by route, method and status",
            Tags.of("route", name, "method", exchange.getRequestMethod().toString(), "status",
                Integer.toString(status)))
        .record(nanos, TimeUnit.NANOSECONDS);
    if (route == null || route.function() == null) {
      return;
    }
    String function = metrics.function(route.user(), route.function());
    if (name.equals("invoke") || name.equals("invoke_async")) {
      String mode = name.equals("invoke") ? "sync" : "async";
      metrics.counter("faasm.edge.invocations", "function", function, "mode", mode, "outcome", outcome(status))
          .increment();
      if (mode.equals("sync")) {
        metrics.timer("faasm.edge.sync_wait", "how long a synchronous caller waited for its answer",
                Tags.of("function", function))
            .record(nanos, TimeUnit.NANOSECONDS);
      }
    } else if (name.equals("upload")) {
      metrics.counter("faasm.edge.uploads", "outcome", status < 300 ? "stored" : status < 500 ? "rejected" : "failed")
          .increment();
    }
  }

  private static String outcome(int status) {
    return switch (status) {
      case 200 -> "succeeded";
      case 202 -> "accepted";
      case 500 -> "failed";
      case 504 -> "timeout";
      default -> status >= 500 ? "unavailable" : "rejected";
    };
  }
}
