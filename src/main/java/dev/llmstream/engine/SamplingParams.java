package dev.llmstream.engine;

import java.util.Arrays;

/**
 * How the next token is chosen from the logits. Processors apply in this order (the order vLLM and
 * llama.cpp use): logit bias, repetition/presence/frequency penalties, temperature, top-k, top-p,
 * min-p, then greedy (temperature 0) or a seeded random draw.
 *
 * @param temperature       0 means greedy (argmax)
 * @param topK              keep the k most likely tokens; 0 or less disables
 * @param topP              nucleus mass in (0, 1]; 1 disables
 * @param minP              drop tokens below minP x p(top token); 0 disables
 * @param repetitionPenalty CTRL-style penalty on tokens seen in prompt + output (1 disables)
 * @param presencePenalty   OpenAI presence penalty over output tokens (0 disables)
 * @param frequencyPenalty  OpenAI frequency penalty over output tokens (0 disables)
 * @param seed              random seed; {@code null} draws one per request
 * @param logitBiasIds      token ids of the logit bias (parallel to {@code logitBiasValues})
 * @param logitBiasValues   additive biases
 * @param logprobs          return the log-probability of each chosen token
 * @param topLogprobs       also return the top-N alternatives per position (0..20)
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float repetitionPenalty,
                             float presencePenalty, float frequencyPenalty, Long seed, int[] logitBiasIds,
                             float[] logitBiasValues, boolean logprobs, int topLogprobs) {

    public static final SamplingParams GREEDY =
            new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, null, new int[0], new float[0], false, 0);

    public SamplingParams {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0: " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1]: " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("min_p must be in [0, 1]: " + minP);
        }
        if (!(repetitionPenalty > 0) || Float.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetition_penalty must be > 0: " + repetitionPenalty);
        }
        logitBiasIds = logitBiasIds == null ? new int[0] : logitBiasIds.clone();
        logitBiasValues = logitBiasValues == null ? new float[0] : logitBiasValues.clone();
        if (logitBiasIds.length != logitBiasValues.length) {
            throw new IllegalArgumentException("logit bias ids and values differ in length");
        }
        if (topLogprobs < 0) {
            throw new IllegalArgumentException("top_logprobs must be >= 0: " + topLogprobs);
        }
    }

    public static SamplingParams greedy() {
        return GREEDY;
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }

    public boolean hasPenalties() {
        return repetitionPenalty != 1f || presencePenalty != 0f || frequencyPenalty != 0f;
    }

    public SamplingParams withSeed(Long newSeed) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, presencePenalty,
                frequencyPenalty, newSeed, logitBiasIds, logitBiasValues, logprobs, topLogprobs);
    }

    @Override
    public int[] logitBiasIds() {
        return logitBiasIds.clone();
    }

    @Override
    public float[] logitBiasValues() {
        return logitBiasValues.clone();
    }

    /** Number of logit-bias entries (read without copying via {@link #logitBiasId}). */
    public int logitBiasCount() {
        return logitBiasIds.length;
    }

    public int logitBiasId(int i) {
        return logitBiasIds[i];
    }

    public float logitBiasValue(int i) {
        return logitBiasValues[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SamplingParams s
                && s.temperature == temperature && s.topK == topK && s.topP == topP && s.minP == minP
                && s.repetitionPenalty == repetitionPenalty && s.presencePenalty == presencePenalty
                && s.frequencyPenalty == frequencyPenalty && java.util.Objects.equals(s.seed, seed)
                && Arrays.equals(s.logitBiasIds, logitBiasIds) && Arrays.equals(s.logitBiasValues, logitBiasValues)
                && s.logprobs == logprobs && s.topLogprobs == topLogprobs;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(temperature, topK, topP, minP, seed, Arrays.hashCode(logitBiasIds));
    }
}
