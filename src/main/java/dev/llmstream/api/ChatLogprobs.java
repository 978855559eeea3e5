package dev.llmstream.api;

import java.util.List;

/**
 * Chat log-probabilities: {@code choices[i].logprobs = {"content": [...]}} with one entry per
 * generated token (OpenAI's chat completion object).
 */
public record ChatLogprobs(List<Entry> content) {

    /** One position: the chosen token, its log-probability, UTF-8 bytes and the top alternatives. */
    public record Entry(String token, double logprob, int[] bytes, List<Top> topLogprobs) {}

    /** An alternative at one position. */
    public record Top(String token, double logprob, int[] bytes) {}
}
