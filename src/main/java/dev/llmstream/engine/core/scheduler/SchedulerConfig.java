package dev.llmstream.engine.core.scheduler;

/**
 * Limits of the scheduler.
 *
 * @param maxBatchedTokens token budget of one step (prefill chunks + decode tokens), vLLM's
 *                         {@code max_num_batched_tokens}: bounds step time, hence inter-token latency
 * @param maxSequences     running sequences per step ({@code max_num_seqs})
 * @param maxWaiting       queued requests beyond which submit is rejected (HTTP 429)
 * @param prefixCaching    reuse cached full blocks across requests
 */
public record SchedulerConfig(int maxBatchedTokens, int maxSequences, int maxWaiting, boolean prefixCaching) {
    public SchedulerConfig {
        if (maxBatchedTokens < 1 || maxSequences < 1 || maxWaiting < 0) {
            throw new IllegalArgumentException("scheduler limits must be positive");
        }
    }

    public static SchedulerConfig defaults() {
        return new SchedulerConfig(512, 64, 1024, true);
    }
}
