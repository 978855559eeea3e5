package dev.llmstream.telemetry;

import static dev.llmstream.telemetry.TelemetryNames.*;

import dev.llmstream.api.GenerationRequest;
import dev.llmstream.engine.RequestMetrics;
import dev.llmstream.frontend.RequestInfo;
import dev.llmstream.frontend.StreamSummary;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The request span: one per generation request, kind SERVER, named and attributed per the GenAI
 * semantic conventions v1.43.0 ({@code chat {model}} / {@code text_completion {model}}), child of the
 * incoming W3C {@code traceparent}. Timestamps come from the server's and the engine's own
 * {@code nanoTime} stamps, so span start, events and our timing attributes agree with the response's
 * {@code metrics} object and the histograms. Timings are choice 0's (as the response's metrics).
 *
 * <p>Called on the request's event loop: span calls only buffer in memory; export is the SDK's batch
 * thread's business.
 */
final class RequestSpans {
    // typed keys (the semconv types: top_k is a double, token counts and seed are longs)
    static final AttributeKey<String> K_OPERATION = AttributeKey.stringKey(OPERATION);
    static final AttributeKey<String> K_PROVIDER = AttributeKey.stringKey(PROVIDER_NAME);
    static final AttributeKey<String> K_REQUEST_MODEL = AttributeKey.stringKey(REQUEST_MODEL);
    static final AttributeKey<String> K_RESPONSE_MODEL = AttributeKey.stringKey(RESPONSE_MODEL);
    static final AttributeKey<String> K_RESPONSE_ID = AttributeKey.stringKey(RESPONSE_ID);
    static final AttributeKey<String> K_ERROR_TYPE = AttributeKey.stringKey(ERROR_TYPE);
    static final AttributeKey<Long> K_MAX_TOKENS = AttributeKey.longKey(REQUEST_MAX_TOKENS);
    static final AttributeKey<Double> K_TEMPERATURE = AttributeKey.doubleKey(REQUEST_TEMPERATURE);
    static final AttributeKey<Double> K_TOP_P = AttributeKey.doubleKey(REQUEST_TOP_P);
    static final AttributeKey<Double> K_TOP_K = AttributeKey.doubleKey(REQUEST_TOP_K);
    static final AttributeKey<Long> K_SEED = AttributeKey.longKey(REQUEST_SEED);
    static final AttributeKey<Double> K_FREQUENCY_PENALTY = AttributeKey.doubleKey(REQUEST_FREQUENCY_PENALTY);
    static final AttributeKey<Double> K_PRESENCE_PENALTY = AttributeKey.doubleKey(REQUEST_PRESENCE_PENALTY);
    static final AttributeKey<List<String>> K_STOP = AttributeKey.stringArrayKey(REQUEST_STOP_SEQUENCES);
    static final AttributeKey<Boolean> K_STREAM = AttributeKey.booleanKey(REQUEST_STREAM);
    static final AttributeKey<Long> K_CHOICES = AttributeKey.longKey(REQUEST_CHOICE_COUNT);
    static final AttributeKey<List<String>> K_FINISH_REASONS = AttributeKey.stringArrayKey(RESPONSE_FINISH_REASONS);
    static final AttributeKey<Long> K_INPUT_TOKENS = AttributeKey.longKey(USAGE_INPUT_TOKENS);
    static final AttributeKey<Long> K_OUTPUT_TOKENS = AttributeKey.longKey(USAGE_OUTPUT_TOKENS);
    static final AttributeKey<Long> K_CACHED_TOKENS = AttributeKey.longKey(USAGE_CACHE_READ_INPUT_TOKENS);
    static final AttributeKey<List<String>> K_CLIENT_ID = AttributeKey.stringArrayKey(HTTP_REQUEST_ID_HEADER);
    static final AttributeKey<Double> K_QUEUE = AttributeKey.doubleKey(ATTR_QUEUE_TIME);
    static final AttributeKey<Double> K_TTFT = AttributeKey.doubleKey(ATTR_TTFT);
    static final AttributeKey<Double> K_TPOT = AttributeKey.doubleKey(ATTR_TPOT);
    static final AttributeKey<Double> K_PREFILL = AttributeKey.doubleKey(ATTR_PREFILL_TIME);
    static final AttributeKey<Double> K_DECODE = AttributeKey.doubleKey(ATTR_DECODE_TIME);
    static final AttributeKey<Double> K_KV_HIT = AttributeKey.doubleKey(ATTR_KV_HIT_RATIO);
    static final AttributeKey<Long> K_PREEMPTIONS = AttributeKey.longKey(ATTR_PREEMPTIONS);
    static final AttributeKey<Long> K_DRAFTED = AttributeKey.longKey(ATTR_SPEC_DRAFT_TOKENS);
    static final AttributeKey<Long> K_ACCEPTED = AttributeKey.longKey(ATTR_SPEC_ACCEPTED_TOKENS);
    static final AttributeKey<Long> K_PROMPT_TOKENS_EVENT = AttributeKey.longKey(USAGE_INPUT_TOKENS);
    static final AttributeKey<Long> K_HTTP_STATUS = AttributeKey.longKey(HTTP_STATUS_CODE);

