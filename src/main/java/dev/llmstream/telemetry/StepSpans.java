package dev.llmstream.telemetry;

import static dev.llmstream.telemetry.TelemetryNames.*;

import dev.llmstream.engine.EngineObserver;
import dev.llmstream.engine.StepEvent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Sampled engine-step spans: one per {@code interval} steps that served at least one traced request,
 * a root span of its own trace (a step serves many requests, so it has no single parent) linked to
 * the request spans it served, with batch size, prefill/decode tokens, kind, queue and KV usage. It
 * answers "what else ran with my request" without a span per step per request.
 *
 * <p>Runs on the engine thread after each step: between sampled steps it costs one counter increment;
 * on a sampled step, a map lookup per served request and the span (buffered; exported by the SDK's
 * batch thread).
 */
final class StepSpans implements EngineObserver {
    private static final AttributeKey<Long> K_NUMBER = AttributeKey.longKey(ATTR_STEP_NUMBER);
    private static final AttributeKey<String> K_KIND = AttributeKey.stringKey(ATTR_STEP_KIND);
    private static final AttributeKey<Long> K_BATCH = AttributeKey.longKey(ATTR_STEP_BATCH_SIZE);
    private static final AttributeKey<Long> K_PREFILL = AttributeKey.longKey(ATTR_STEP_PREFILL_TOKENS);
    private static final AttributeKey<Long> K_DECODE = AttributeKey.longKey(ATTR_STEP_DECODE_TOKENS);
    private static final AttributeKey<Long> K_RUNNING = AttributeKey.longKey(ATTR_STEP_RUNNING);
    private static final AttributeKey<Long> K_WAITING = AttributeKey.longKey(ATTR_STEP_WAITING);
    private static final AttributeKey<Double> K_KV = AttributeKey.doubleKey(ATTR_STEP_KV_USAGE);

    private final Tracer tracer;
    private final NanoClock clock;
    private final int interval;
    private final Function<String, SpanContext> traced;
    private final java.util.function.BooleanSupplier anyTraced;
    private long sinceLast;

    /**
     * @param traced    the recording span of a request, by engine request id ({@code <request id>-<choice>}),
     *                  or null
     * @param anyTraced whether any traced request is in flight (skips the lookups when none is)
     */
    StepSpans(Tracer tracer, NanoClock clock, int interval, Function<String, SpanContext> traced,
              java.util.function.BooleanSupplier anyTraced) {
        this.tracer = tracer;
        this.clock = clock;
        this.interval = interval;
        this.traced = traced;
        this.anyTraced = anyTraced;
    }

    @Override
    public void onStep(StepEvent e) {
        if (++sinceLast < interval || !anyTraced.getAsBoolean()) {
            return;
        }
        SpanBuilder b = null;
        for (String id : e.requestIds()) {
            SpanContext request = traced.apply(id);
            if (request == null) {
                continue;
            }
            if (b == null) {
                b = tracer.spanBuilder(STEP_SPAN).setSpanKind(SpanKind.INTERNAL).setParent(Context.root())
                        .setStartTimestamp(clock.epochNanos(e.startNanos()), TimeUnit.NANOSECONDS);
            }
            b.addLink(request);
        }
        if (b == null) {
            return; // no traced request in this step: try the next one
        }
        sinceLast = 0;
        Span span = b.setAttribute(K_NUMBER, e.step())
                .setAttribute(K_KIND, e.kind().name().toLowerCase(Locale.ROOT))
                .setAttribute(K_BATCH, (long) e.batchSize())
                .setAttribute(K_PREFILL, (long) e.prefillTokens())
                .setAttribute(K_DECODE, (long) e.decodeTokens())
                .setAttribute(K_RUNNING, (long) e.running())
                .setAttribute(K_WAITING, (long) e.waiting())
                .setAttribute(K_KV, e.kvUsage())
                .startSpan();
        span.end(clock.epochNanos(e.endNanos()), TimeUnit.NANOSECONDS);
    }
}
