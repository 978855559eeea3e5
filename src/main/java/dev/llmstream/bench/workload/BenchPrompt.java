package dev.llmstream.bench.workload;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One prompt of a workload, independent of the endpoint it is sent to.
 *
 * <p>Either {@code user} text (optionally after a {@code system} text: a shared prefix) or a list of
 * OpenAI-style chat {@code messages} from a workload file. For {@code /v1/chat/completions} the text form
 * becomes a system + user message; for {@code /v1/completions} the parts are joined (see
 * {@link #completionText()}).
 *
 * @param id stable name (JSONL {@code id}, or {@code random-17})
 * @param system shared prefix text or null
 * @param user prompt text, or null when {@code messages} is given
 * @param messages chat messages (a JSON array) or null
 * @param inputTokens prompt tokens as counted when the workload was built (system + user), -1 if unknown
 * @param maxTokens output tokens to ask for ({@code max_tokens})
 * @param group prefix group for shared-prefix workloads (requests of a group share {@code system}), or null
 */
public record BenchPrompt(String id, String system, String user, JsonNode messages, int inputTokens,
                          int maxTokens, String group) {
    /** Separator between a shared prefix and the rest when both go into one completion prompt. */
    public static final String PREFIX_SEPARATOR = "\n\n";

    public BenchPrompt {
        if ((user == null) == (messages == null)) {
            throw new IllegalArgumentException("a prompt has either user text or messages, not both or neither");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, is " + maxTokens);
        }
    }

    /** A plain text prompt. */
    public static BenchPrompt text(String id, String text, int inputTokens, int maxTokens) {
        return new BenchPrompt(id, null, text, null, inputTokens, maxTokens, null);
    }

    /**
     * The prompt as one text for {@code /v1/completions}: prefix and user text joined, or for messages
     * each message's text content on its own paragraph (no chat template: the completions endpoint
     * takes raw text).
     */
    public String completionText() {
        if (messages == null) {
            return system == null ? user : system + PREFIX_SEPARATOR + user;
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode m : messages) {
            if (!sb.isEmpty()) {
                sb.append(PREFIX_SEPARATOR);
            }
            sb.append(contentText(m.get("content")));
        }
        return sb.toString();
    }

    /** Text of a message's content: a string, or the {@code text} parts of a typed content array. */
    static String contentText(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode part : content) {
                JsonNode t = part.get("text");
                if (t != null && t.isTextual()) {
                    sb.append(t.asText());
                }
            }
        }
        return sb.toString();
    }
}
