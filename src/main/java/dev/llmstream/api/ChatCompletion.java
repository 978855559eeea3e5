package dev.llmstream.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A non-streamed chat answer ({@code "object": "chat.completion"}). */
public record ChatCompletion(String id, String object, long created, String model,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String systemFingerprint,
                             List<Choice> choices, Usage usage,
                             @JsonInclude(JsonInclude.Include.NON_NULL) ResponseMetrics metrics) {
    public static final String OBJECT = "chat.completion";

    public record Choice(int index, Message message, ChatLogprobs logprobs, String finishReason) {}

    public record Message(String role, String content) {}
}
