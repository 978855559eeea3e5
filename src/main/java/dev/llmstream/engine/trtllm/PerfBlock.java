package dev.llmstream.engine.trtllm;

/**
 * The Executor's per-request performance metrics as the shim reports them: steady-clock timestamps
 * (0 = not yet) and cumulative KV-reuse and speculative-decoding counts. -1 marks a value the pinned
 * release does not provide.
 */
record PerfBlock(long arrivalNs, long firstScheduledNs, long firstTokenNs, long lastTokenNs, int kvTotalBlocks,
                 int kvNewBlocks, int kvReusedBlocks, int kvMissedBlocks, float kvHitRate, float specAcceptanceRate,
                 int specAcceptedTokens, int specDraftTokens) {

    static final PerfBlock NONE = new PerfBlock(0, 0, 0, 0, 0, 0, 0, -1, -1f, 0f, 0, 0);
}
