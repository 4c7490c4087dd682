package dev.faasm.cli;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;

/**
 * The process's OpenTelemetry, configured by the standard {@code OTEL_*} environment variables (and {@code otel.*}
 * system properties). Export is off unless asked for: with nothing set, spans are made (so answers carry trace ids and
 * traces propagate) but go nowhere; {@code OTEL_TRACES_EXPORTER=otlp} with {@code OTEL_EXPORTER_OTLP_ENDPOINT} sends
 * them over OTLP. Metrics and logs are never exported through OpenTelemetry (metrics are on {@code /metrics}).
 */
final class Telemetry {
  private Telemetry() {}

  static OpenTelemetry fromEnvironment(String serviceName) {
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(
            () ->
                Map.of(
                    "otel.traces.exporter", "none",
                    "otel.metrics.exporter", "none",
                    "otel.logs.exporter", "none",
                    "otel.service.name", serviceName))
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
  }
}
