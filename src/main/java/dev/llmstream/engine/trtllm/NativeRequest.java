package dev.llmstream.engine.trtllm;

/**
 * A request exactly as it will be written into {@code tls_request}: plain Java values, already
 * validated by {@link RequestMapper}, so the mapping rules are testable without native code.
 *
 * @param clientId       our correlation id, echoed in every poll record
 * @param input          prompt token ids (all inside the vocabulary)
 * @param maxTokens      generated-token cap, already lowered to fit the engine's sequence length
 * @param endId          the Executor's one end id, or -1 for none (ignore-EOS requests)
 * @param stopSequences  token sequences that end generation (one token each, from the SPI)
 * @param samplingSet    {@code TLS_SAMPLING_*} bits of the fields below that are set
 * @param temperature    softmax temperature
 * @param topK           top-k (1 = greedy)
 * @param topP           nucleus mass
 * @param minP           min-p
 * @param repetitionPenalty CTRL-style repetition penalty
 * @param presencePenalty   OpenAI presence penalty
 * @param frequencyPenalty  OpenAI frequency penalty
 * @param minTokens      end tokens suppressed until this many were generated
 * @param seed           sampling seed (always set for sampled requests: the Executor's default is a fixed 0)
 * @param logprobs       return per-token log-probabilities
 * @param priority       Executor priority 0..1 (higher first)
 * @param cacheSalt      prefix-reuse isolation salt; 0 = shared
 * @param logitBiasIds   sparse logit bias ids
 * @param logitBiasValues and values
 */
record NativeRequest(long clientId, int[] input, int maxTokens, int endId, int[][] stopSequences, int samplingSet,
                     float temperature, int topK, float topP, float minP, float repetitionPenalty,
                     float presencePenalty, float frequencyPenalty, int minTokens, long seed, boolean logprobs,
                     float priority, long cacheSalt, int[] logitBiasIds, float[] logitBiasValues) {

    static final int TEMPERATURE = 1;
    static final int TOP_K = 2;
    static final int TOP_P = 4;
    static final int MIN_P = 8;
    static final int SEED = 16;
    static final int MIN_TOKENS = 32;
    static final int REPETITION_PENALTY = 64;
    static final int PRESENCE_PENALTY = 128;
    static final int FREQUENCY_PENALTY = 256;

    boolean has(int bit) {
        return (samplingSet & bit) != 0;
    }
}
