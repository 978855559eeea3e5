package dev.llmstream.engine;

/**
 * Log-probabilities for one generated position, over the full-vocabulary softmax of the raw logits
 * (before sampling filters, as OpenAI and llama.cpp report them).
 *
 * @param token     the chosen token
 * @param logprob   its log-probability
 * @param topIds    the most likely alternatives, best first (may be empty)
 * @param topLogprobs their log-probabilities
 */
public record TokenLogprobs(int token, float logprob, int[] topIds, float[] topLogprobs) {
    public TokenLogprobs {
        if (topIds.length != topLogprobs.length) {
            throw new IllegalArgumentException("topIds and topLogprobs differ in length");
        }
    }
}
