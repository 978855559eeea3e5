package dev.llmstream.engine;

/**
 * Per-request engine timings and counters, cumulative at the time of an output. All timestamps are
 * {@link System#nanoTime()} values of this JVM (engines with their own clocks convert); 0 means "not
 * yet". TTFT, TPOT, queue, prefill and decode times derive from these — see the accessors.
 *
 * @param arrivalNanos        request reached the server (frontend arrival; TTFT origin)
 * @param scheduledNanos      first scheduled into an engine step
 * @param firstTokenNanos     first output token produced
 * @param lastTokenNanos      latest output token produced
 * @param finishedNanos       finished (any reason)
 * @param promptTokens        prompt length
 * @param cachedPromptTokens  prompt tokens served from the prefix cache (not recomputed)
 * @param outputTokens        tokens generated so far
 * @param preemptions         times the request was preempted (KV freed, recomputed later)
 * @param draftedTokens       speculative tokens proposed for this request
 * @param acceptedTokens      speculative tokens accepted
 */
public record RequestMetrics(long arrivalNanos, long scheduledNanos, long firstTokenNanos, long lastTokenNanos,
                             long finishedNanos, int promptTokens, int cachedPromptTokens, int outputTokens,
                             int preemptions, int draftedTokens, int acceptedTokens) {

    /** Arrival to first scheduling, in nanoseconds (0 if not scheduled yet). */
    public long queueNanos() {
        return scheduledNanos == 0 ? 0 : scheduledNanos - arrivalNanos;
    }

    /** Arrival to first token, in nanoseconds (0 if none yet). */
    public long ttftNanos() {
        return firstTokenNanos == 0 ? 0 : firstTokenNanos - arrivalNanos;
    }

    /** First scheduling to first token: prompt processing time. */
    public long prefillNanos() {
        return firstTokenNanos == 0 || scheduledNanos == 0 ? 0 : firstTokenNanos - scheduledNanos;
    }

    /** First to last token: decode time. */
    public long decodeNanos() {
        return firstTokenNanos == 0 ? 0 : lastTokenNanos - firstTokenNanos;
    }

    /**
     * Mean time per output token after the first: (last − first) / (n − 1), the vLLM/OTel TPOT
     * definition; 0 when fewer than two tokens were produced.
     */
    public double tpotNanos() {
        return outputTokens < 2 ? 0 : (double) (lastTokenNanos - firstTokenNanos) / (outputTokens - 1);
    }

    /** Fraction of the prompt served from the prefix cache. */
    public double kvHitRatio() {
        return promptTokens == 0 ? 0 : (double) cachedPromptTokens / promptTokens;
    }
}
