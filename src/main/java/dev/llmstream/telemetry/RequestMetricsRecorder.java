package dev.llmstream.telemetry;

import static dev.llmstream.telemetry.TelemetryNames.*;

import dev.llmstream.api.Endpoint;
import dev.llmstream.engine.RequestMetrics;
import dev.llmstream.frontend.RequestInfo;
import dev.llmstream.frontend.StreamSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The per-request meters: the three semconv histograms (v1.43.0 names and recommended buckets,
 * request-weighted, successful requests only as semconv defines them, except the duration which also
 * counts failures tagged {@code error.type}), our phase histograms (queue, prefill, decode), the
 * token-weighted inter-token latency, token-count histograms and the request/error/finish-reason
 * counters. Timings are choice 0's engine timings, as the response's {@code metrics} object.
 *
 * <p>Recording is a few lock-free adds on the calling event loop; the meters of a (operation, model)
 * pair are looked up once and cached, so the per-output ITL path does no registry lookup.
 */
final class RequestMetricsRecorder {

    /** The cached meters of one (operation, model). */
    private static final class Meters {
        final String model;
        final Tags tags;
        final Timer ttft;
        final Timer tpot;
        final Timer duration;
        final Timer queue;
        final Timer prefill;
        final Timer decode;
        final Timer itl;
        final DistributionSummary promptTokens;
        final DistributionSummary outputTokens;

        Meters(MeterRegistry r, Endpoint endpoint, String model) {
            this.model = model;
            this.tags = Tags.of(OPERATION, endpoint.operation(), REQUEST_MODEL, model);
            Tags semconv = tags.and(PROVIDER_NAME, PROVIDER, RESPONSE_MODEL, model);
            ttft = timer(r, TIME_TO_FIRST_TOKEN, "Time to generate the first token, successful requests (arrival to first token)", semconv, TTFT_BUCKETS);
            tpot = timer(r, TIME_PER_OUTPUT_TOKEN, "Mean time per output token after the first, one value per successful request", semconv, TPOT_BUCKETS);
            duration = timer(r, REQUEST_DURATION, "Request duration, arrival to last byte", semconv, DURATION_BUCKETS);
            queue = timer(r, QUEUE_TIME, "Arrival to first engine step (template, tokenization and queueing)", tags, PHASE_BUCKETS);
            prefill = timer(r, PREFILL_TIME, "First engine step to first token", tags, PHASE_BUCKETS);
            decode = timer(r, DECODE_TIME, "First to last token", tags, PHASE_BUCKETS);
            itl = timer(r, INTER_TOKEN_LATENCY, "Gap before each output token after the first (token-weighted)", tags, ITL_BUCKETS);
            promptTokens = tokens(r, REQUEST_PROMPT_TOKENS, "Prompt tokens per successful request", tags);
            outputTokens = tokens(r, REQUEST_OUTPUT_TOKENS, "Output tokens per successful request (all choices)", tags);
        }

        private static Timer timer(MeterRegistry r, String name, String help, Tags tags, List<Double> buckets) {
            return Timer.builder(name).description(help).tags(tags)
                    .serviceLevelObjectives(buckets.stream().map(s -> Duration.ofNanos(Math.round(s * 1e9)))
                            .toArray(Duration[]::new))
                    .register(r);
        }

        private static DistributionSummary tokens(MeterRegistry r, String name, String help, Tags tags) {
            return DistributionSummary.builder(name).description(help).tags(tags)
                    .serviceLevelObjectives(TOKEN_BUCKETS.stream().mapToDouble(Double::doubleValue).toArray())
                    .register(r);
        }
    }

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Meters>[] byModel;
    private final AtomicInteger active = new AtomicInteger();
    private volatile String servedModel = "";

    @SuppressWarnings("unchecked")
    RequestMetricsRecorder(MeterRegistry registry) {
        this.registry = registry;
        this.byModel = new ConcurrentHashMap[Endpoint.values().length];
        for (int i = 0; i < byModel.length; i++) {
            byModel[i] = new ConcurrentHashMap<>();
        }
        Gauge.builder(ACTIVE_REQUESTS, active, AtomicInteger::get)
                .description("Generation requests between arrival and their end").register(registry);
    }

    /** The model tag for requests rejected before the model was known (bad body, 404...). */
    void servedModel(String model) {
        servedModel = model == null ? "" : model;
    }

    private Meters meters(RequestInfo info) {
        String model = info.model() != null ? info.model() : servedModel;
        return byModel[info.endpoint().ordinal()].computeIfAbsent(model, m -> new Meters(registry, info.endpoint(), m));
    }

    void arrived() {
        active.incrementAndGet();
    }

    void ended() {
        active.decrementAndGet();
    }

    /** {@code tokens} tokens {@code gapNanos} after the previous output: {@code tokens} samples of gap/tokens. */
    void tokens(RequestInfo info, int tokens, long gapNanos) {
        Timer itl = meters(info).itl;
        long each = gapNanos / tokens;
        for (int i = 0; i < tokens; i++) {
            itl.record(each, TimeUnit.NANOSECONDS);
        }
    }

    void succeeded(RequestInfo info, StreamSummary summary, long durationNanos) {
        Meters m = meters(info);
        m.duration.record(durationNanos, TimeUnit.NANOSECONDS);
        RequestMetrics e = summary.choices().isEmpty() ? null : summary.choices().getFirst().engineMetrics();
        if (e != null) {
            if (e.firstTokenNanos() != 0) {
                m.ttft.record(e.ttftNanos(), TimeUnit.NANOSECONDS);
                m.prefill.record(e.prefillNanos(), TimeUnit.NANOSECONDS);
                m.decode.record(e.decodeNanos(), TimeUnit.NANOSECONDS);
            }
            if (e.scheduledNanos() != 0) {
                m.queue.record(e.queueNanos(), TimeUnit.NANOSECONDS);
            }
            if (e.outputTokens() >= 2) {
                m.tpot.record(Math.round(e.tpotNanos()), TimeUnit.NANOSECONDS);
            }
        }
        m.promptTokens.record(summary.usage().promptTokens());
        m.outputTokens.record(summary.usage().completionTokens());
        count(m, OUTCOME_SUCCESS);
        for (String reason : summary.finishReasons()) {
            Counter.builder(FINISH_REASONS).description("Finished choices by finish reason")
                    .tags(m.tags).tag(FINISH_REASON, reason).register(registry).increment();
        }
    }

    /**
     * A request that did not succeed: outcome {@code rejected} (error answer before streaming),
     * {@code cancelled} (client gone) or {@code error}; the duration histogram gets it with {@code error.type}.
     */
    void failed(RequestInfo info, String outcome, String errorType, long durationNanos) {
        Meters m = meters(info);
        Timer.builder(REQUEST_DURATION).description("Request duration, arrival to last byte")
                .tags(m.tags).tags(PROVIDER_NAME, PROVIDER, RESPONSE_MODEL, m.model, ERROR_TYPE, errorType)
                .serviceLevelObjectives(DURATION_BUCKETS.stream().map(s -> Duration.ofNanos(Math.round(s * 1e9)))
                        .toArray(Duration[]::new))
                .register(registry).record(durationNanos, TimeUnit.NANOSECONDS);
        count(m, outcome);
        Counter.builder(REQUEST_ERRORS).description("Requests that did not succeed, by error type")
                .tags(m.tags).tag(ERROR_TYPE, errorType).register(registry).increment();
    }

    private void count(Meters m, String outcome) {
        Counter.builder(REQUESTS).description("Generation requests by outcome, counted at their end")
                .tags(m.tags).tag(OUTCOME, outcome).register(registry).increment();
    }
}
