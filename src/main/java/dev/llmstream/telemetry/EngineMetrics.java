package dev.llmstream.telemetry;

import static dev.llmstream.telemetry.TelemetryNames.*;

import dev.llmstream.engine.EngineInfo;
import dev.llmstream.engine.EngineObserver;
import dev.llmstream.engine.EngineStats;
import dev.llmstream.engine.InferenceEngine;
import dev.llmstream.engine.StepEvent;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The engine's meters. Gauges and counters are read on scrape from {@link InferenceEngine#stats()} —
 * a volatile read of the snapshot the engine publishes after each step — so nothing is counted per
 * token and a scrape costs a few field reads. Step histograms (duration, tokens, requests per step,
 * by step kind) are recorded here as an {@link EngineObserver} on the engine thread: three lock-free
 * adds per step, no allocation.
 */
final class EngineMetrics implements EngineObserver {
    private final Map<StepEvent.Kind, Timer> stepDuration = new EnumMap<>(StepEvent.Kind.class);
    private final Map<StepEvent.Kind, DistributionSummary> stepTokens = new EnumMap<>(StepEvent.Kind.class);
    private final Map<StepEvent.Kind, DistributionSummary> stepRequests = new EnumMap<>(StepEvent.Kind.class);

    EngineMetrics(MeterRegistry r, InferenceEngine engine, String model) {
        EngineInfo info = engine.info();
        Tags tags = Tags.of(ENGINE, info.engine(), REQUEST_MODEL, model);
        gauge(r, ENGINE_RUNNING, "Requests in the running batch", engine, s -> s.running(), tags);
        gauge(r, ENGINE_WAITING, "Requests waiting for the engine (queued or preempted)", engine, s -> s.waiting(), tags);
        gauge(r, KV_USAGE, "Fraction of KV-cache blocks held by running requests, 0..1", engine, EngineStats::kvUsage, tags);
        gauge(r, KV_BLOCKS_USED, "KV-cache blocks held by running requests", engine, s -> s.kvBlocksUsed(), tags);
        gauge(r, KV_BLOCKS_TOTAL, "KV-cache blocks in the pool", engine, s -> s.kvBlocksTotal(), tags);
        counter(r, PROMPT_TOKENS, "Prompt tokens computed (prefix-cache hits excluded)", engine, s -> s.promptTokens(), tags);
        counter(r, GENERATION_TOKENS, "Tokens generated", engine, s -> s.generationTokens(), tags);
        counter(r, PREFIX_QUERIES, "Prompt tokens looked up in the prefix cache", engine, s -> s.prefixQueryTokens(), tags);
        counter(r, PREFIX_HITS, "Prompt tokens found in the prefix cache", engine, s -> s.prefixHitTokens(), tags);
        counter(r, PREEMPTIONS, "Requests preempted for lack of KV blocks (recomputed later)", engine, s -> s.preemptions(), tags);
        counter(r, STEPS, "Engine steps run", engine, s -> s.steps(), tags);
        counter(r, SPEC_DRAFTS, "Speculative proposals made", engine, s -> s.specDrafts(), tags);
        counter(r, SPEC_DRAFT_TOKENS, "Speculative tokens proposed", engine, s -> s.specDraftedTokens(), tags);
        counter(r, SPEC_ACCEPTED_TOKENS, "Speculative tokens accepted", engine, s -> s.specAcceptedTokens(), tags);
        Duration[] durations = STEP_DURATION_BUCKETS.stream().map(s -> Duration.ofNanos(Math.round(s * 1e9)))
                .toArray(Duration[]::new);
        double[] tokenBuckets = STEP_TOKEN_BUCKETS.stream().mapToDouble(Double::doubleValue).toArray();
        double[] batchBuckets = STEP_BATCH_BUCKETS.stream().mapToDouble(Double::doubleValue).toArray();
        for (StepEvent.Kind kind : StepEvent.Kind.values()) {
            if (kind == StepEvent.Kind.IDLE) {
                continue; // steps without work emit no event: no series that would stay empty
            }
            Tags k = tags.and(STEP_KIND, kind.name().toLowerCase(java.util.Locale.ROOT));
            stepDuration.put(kind, Timer.builder(STEP_DURATION).description("Engine step duration (one batched forward)")
                    .tags(k).serviceLevelObjectives(durations).register(r));
            stepTokens.put(kind, DistributionSummary.builder(STEP_TOKENS)
                    .description("Tokens computed per step (prefill chunks + decode positions)")
                    .tags(k).serviceLevelObjectives(tokenBuckets).register(r));
            stepRequests.put(kind, DistributionSummary.builder(STEP_REQUESTS).description("Requests served per step")
                    .tags(k).serviceLevelObjectives(batchBuckets).register(r));
        }
    }

    private static void gauge(MeterRegistry r, String name, String help, InferenceEngine e,
                              ToDoubleFunction<EngineStats> f, Tags tags) {
        Gauge.builder(name, e, x -> f.applyAsDouble(x.stats())).description(help).tags(tags).strongReference(true)
                .register(r);
    }

    private static void counter(MeterRegistry r, String name, String help, InferenceEngine e,
                                ToDoubleFunction<EngineStats> f, Tags tags) {
        FunctionCounter.builder(name, e, x -> f.applyAsDouble(x.stats())).description(help).tags(tags).register(r);
    }

    @Override
    public void onStep(StepEvent event) {
        StepEvent.Kind kind = event.kind();
        if (kind == StepEvent.Kind.IDLE) {
            return;
        }
        stepDuration.get(kind).record(event.durationNanos(), TimeUnit.NANOSECONDS);
        stepTokens.get(kind).record(event.batchTokens());
        stepRequests.get(kind).record(event.batchSize());
    }
}
