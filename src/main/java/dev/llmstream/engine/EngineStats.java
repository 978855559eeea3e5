package dev.llmstream.engine;

/**
 * A snapshot of an engine's gauges and monotonic counters. Counters never decrease over an engine's
 * life (telemetry turns them into Prometheus counters); gauges describe the moment of the snapshot.
 *
 * @param running              requests in the running batch (gauge)
 * @param waiting              requests queued, not yet scheduled or preempted (gauge)
 * @param kvBlocksTotal        KV-cache blocks in the pool (gauge)
 * @param kvBlocksUsed         blocks held by running requests (gauge; cached free blocks do not count)
 * @param prefixQueryTokens    prompt tokens looked up in the prefix cache (counter)
 * @param prefixHitTokens      of those, tokens found cached (counter)
 * @param preemptions          requests preempted for lack of KV blocks (counter)
 * @param promptTokens         prompt tokens computed (counter; cached ones excluded)
 * @param generationTokens     tokens generated (counter)
 * @param requestsFinished     requests finished, any reason (counter)
 * @param steps                engine steps run (counter)
 * @param specDrafts           speculative proposals made (counter)
 * @param specDraftedTokens    speculative tokens proposed (counter)
 * @param specAcceptedTokens   speculative tokens accepted (counter)
 * @param specAcceptedPerPosition accepted tokens by draft position (counters; index 0 = first draft token)
 */
public record EngineStats(int running, int waiting, int kvBlocksTotal, int kvBlocksUsed, long prefixQueryTokens,
                          long prefixHitTokens, long preemptions, long promptTokens, long generationTokens,
                          long requestsFinished, long steps, long specDrafts, long specDraftedTokens,
                          long specAcceptedTokens, long[] specAcceptedPerPosition) {

    public static final EngineStats EMPTY = new EngineStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new long[0]);

    public EngineStats {
        specAcceptedPerPosition = specAcceptedPerPosition == null ? new long[0] : specAcceptedPerPosition.clone();
    }

    /** Fraction of KV blocks in use, 0..1 (vLLM's {@code kv_cache_usage_perc}). */
    public double kvUsage() {
        return kvBlocksTotal == 0 ? 0 : (double) kvBlocksUsed / kvBlocksTotal;
    }

    /** Prefix-cache hit rate over the engine's life (tokens), 0 when nothing was queried. */
    public double prefixHitRate() {
        return prefixQueryTokens == 0 ? 0 : (double) prefixHitTokens / prefixQueryTokens;
    }

    @Override
    public long[] specAcceptedPerPosition() {
        return specAcceptedPerPosition.clone();
    }
}