    private static final TextMapGetter<Map<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;
    private final NanoClock clock;

    RequestSpans(Tracer tracer, NanoClock clock) {
        this.tracer = tracer;
        this.clock = clock;
    }

    /** Starts the span at the request's arrival, as a child of its {@code traceparent} if it sent one. */
    Span start(RequestInfo info) {
        Context parent = info.traceHeaders().isEmpty() ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), info.traceHeaders(), HEADERS);
        GenerationRequest req = info.request();
        String model = req != null && req.model() != null && !req.model().isEmpty() ? req.model() : info.model();
        String op = info.endpoint().operation();
        var b = tracer.spanBuilder(spanName(op, model)).setSpanKind(SpanKind.SERVER).setParent(parent)
                .setStartTimestamp(clock.epochNanos(info.arrivalNanos()), TimeUnit.NANOSECONDS)
                .setAttribute(K_OPERATION, op)
                .setAttribute(K_PROVIDER, PROVIDER);
        if (model != null) {
            b.setAttribute(K_REQUEST_MODEL, model);
        }
        if (info.clientRequestId() != null) {
            b.setAttribute(K_CLIENT_ID, List.of(info.clientRequestId()));
        }
        if (req != null) {
            GenerationRequest.Sampling s = req.sampling();
            b.setAttribute(K_STREAM, req.stream())
                    .setAttribute(K_TEMPERATURE, s.temperature())
                    .setAttribute(K_TOP_P, s.topP())
                    .setAttribute(K_FREQUENCY_PENALTY, s.frequencyPenalty())
                    .setAttribute(K_PRESENCE_PENALTY, s.presencePenalty());
            if (s.topK() > 0) {
                b.setAttribute(K_TOP_K, (double) s.topK());
            }
            if (s.seed() != null) {
                b.setAttribute(K_SEED, s.seed());
            }
            if (req.maxTokens() != null) {
                b.setAttribute(K_MAX_TOKENS, (long) req.maxTokens());
            }
            if (!req.stop().isEmpty()) {
                b.setAttribute(K_STOP, req.stop());
            }
            if (req.n() != 1) {
                b.setAttribute(K_CHOICES, (long) req.n());
            }
        }
        return b.startSpan();
    }

    /** The prompt was handed to the engine: it now waits for its first step. */
    void queued(Span span, int promptTokens, long nanos) {
        span.addEvent(EVENT_QUEUED, Attributes.of(K_PROMPT_TOKENS_EVENT, (long) promptTokens),
                clock.epochNanos(nanos), TimeUnit.NANOSECONDS);
    }

    void backpressure(Span span, long nanos) {
        span.addEvent(EVENT_BACKPRESSURE, clock.epochNanos(nanos), TimeUnit.NANOSECONDS);
    }

    /** Every choice finished: usage, the engine's timings (choice 0) as attributes and events, end. */
    void finished(Span span, RequestInfo info, StreamSummary summary, long endNanos) {
        span.setAttribute(K_RESPONSE_ID, info.requestId());
        if (info.model() != null) {
            span.setAttribute(K_RESPONSE_MODEL, info.model());
        }
        span.setAttribute(K_FINISH_REASONS, summary.finishReasons());
        span.setAttribute(K_INPUT_TOKENS, (long) summary.usage().promptTokens());
        span.setAttribute(K_OUTPUT_TOKENS, (long) summary.usage().completionTokens());
        span.setAttribute(K_CACHED_TOKENS, (long) summary.usage().promptTokensDetails().cachedTokens());
        long drafted = 0;
        long accepted = 0;
        long preemptions = 0;
        for (StreamSummary.Choice c : summary.choices()) {
            if (c.engineMetrics() != null) {
                drafted += c.engineMetrics().draftedTokens();
                accepted += c.engineMetrics().acceptedTokens();
                preemptions += c.engineMetrics().preemptions();
            }
        }
        span.setAttribute(K_PREEMPTIONS, preemptions);
        if (drafted > 0) {
            span.setAttribute(K_DRAFTED, drafted);
            span.setAttribute(K_ACCEPTED, accepted);
        }
        RequestMetrics m = summary.choices().isEmpty() ? null : summary.choices().getFirst().engineMetrics();
        if (m != null) {
            timings(span, m);
        }
        span.addEvent(EVENT_FINISHED, Attributes.of(K_FINISH_REASONS, summary.finishReasons()),
                clock.epochNanos(endNanos), TimeUnit.NANOSECONDS);
        span.end(clock.epochNanos(endNanos), TimeUnit.NANOSECONDS);
    }

    private void timings(Span span, RequestMetrics m) {
        if (m.scheduledNanos() != 0) {
            span.addEvent(EVENT_SCHEDULED, clock.epochNanos(m.scheduledNanos()), TimeUnit.NANOSECONDS);
            span.setAttribute(K_QUEUE, NanoClock.seconds(m.queueNanos()));
        }
        if (m.firstTokenNanos() != 0) {
            span.addEvent(EVENT_FIRST_TOKEN, clock.epochNanos(m.firstTokenNanos()), TimeUnit.NANOSECONDS);
            span.setAttribute(K_TTFT, NanoClock.seconds(m.ttftNanos()));
            span.setAttribute(K_PREFILL, NanoClock.seconds(m.prefillNanos()));
            span.setAttribute(K_DECODE, NanoClock.seconds(m.decodeNanos()));
        }
        if (m.outputTokens() >= 2) {
            span.setAttribute(K_TPOT, m.tpotNanos() / 1e9);
        }
        span.setAttribute(K_KV_HIT, m.kvHitRatio());
    }

    /**
     * Ended after admission without completing: client gone, timeout, shutdown, engine failure.
     * Cancellations get a {@code cancelled} event; every kind sets {@code error.type} and ERROR status.
     *
     * @param firstSentNanos when the first text went out (0: none), the only timing known here
     */
    void failed(Span span, RequestInfo info, boolean cancelled, String errorType, String message, long firstSentNanos,
                long endNanos) {
        span.setAttribute(K_RESPONSE_ID, info.requestId());
        if (firstSentNanos != 0) {
            span.addEvent(EVENT_FIRST_TOKEN, clock.epochNanos(firstSentNanos), TimeUnit.NANOSECONDS);
        }
        if (cancelled) {
            span.addEvent(EVENT_CANCELLED, Attributes.of(K_ERROR_TYPE, errorType), clock.epochNanos(endNanos),
                    TimeUnit.NANOSECONDS);
        }
        span.setAttribute(K_ERROR_TYPE, errorType);
        span.setStatus(StatusCode.ERROR, message == null ? errorType : message);
        span.end(clock.epochNanos(endNanos), TimeUnit.NANOSECONDS);
    }

    /**
     * Answered with an error before any output. HTTP semconv: a SERVER span's status stays unset for
     * 4xx (the client's fault); 5xx (and 429's sibling 503) are errors of ours.
     */
    void rejected(Span span, int status, String errorType, long endNanos) {
        span.setAttribute(K_ERROR_TYPE, errorType);
        span.setAttribute(K_HTTP_STATUS, (long) status);
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR, errorType + " (HTTP " + status + ")");
        }
        span.end(clock.epochNanos(endNanos), TimeUnit.NANOSECONDS);
    }
}
