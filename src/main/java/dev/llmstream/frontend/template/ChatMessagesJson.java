package dev.llmstream.frontend.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmstream.frontend.template.ChatMessage.ToolCall;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads OpenAI-style chat messages from JSON: an array of
 * {@code {"role", "content", "reasoning_content"?, "name"?, "tool_call_id"?, "tool_calls"?}}.
 * {@code content} is a string, {@code null}, or a content-part array
 * ({@code [{"type": "text", "text": "..."}]}) whose text parts are joined with {@code "\n"}, as
 * llama.cpp does for templates that take string content. Tool-call arguments may be a JSON string
 * (OpenAI's wire format) or an object (written back as compact JSON text).
 *
 * <p>Malformed input fails with an {@link IllegalArgumentException} naming the offending element,
 * e.g. {@code messages[1].content[0]: unsupported content part type 'image_url'}.
 */
public final class ChatMessagesJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatMessagesJson() {}

    /** Parses a JSON text holding the message array. */
    public static List<ChatMessage> parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("messages: not valid JSON: " + e.getOriginalMessage());
        }
        return parse(root);
    }

    /** Converts an already parsed message array. */
    public static List<ChatMessage> parse(JsonNode array) {
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("messages: expected a JSON array of message objects");
        }
        List<ChatMessage> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(message(array.get(i), "messages[" + i + "]"));
        }
        return out;
    }

    private static ChatMessage message(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": expected an object");
        }
        String role = requiredText(node, "role", where);
        List<ToolCall> toolCalls = toolCalls(node.get("tool_calls"), where + ".tool_calls");
        return new ChatMessage(role, content(node.get("content"), where + ".content"),
                optionalText(node, "reasoning_content", where), optionalText(node, "name", where),
                optionalText(node, "tool_call_id", where), toolCalls);
    }

    private static String content(JsonNode content, String where) {
        if (content == null || content.isNull()) {
            return null;
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw new IllegalArgumentException(where + ": expected a string, null or an array of content parts");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partWhere = where + "[" + i + "]";
            String type = part.isObject() ? requiredText(part, "type", partWhere) : null;
            if (!"text".equals(type)) {
                throw new IllegalArgumentException(partWhere + ": unsupported content part type '" + type
                        + "' (only text parts can be rendered into a prompt)");
            }
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(requiredText(part, "text", partWhere));
        }
        return text.toString();
    }

    private static List<ToolCall> toolCalls(JsonNode calls, String where) {
        if (calls == null || calls.isNull()) {
            return List.of();
        }
        if (!calls.isArray()) {
            throw new IllegalArgumentException(where + ": expected an array");
        }
        List<ToolCall> out = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String callWhere = where + "[" + i + "]";
            if (!call.isObject()) {
                throw new IllegalArgumentException(callWhere + ": expected an object");
            }
            JsonNode type = call.get("type");
            if (type != null && !"function".equals(type.asText())) {
                throw new IllegalArgumentException(callWhere + ".type: only 'function' tool calls are supported");
            }
            JsonNode function = call.get("function");
            if (function == null || !function.isObject()) {
                throw new IllegalArgumentException(callWhere + ".function: expected an object");
            }
            JsonNode args = function.get("arguments");
            String arguments = args == null || args.isNull() ? null : args.isTextual() ? args.asText() : args.toString();
            out.add(new ToolCall(optionalText(call, "id", callWhere),
                    requiredText(function, "name", callWhere + ".function"), arguments));
        }
        return out;
    }

    private static String requiredText(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(where + "." + field + ": expected a string");
        }
        return v.asText();
    }

    private static String optionalText(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(where + "." + field + ": expected a string");
        }
        return v.asText();
    }
}
