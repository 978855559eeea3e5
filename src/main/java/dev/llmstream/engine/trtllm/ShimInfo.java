package dev.llmstream.engine.trtllm;

/**
 * What {@code tls_engine_get_info} reports about a loaded engine.
 *
 * @param version        TensorRT-LLM version the shim was built against
 * @param warnings       notes from the shim (ignored options, missing capabilities)
 * @param mock           the CPU test double
 * @param vocabSize      token ids the model can produce
 * @param maxBatchSize   running requests per iteration
 * @param maxNumTokens   token budget per iteration
 * @param maxSeqLen      prompt + output cap
 * @param tokensPerBlock KV block size
 * @param kvMaxBlocks    KV blocks in the pool (-1: not known yet)
 * @param blockReuse     prefix caching on
 * @param decodingMode   speculative decoding mode in effect
 * @param maxDraftLen    drafts per step (0 without speculation)
 * @param capabilities   {@code TLS_CAP_*} bits
 */
record ShimInfo(String version, String warnings, boolean mock, int vocabSize, int maxBatchSize, int maxNumTokens,
                int maxSeqLen, int tokensPerBlock, int kvMaxBlocks, boolean blockReuse,
                TrtllmConfig.DecodingMode decodingMode, int maxDraftLen, int capabilities) {

    static final int CAP_MISSED_BLOCKS = 1;
    static final int CAP_HIT_RATE = 2;
    static final int CAP_SPEC_METRICS = 4;
    static final int CAP_CACHE_SALT = 8;
    static final int CAP_TIMED_OUT = 16;

    boolean has(int capability) {
        return (capabilities & capability) != 0;
    }
}
