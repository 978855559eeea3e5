package dev.llmstream.engine;

import java.util.Objects;

/**
 * One generation request in token ids. Built by the frontend after templating and tokenization.
 *
 * @param id            caller-chosen id, unique among in-flight requests (used in logs and telemetry)
 * @param promptTokens  prompt token ids (non-empty)
 * @param sampling      how tokens are chosen
 * @param maxTokens     upper bound on generated tokens (>= 1)
 * @param minTokens     end-of-generation tokens are suppressed until this many were generated
 * @param stopTokenIds  extra token ids that end generation (the matched id is reported)
 * @param ignoreEos     keep generating through the model's end-of-generation tokens
 * @param priority      lower runs first when the scheduler must choose (0 = default); FCFS within one
 * @param speculation   per-request speculative decoding choice ({@link SpeculationParams#DEFAULT}: engine default)
 * @param cacheSalt     isolates prefix-cache reuse to requests with the same salt (0 = shared)
 * @param arrivalNanos  {@link System#nanoTime()} when the request reached the server (TTFT origin)
 */
public record EngineRequest(String id, int[] promptTokens, SamplingParams sampling, int maxTokens, int minTokens,
                            int[] stopTokenIds, boolean ignoreEos, int priority, SpeculationParams speculation,
                            long cacheSalt, long arrivalNanos) {

    public EngineRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(promptTokens, "promptTokens");
        Objects.requireNonNull(sampling, "sampling");
        if (promptTokens.length == 0) {
            throw new IllegalArgumentException("prompt must have at least one token");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1: " + maxTokens);
        }
        if (minTokens < 0) {
            throw new IllegalArgumentException("minTokens must be >= 0: " + minTokens);
        }
        stopTokenIds = stopTokenIds == null ? new int[0] : stopTokenIds.clone();
        speculation = speculation == null ? SpeculationParams.DEFAULT : speculation;
    }

    /** A greedy request with defaults for everything else (tests, warm-up, offline tools). */
    public static EngineRequest greedy(String id, int[] prompt, int maxTokens) {
        return new EngineRequest(id, prompt.clone(), SamplingParams.greedy(), maxTokens, 0, null, false, 0,
                SpeculationParams.DEFAULT, 0L, System.nanoTime());
    }

    public EngineRequest withSampling(SamplingParams s) {
        return new EngineRequest(id, promptTokens, s, maxTokens, minTokens, stopTokenIds, ignoreEos, priority,
                speculation, cacheSalt, arrivalNanos);
    }

    public EngineRequest withSpeculation(SpeculationParams s) {
        return new EngineRequest(id, promptTokens, sampling, maxTokens, minTokens, stopTokenIds, ignoreEos,
                priority, s, cacheSalt, arrivalNanos);
    }

    public EngineRequest withIgnoreEos(boolean ignore) {
        return new EngineRequest(id, promptTokens, sampling, maxTokens, minTokens, stopTokenIds, ignore,
                priority, speculation, cacheSalt, arrivalNanos);
    }

    public EngineRequest withPriority(int p) {
        return new EngineRequest(id, promptTokens, sampling, maxTokens, minTokens, stopTokenIds, ignoreEos,
                p, speculation, cacheSalt, arrivalNanos);
    }

    /** The prompt ids (the array itself: engines read it, nobody may modify it). */
    @Override
    public int[] promptTokens() {
        return promptTokens;
    }

    @Override
    public int[] stopTokenIds() {
        return stopTokenIds;
    }

    public int promptLength() {
        return promptTokens.length;
    }
}
