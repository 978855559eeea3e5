package dev.llmstream.engine.trtllm;

/**
 * The metric formulas of the design note (section 7) in one place, as pure functions over the
 * Executor's per-request numbers. Telemetry downstream is engine-agnostic: these turn TensorRT-LLM's
 * view into the same {@code RequestMetrics}/{@code EngineStats} fields the CPU engine fills.
 */
final class MetricsMath {
    private MetricsMath() {
    }

    /**
     * Prompt tokens served from the prefix cache: reused blocks x tokens per block, capped at the
     * prompt. Approximate: partially reused blocks are copied, not counted.
     */
    static int cachedPromptTokens(int reusedBlocks, int tokensPerBlock, int promptTokens) {
        if (reusedBlocks <= 0 || tokensPerBlock <= 0) {
            return 0;
        }
        return (int) Math.min((long) reusedBlocks * tokensPerBlock, promptTokens);
    }

    /**
     * KV hit rate of one request: the engine's own rate when the release provides it (&gt;= 0), else
     * reused / (reused + missed), else reused / total allocated blocks; 0 when nothing is known.
     */
    static double kvHitRate(PerfBlock p) {
        if (p.kvHitRate() >= 0f && p.kvHitRate() <= 1f) {
            return p.kvHitRate();
        }
        if (p.kvMissedBlocks() >= 0 && p.kvReusedBlocks() + p.kvMissedBlocks() > 0) {
            return (double) p.kvReusedBlocks() / (p.kvReusedBlocks() + p.kvMissedBlocks());
        }
        return p.kvTotalBlocks() > 0 ? (double) Math.max(0, p.kvReusedBlocks()) / p.kvTotalBlocks() : 0;
    }

    /** Speculative acceptance: the engine's rate if set, else accepted / drafted; 0 without drafts. */
    static double acceptanceRate(PerfBlock p) {
        if (p.specDraftTokens() <= 0) {
            return 0;
        }
        if (p.specAcceptanceRate() > 0f && p.specAcceptanceRate() <= 1f) {
            return p.specAcceptanceRate();
        }
        return (double) Math.max(0, p.specAcceptedTokens()) / p.specDraftTokens();
    }

    /** Tokens per decoding iteration: above 1 only when speculation pays. */
    static double tokensPerIteration(int outputTokens, int decodingIterations) {
        return decodingIterations <= 0 ? 0 : (double) outputTokens / decodingIterations;
    }

    /**
     * The later of a converted engine timestamp and its lower bound. Engine and JVM clocks are
     * converted with an offset measured to within microseconds; clamping keeps the derived intervals
     * (queue, TTFT, decode) non-negative when a conversion lands a hair before the event it follows.
     */
    static long notBefore(long value, long lowerBound) {
        return value == 0 ? 0 : Math.max(value, lowerBound);
    }
}
