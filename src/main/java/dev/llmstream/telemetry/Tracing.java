package dev.llmstream.telemetry;

import dev.llmstream.config.TelemetrySettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK, built by autoconfigure from the standard {@code OTEL_*} environment variables
 * and {@code otel.*} system properties (exporter {@code otlp} over {@code grpc} or {@code http/protobuf},
 * {@code logging-otlp}, {@code experimental-otlp/stdout}; sampler; resource), or off.
 *
 * <p>Off unless configured: autoconfigure would otherwise export to localhost:4317 and log a failure
 * every few seconds on a machine without a collector. With {@code telemetry.tracing: auto} the SDK
 * starts only when {@code otel.traces.exporter} or an OTLP endpoint is set. Only traces are ours to
 * export here (metrics go to Prometheus through Micrometer, logs to stdout), so the OTel metric and
 * log exporters default to {@code none}. Exports run on the SDK's batch thread with a bounded queue
 * (spans are dropped when it is full): an unreachable collector never slows or fails a request.
 */
final class Tracing implements AutoCloseable {
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(Tracing.class);
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    /** The JUL logger {@code logging-otlp} writes to (held strongly: JUL forgets unreferenced loggers' handlers). */
    private static final Logger OTLP_JSON_LOGGER =
            Logger.getLogger("io.opentelemetry.exporter.logging.otlp.OtlpJsonLoggingSpanExporter");

    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;

    private Tracing(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
        this.tracer = sdk == null ? null : sdk.getTracer(TelemetryNames.SCOPE);
    }

    /** No SDK: {@link #enabled()} is false and nothing is ever exported. */
    static Tracing off() {
        return new Tracing(null);
    }

    /**
     * @param mode      {@code telemetry.tracing}
     * @param lookup    OTel property by its {@code otel.*} name, resolved as autoconfigure does (system
     *                  property, then the {@code OTEL_*} variable), for the "is anything configured" test
     * @param defaults  {@code otel.*} properties below the environment and system properties (tests
     *                  point the exporter at their receiver with these)
     * @param jsonLines where {@code logging-otlp} writes its OTLP JSON lines (stdout in production)
     */
    static Tracing create(TelemetrySettings.Tracing mode, UnaryOperator<String> lookup, Map<String, String> defaults,
                          PrintStream jsonLines) {
        UnaryOperator<String> all = key -> {
            String v = lookup.apply(key);
            return v != null ? v : defaults.get(key);
        };
        boolean on = switch (mode) {
            case OFF -> false;
            case ON -> true;
            case AUTO -> configured(all);
        };
        if (!on || "true".equalsIgnoreCase(all.apply("otel.sdk.disabled"))) {
            return off();
        }
        Map<String, String> props = new HashMap<>();
        props.put("otel.metrics.exporter", "none");
        props.put("otel.logs.exporter", "none");
        props.putAll(defaults);
        routeJsonLines(jsonLines);
        try {
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> props)
                    .addResourceCustomizer(Tracing::serviceName)
                    .disableShutdownHook() // closed by serve's shutdown, after the drain, so the last spans leave
                    .build()
                    .getOpenTelemetrySdk();
            LOG.info("tracing on: exporter {}, sampler {}", valueOr(all.apply("otel.traces.exporter"), "otlp"),
                    valueOr(all.apply("otel.traces.sampler"), "parentbased_always_on"));
            return new Tracing(sdk);
        } catch (RuntimeException e) {
            // a bad OTEL_* value must not stop serving: run without spans and say why
            LOG.warn("tracing off: the OpenTelemetry configuration was rejected: {}", e.getMessage());
            return off();
        }
    }

    /** Lookup of {@code otel.x.y} as a system property, then as the variable {@code OTEL_X_Y}. */
    static UnaryOperator<String> systemLookup() {
        return key -> {
            String v = System.getProperty(key);
            if (v == null) {
                v = System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
            }
            return v == null || v.isBlank() ? null : v;
        };
    }

    private static boolean configured(UnaryOperator<String> p) {
        String exporter = p.apply("otel.traces.exporter");
        if (exporter != null) {
            return !exporter.trim().equalsIgnoreCase("none");
        }
        return p.apply("otel.exporter.otlp.endpoint") != null || p.apply("otel.exporter.otlp.traces.endpoint") != null;
    }

    /** {@code service.name=llmstream} unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES named one. */
    private static Resource serviceName(Resource r, Object config) {
        String name = r.getAttribute(SERVICE_NAME);
        if (name == null || name.startsWith("unknown_service")) {
            return r.merge(Resource.create(io.opentelemetry.api.common.Attributes.of(SERVICE_NAME,
                    TelemetryNames.SERVICE_NAME)));
        }
        return r;
    }

    /**
     * {@code logging-otlp} logs each batch through java.util.logging, whose default handler prints a
     * two-line record on stderr; operators want one OTLP JSON object per line on stdout, next to the
     * access log.
     */
    private static void routeJsonLines(PrintStream out) {
        synchronized (OTLP_JSON_LOGGER) {
            for (var h : OTLP_JSON_LOGGER.getHandlers()) {
                OTLP_JSON_LOGGER.removeHandler(h);
            }
            StreamHandler h = new StreamHandler(out, new Formatter() {
                @Override
                public String format(LogRecord rec) {
                    return rec.getMessage() + System.lineSeparator();
                }
            }) {
                @Override
                public synchronized void publish(LogRecord rec) {
                    super.publish(rec);
                    flush();
                }
            };
            h.setLevel(Level.ALL);
            OTLP_JSON_LOGGER.addHandler(h);
            OTLP_JSON_LOGGER.setUseParentHandlers(false);
        }
    }

    private static String valueOr(String v, String d) {
        return v == null ? d : v;
    }

    boolean enabled() {
        return sdk != null;
    }

    /** Our tracer; only when {@link #enabled()}. */
    Tracer tracer() {
        return tracer;
    }

    /** Exports what is buffered now (tests; shutdown does it too). */
    void flush(long timeout, TimeUnit unit) {
        if (sdk != null) {
            sdk.getSdkTracerProvider().forceFlush().join(timeout, unit);
        }
    }

    /** Flushes and stops the exporter (bounded wait: a dead collector must not hold up the exit). */
    @Override
    public void close() {
        if (sdk != null) {
            CompletableResultCode done = sdk.shutdown();
            done.join(5, TimeUnit.SECONDS);
        }
    }
}
