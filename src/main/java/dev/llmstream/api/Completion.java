package dev.llmstream.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A completions answer ({@code "object": "text_completion"}); OpenAI uses the same shape for the
 * non-streamed response and for each streamed chunk (where {@code text} is the new piece).
 */
public record Completion(String id, String object, long created, String model,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String systemFingerprint,
                         List<Choice> choices,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage,
                         @JsonInclude(JsonInclude.Include.NON_NULL) ResponseMetrics metrics) {
    public static final String OBJECT = "text_completion";

    public record Choice(int index, String text, CompletionLogprobs logprobs, String finishReason) {}
}
