package dev.llmstream.frontend.template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: renders a small template with given variables through the full environment. */
final class Templates {
    private Templates() {}

    /** A four-message conversation: system S, user U1, assistant A1, user U2. */
    static final List<Map<String, Object>> CONVERSATION = List.of(
            message("system", "S"), message("user", "U1"), message("assistant", "A1"), message("user", "U2"));

    static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    /** Renders {@code source} with {@code messages} = {@link #CONVERSATION} plus {@code keyValues}. */
    static String render(String source, Object... keyValues) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("messages", CONVERSATION);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            vars.put((String) keyValues[i], keyValues[i + 1]);
        }
        return ChatTemplate.of(source, TemplateTokens.none()).render(List.of(), false, vars);
    }
}
