package dev.llmstream.telemetry;

import dev.llmstream.config.TelemetrySettings;
import dev.llmstream.engine.InferenceEngine;
import dev.llmstream.frontend.RequestObserver;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;

/**
 * llmstream's telemetry, assembled: Prometheus metrics (Micrometer), OpenTelemetry request and
 * engine-step spans, and the JSON access log. {@code serve} creates one, gives the server its
 * {@link #observer()} and {@link #scrape} (as {@code GET /metrics}), {@link #attach}es the engine once
 * it runs, and {@link #close}s it after the drain so the last spans are exported.
 *
 * <p>Failures of telemetry never reach serving: the SDK exports on its own thread and drops what it
 * cannot send; observer hooks are wrapped by the server; a bad {@code OTEL_*} value turns tracing off
 * with a warning instead of stopping the server.
 */
public final class Telemetry implements AutoCloseable {
    private final TelemetrySettings settings;
    private final PrometheusMetrics metrics;
    private final Tracing tracing;
    private final NanoClock clock = new NanoClock();
    private final RequestMetricsRecorder recorder;
    private final RequestTelemetry observer;

    private Telemetry(TelemetrySettings settings, Tracing tracing, Consumer<String> accessSink) {
        this.settings = settings;
        this.tracing = tracing;
        this.metrics = new PrometheusMetrics(settings.metrics());
        this.recorder = new RequestMetricsRecorder(metrics.registry());
        this.observer = new RequestTelemetry(recorder,
                tracing.enabled() ? new RequestSpans(tracing.tracer(), clock) : null,
                settings.accessLog() ? new AccessLog(settings.logPrompts(), accessSink) : null);
    }

    /**
     * For {@code serve}: tracing configured by the process's {@code OTEL_*} variables and {@code otel.*}
     * properties, {@code logging-otlp} lines and the access log on stdout.
     */
    public static Telemetry create(TelemetrySettings settings) {
        var access = LoggerFactory.getLogger(TelemetryNames.ACCESS_LOGGER);
        return create(settings, Map.of(), System.out, access::info);
    }

    /**
     * @param otelDefaults {@code otel.*} properties under the environment and system properties (tests
     *                     point the exporter at an in-test receiver with these)
     * @param jsonLines    where {@code OTEL_TRACES_EXPORTER=logging-otlp} writes OTLP JSON lines
     * @param accessSink   receives each access-log line; must not block
     */
    public static Telemetry create(TelemetrySettings settings, Map<String, String> otelDefaults, PrintStream jsonLines,
                                   Consumer<String> accessSink) {
        return create(settings, Tracing.systemLookup(), otelDefaults, jsonLines, accessSink);
    }

    static Telemetry create(TelemetrySettings settings, UnaryOperator<String> otelLookup, Map<String, String> otelDefaults,
                            PrintStream jsonLines, Consumer<String> accessSink) {
        return new Telemetry(settings, Tracing.create(settings.tracing(), otelLookup, otelDefaults, jsonLines),
                accessSink);
    }

    /** The request observer to install in the server. */
    public RequestObserver observer() {
        return observer;
    }

    /**
     * Starts measuring {@code engine} (serving {@code model}): engine gauges and counters, vLLM-named
     * gateway gauges, step histograms and sampled step spans. Call once, when the engine runs.
     */
    public void attach(InferenceEngine engine, String model) {
        recorder.servedModel(model);
        if (settings.metrics()) {
            MeterRegistry r = metrics.registry();
            EngineMetrics engineMetrics = new EngineMetrics(r, engine, model);
            metrics.register(new GatewayCollector(engine, model));
            engine.addObserver(engineMetrics);
        }
        if (tracing.enabled() && settings.stepSpanInterval() > 0) {
            engine.addObserver(new StepSpans(tracing.tracer(), clock, settings.stepSpanInterval(),
                    observer::tracedSpan, observer::anyTraced));
        }
    }

    /** Whether {@code GET /metrics} should be served. */
    public boolean metricsEnabled() {
        return settings.metrics();
    }

    public boolean tracingEnabled() {
        return tracing.enabled();
    }

    /** The Prometheus exposition ({@code GET /metrics}); returns the content type. Not for event loops. */
    public String scrape(String accept, OutputStream out) throws IOException {
        return metrics.scrape(accept, out);
    }

    /** Exports the spans buffered so far (tests). */
    public void flushTraces() {
        tracing.flush(10, TimeUnit.SECONDS);
    }

    /** Exports the last spans (bounded wait) and releases the meters. */
    @Override
    public void close() {
        tracing.close();
        metrics.close();
    }
}
