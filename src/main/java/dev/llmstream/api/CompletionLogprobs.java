package dev.llmstream.api;

import java.util.List;
import java.util.Map;

/**
 * Legacy completions log-probabilities (OpenAI's completion object): parallel arrays over the
 * generated tokens; {@code top_logprobs[i]} maps alternative token text to its log-probability and
 * {@code text_offset[i]} is where token i starts in the choice's text.
 */
public record CompletionLogprobs(List<String> tokens, List<Double> tokenLogprobs,
                                 List<Map<String, Double>> topLogprobs, List<Integer> textOffset) {}
