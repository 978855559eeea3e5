package dev.llmstream.telemetry;

import static dev.llmstream.telemetry.TelemetryNames.*;

import dev.llmstream.frontend.RequestInfo;
import dev.llmstream.frontend.RequestObserver;
import dev.llmstream.frontend.StreamSummary;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's request observer: keeps each request's telemetry state from arrival to its end and
 * hands every lifecycle event to the metrics recorder, the request span and the access log.
 *
 * <p>Hooks run on the request's event loop (one request's hooks never run concurrently); the state
 * map is concurrent because requests live on different loops and the engine thread reads span
 * contexts for step-span links. Nothing here blocks or does I/O: spans buffer in memory and the
 * access log line goes to a non-blocking sink.
 */
final class RequestTelemetry implements RequestObserver {

    /** One request in flight. */
    private static final class State {
        final Span span;
        final SpanContext traced; // the span's context if it is sampled (step-span links), else null
        long firstSentNanos;

        State(Span span) {
            this.span = span;
            SpanContext c = span == null ? null : span.getSpanContext();
            this.traced = c != null && c.isSampled() ? c : null;
        }

        SpanContext context() {
            return span == null ? null : span.getSpanContext();
        }
    }

    private final RequestMetricsRecorder metrics;
    private final RequestSpans spans; // null: tracing off
    private final AccessLog access; // null: access log off
    private final ConcurrentHashMap<String, State> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger traced = new AtomicInteger();

    RequestTelemetry(RequestMetricsRecorder metrics, RequestSpans spans, AccessLog access) {
        this.metrics = metrics;
        this.spans = spans;
        this.access = access;
    }

    @Override
    public void onArrival(RequestInfo info) {
        metrics.arrived();
        State s = new State(spans == null ? null : spans.start(info));
        if (s.traced != null) {
            traced.incrementAndGet();
        }
        inFlight.put(info.requestId(), s);
    }

    @Override
    public void onAdmitted(RequestInfo info, int promptTokens) {
        State s = inFlight.get(info.requestId());
        if (s != null && s.span != null) {
            spans.queued(s.span, promptTokens, System.nanoTime());
        }
    }

    @Override
    public void onFirstToken(RequestInfo info, long nanos) {
        State s = inFlight.get(info.requestId());
        if (s != null) {
            s.firstSentNanos = nanos;
        }
    }

    @Override
    public void onTokens(RequestInfo info, int tokens, long gapNanos) {
        if (tokens > 0) {
            metrics.tokens(info, tokens, gapNanos);
        }
    }

    @Override
    public void onBackpressure(RequestInfo info) {
        State s = inFlight.get(info.requestId());
        if (s != null && s.span != null) {
            spans.backpressure(s.span, System.nanoTime());
        }
    }

    @Override
    public void onFinish(RequestInfo info, StreamSummary summary) {
        long end = System.nanoTime();
        State s = end(info);
        metrics.succeeded(info, summary, end - info.arrivalNanos());
        if (s.span != null) {
            spans.finished(s.span, info, summary, end);
        }
        if (access != null) {
            access.success(info, summary, end, s.context());
        }
    }

    @Override
    public void onRejected(RequestInfo info, int status, String errorType) {
        long end = System.nanoTime();
        State s = inFlight.containsKey(info.requestId()) ? end(info)
                : new State(spans == null ? null : spans.start(info)); // refused before onArrival (bad body)
        metrics.failed(info, OUTCOME_REJECTED, errorType, end - info.arrivalNanos());
        if (s.span != null) {
            spans.rejected(s.span, status, errorType, end);
        }
        if (access != null) {
            access.failure(info, OUTCOME_REJECTED, errorType, status, 0, end, s.context());
        }
    }

    @Override
    public void onError(RequestInfo info, String errorType, String message) {
        long end = System.nanoTime();
        State s = end(info);
        boolean cancelled = !"server_error".equals(errorType); // client_closed, timeout, shutdown: we stopped it
        String outcome = "client_closed".equals(errorType) ? OUTCOME_CANCELLED : OUTCOME_ERROR;
        metrics.failed(info, outcome, errorType, end - info.arrivalNanos());
        if (s.span != null) {
            spans.failed(s.span, info, cancelled, errorType, message, s.firstSentNanos, end);
        }
        if (access != null) {
            access.failure(info, outcome, errorType, status(info, errorType), s.firstSentNanos, end, s.context());
        }
    }

    /** The HTTP status the client got, where this side knows it (a started stream was a 200). */
    private static int status(RequestInfo info, String errorType) {
        if (info.stream()) {
            return 200;
        }
        return switch (errorType) {
            case "timeout" -> 504;
            case "shutdown" -> 503;
            case "server_error" -> 500;
            default -> 0; // the client left: nothing was answered
        };
    }

    private State end(RequestInfo info) {
        State s = inFlight.remove(info.requestId());
        if (s == null) {
            return new State(null); // a hook order we did not expect: still count and log it
        }
        metrics.ended();
        if (s.traced != null) {
            traced.decrementAndGet();
        }
        return s;
    }

    /** The sampled request span serving engine request {@code engineId} ({@code <request id>-<choice>}), or null. */
    SpanContext tracedSpan(String engineId) {
        int dash = engineId.lastIndexOf('-');
        State s = inFlight.get(dash > 0 ? engineId.substring(0, dash) : engineId);
        return s == null ? null : s.traced;
    }

    boolean anyTraced() {
        return traced.get() > 0;
    }
}
