package dev.llmstream.frontend.template;

import java.util.Objects;

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
