package dev.llmstream.frontend.template;

import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation, in the shape chat templates receive it (the OpenAI chat message
 * fields that Hugging Face templates read): {@code role}, {@code content}, and for agentic turns
 * {@code reasoning_content}, {@code name}, {@code tool_call_id} and {@code tool_calls}.
 * Optional fields are {@code null} (or an empty list) when absent, and then absent from the
 * template's view of the message, as llama.cpp does.
 *
 * @param content the text; {@code null} renders as the empty string (llama.cpp sends "" so
 *     templates can concatenate it). OpenAI content-part arrays are joined before this point.
 */
public record ChatMessage(
        String role,
        String content,
        String reasoningContent,
        String name,
        String toolCallId,
        List<ToolCall> toolCalls) {

    public ChatMessage {
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException("message role must be a non-empty string");
        }
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** A plain {@code {role, content}} message. */
    public ChatMessage(String role, String content) {
        this(role, content, null, null, null, List.of());
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    /** This message with another content (used when folding a system prompt into a turn). */
    public ChatMessage withContent(String newContent) {
        return new ChatMessage(role, newContent, reasoningContent, name, toolCallId, toolCalls);
    }

    /** This message with another role. */
    public ChatMessage withRole(String newRole) {
        return new ChatMessage(newRole, content, reasoningContent, name, toolCallId, toolCalls);
    }

    /**
     * One function call an assistant message made, as in the OpenAI chat API: an optional call id,
     * the function name and its arguments as the JSON text the model produced. Templates that expect
     * the arguments as an object get them parsed (see {@link TemplateCapabilities}).
     */
    public record ToolCall(String id, String name, String arguments) {
        public ToolCall {
            Objects.requireNonNull(name, "tool call name");
            arguments = arguments == null ? "{}" : arguments;
        }
    }
}
