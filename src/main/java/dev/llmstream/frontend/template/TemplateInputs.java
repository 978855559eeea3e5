package dev.llmstream.frontend.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmstream.frontend.template.ChatMessage.ToolCall;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the variables a chat template is rendered with, following llama.cpp
 * ({@code common/chat.cpp}, {@code common_chat_templates_apply_jinja} and its {@code workaround}
 * helpers) so the rendered prompt is the one llama.cpp would produce:
 * <ul>
 *   <li>messages are plain maps with {@code role} and {@code content} (never null: "" instead) plus
 *       {@code reasoning_content}, {@code name}, {@code tool_call_id}, {@code tool_calls} only
 *       when set ({@code common_chat_msg::to_json_oaicompat});</li>
 *   <li>role {@code developer} becomes {@code system}, except for templates that speak the
 *       {@code <|channel|>} (gpt-oss) format, which has a developer role of its own;</li>
 *   <li>a leading system message is folded into the next message as
 *       {@code system + "\n" + content} when the template ignores system messages
 *       ({@link TemplateCapabilities#supportsSystemRole()}), or dropped if it is alone;</li>
 *   <li>tool-call arguments are parsed into objects for templates that read them as objects, and
 *       content becomes a content-part list for templates that only print those.</li>
 * </ul>
 */
final class TemplateInputs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TemplateInputs() {}

    /** The template's view of a conversation, after llama.cpp's adjustments. */
    static List<Object> messages(List<ChatMessage> conversation, TemplateCapabilities caps, boolean mapDeveloperRole) {
        List<ChatMessage> list = new ArrayList<>(conversation.size());
        for (ChatMessage m : conversation) {
            list.add(mapDeveloperRole && m.role().equals("developer") ? m.withRole("system") : m);
        }
        if (!caps.supportsSystemRole() && !list.isEmpty() && list.get(0).role().equals("system")) {
            ChatMessage system = list.remove(0);
            if (!list.isEmpty()) {
                ChatMessage next = list.get(0);
                list.set(0, next.withContent(text(system) + "\n" + text(next)));
            }
        }
        List<Object> out = new ArrayList<>(list.size());
        for (ChatMessage m : list) {
            out.add(toMap(m, caps));
        }
        return out;
    }

    private static String text(ChatMessage m) {
        return m.content() == null ? "" : m.content();
    }

    private static Map<String, Object> toMap(ChatMessage m, TemplateCapabilities caps) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", m.role());
        map.put("content", caps.requiresTypedContent()
                ? List.of(Map.of("type", "text", "text", text(m)))
                : text(m));
        putIfPresent(map, "reasoning_content", m.reasoningContent());
        putIfPresent(map, "name", m.name());
        putIfPresent(map, "tool_call_id", m.toolCallId());
        if (!m.toolCalls().isEmpty()) {
            List<Object> calls = new ArrayList<>();
            for (ToolCall call : m.toolCalls()) {
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", call.name());
                function.put("arguments", caps.supportsObjectArguments() ? parseArguments(call) : call.arguments());
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("type", "function");
                c.put("function", function);
                putIfPresent(c, "id", call.id());
                calls.add(c);
            }
            map.put("tool_calls", calls);
        }
        return map;
    }

    private static void putIfPresent(Map<String, Object> map, String key, String value) {
        if (value != null && !value.isEmpty()) {
            map.put(key, value);
        }
    }

    private static Object parseArguments(ToolCall call) {
        try {
            return JSON.readValue(call.arguments(), Object.class);
        } catch (JsonProcessingException e) {
            throw new ChatTemplateException("tool call '" + call.name() + "' has arguments that are not valid JSON: "
                    + e.getOriginalMessage());
        }
    }

    /**
     * Variables of every render: {@code messages}, {@code bos_token}, {@code eos_token},
     * {@code add_generation_prompt}, the template functions as defined names (templates test
     * {@code strftime_now is defined} before calling it), then {@code extra}, which may override
     * any of them.
     */
    static Map<String, Object> bindings(List<?> messages, TemplateTokens tokens, boolean addGenerationPrompt,
            Map<String, ?> extra) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("messages", messages);
        vars.put("bos_token", tokens.bos());
        vars.put("eos_token", tokens.eos());
        vars.put("add_generation_prompt", addGenerationPrompt);
        for (String fn : HfExtensions.GLOBAL_FUNCTIONS) {
            vars.put(fn, new HfExtensions.FunctionName(fn));
        }
        if (extra != null) {
            extra.forEach((k, v) -> vars.put(k, plain(v)));
        }
        return vars;
    }

    /**
     * What llama.cpp's server adds to every request: {@code enable_thinking} (true unless the
     * request turns reasoning off) and the date as {@code date_string} ("26 Jul 2024") and
     * {@code datetime} ("Jul 26 2024"), from {@code common_chat_extra_context}.
     */
    static Map<String, Object> llamaCppDefaults(Clock clock) {
        ZonedDateTime now = ZonedDateTime.now(clock);
        Map<String, Object> vars = new HashMap<>();
        vars.put("enable_thinking", true);
        vars.put("date_string", String.format(Locale.ENGLISH, "%1$td %1$tb %1$tY", now));
        vars.put("datetime", String.format(Locale.ENGLISH, "%1$tb %1$td %1$tY", now));
        return vars;
    }

    /** Jackson trees (as the server parses requests) become plain maps, lists and scalars. */
    static Object plain(Object value) {
        return switch (value) {
            case JsonNode node -> JSON.convertValue(node, Object.class);
            case Map<?, ?> map -> {
                Map<Object, Object> copy = new LinkedHashMap<>();
                map.forEach((k, v) -> copy.put(k, plain(v)));
                yield copy;
            }
            case List<?> list -> {
                List<Object> copy = new ArrayList<>(list.size());
                list.forEach(v -> copy.add(plain(v)));
                yield copy;
            }
            case null, default -> value;
        };
    }
}
