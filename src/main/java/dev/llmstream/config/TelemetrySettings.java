package dev.llmstream.config;

import java.util.Locale;

/**
 * Telemetry of {@code serve}; see {@link ConfigSchema} for each key and docs/observability.md for
 * what is exported. Tracing itself is configured by the standard {@code OTEL_*} variables; these
 * keys only decide whether it runs at all and what llmstream adds around it.
 *
 * @param metrics          serve Prometheus metrics at {@code GET /metrics}
 * @param tracing          whether the OpenTelemetry SDK exports spans
 * @param stepSpanInterval one engine-step span per this many steps that serve a traced request (0: none)
 * @param accessLog        one JSON line per request on stdout
 * @param logPrompts       put the prompt (messages or prompt text) into the access log line
 */
public record TelemetrySettings(boolean metrics, Tracing tracing, int stepSpanInterval, boolean accessLog,
                                boolean logPrompts) {

    /** {@code telemetry.tracing}. */
    public enum Tracing {
        /** On when an exporter or OTLP endpoint is configured ({@code OTEL_TRACES_EXPORTER}, {@code OTEL_EXPORTER_OTLP_*ENDPOINT}). */
        AUTO,
        /** Always on (OTLP to the autoconfigure default, localhost:4317, unless configured). */
        ON,
        /** No SDK, no spans. */
        OFF;

        static Tracing parse(String s, String source) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("telemetry.tracing", "expected auto, on or off, got '" + s + "' (from "
                        + source + ")");
            }
        }
    }

    /** Everything on except prompt logging; tracing as configured by {@code OTEL_*}. */
    public static TelemetrySettings defaults() {
        return ConfigLoader.defaults().telemetry();
    }

    public TelemetrySettings withTracing(Tracing t) {
        return new TelemetrySettings(metrics, t, stepSpanInterval, accessLog, logPrompts);
    }

    public TelemetrySettings withStepSpanInterval(int every) {
        return new TelemetrySettings(metrics, tracing, every, accessLog, logPrompts);
    }

    public TelemetrySettings withAccessLog(boolean on, boolean prompts) {
        return new TelemetrySettings(metrics, tracing, stepSpanInterval, on, prompts);
    }
}
