package dev.llmstream.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One streamed chat event ({@code "object": "chat.completion.chunk"}), in the order OpenAI sends
 * them: a delta with the role, deltas with content, a last delta ({@code {}}) with
 * {@code finish_reason}, then — only with {@code include_usage} — a chunk with empty
 * {@code choices} and the {@code usage} (plus our {@code metrics}).
 */
public record ChatCompletionChunk(String id, String object, long created, String model,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) String systemFingerprint,
                                  List<Choice> choices,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) ResponseMetrics metrics) {
    public static final String OBJECT = "chat.completion.chunk";

    /** {@code logprobs} and {@code finish_reason} are always sent, null until they apply. */
    public record Choice(int index, Delta delta, ChatLogprobs logprobs, String finishReason) {}

    /** What changed: the role once, then content pieces; empty on the finishing chunk. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content) {
        public static final Delta EMPTY = new Delta(null, null);
    }
}
