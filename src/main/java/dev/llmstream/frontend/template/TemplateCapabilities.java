package dev.llmstream.frontend.template;

import com.hubspot.jinjava.tree.Node;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a template can render, found the way llama.cpp finds it ({@code common/jinja/caps.cpp},
 * {@code caps_get}): by rendering small probe conversations and watching which message fields the
 * template reads ({@link AccessRecordingMap}). Probe failures are ignored, as there.
 *
 * @param supportsSystemRole the template reads the content of a leading system message. When it
 *     does not (Phi-3's template only handles user and assistant), llama.cpp folds the system
 *     prompt into the next message as {@code system + "\n" + content} instead of losing it.
 * @param supportsToolCalls the template reads an assistant message's {@code tool_calls}
 * @param supportsObjectArguments the template reads into tool-call arguments given as an object;
 *     llama.cpp then passes arguments parsed from their JSON text instead of as a string
 * @param requiresTypedContent string content does not show up in the output but an OpenAI
 *     content-part list ({@code [{"type": "text", "text": ...}]}) does; content is then passed as
 *     such a list. (llama.cpp detects this from how the content value is accessed; Jinjava cannot
 *     observe operations on a Java string, so the same question is answered by the output.)
 */
public record TemplateCapabilities(
        boolean supportsSystemRole,
        boolean supportsToolCalls,
        boolean supportsObjectArguments,
        boolean requiresTypedContent) {

    private static final String MARKER = "STRING_MARKER";
    private static final Clock PROBE_CLOCK = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

    /** Runs the probes on a parsed template. */
    static TemplateCapabilities detect(JinjaEnvironment env, Node root) {
        boolean typed = requiresTypedContent(env, root);
        boolean system = supportsSystemRole(env, root);
        boolean toolCalls = true;
        boolean objectArguments = false;

        // Tool calls with object arguments (llama.cpp probe 3): if this render fails nothing is
        // concluded; the string-argument probe below decides.
        AccessRecordingMap objectArgs = new AccessRecordingMap(Map.of("arg", "value"));
        Probe withObjects = toolProbe(objectArgs);
        if (withObjects.render(env, root)) {
            toolCalls = withObjects.toolCallsRead();
            objectArguments = toolCalls && objectArgs.wasRead("arg");
        }
        if (!objectArguments) {
            Probe withStrings = toolProbe("{\"arg\": \"value\"}");
            toolCalls = withStrings.render(env, root) && withStrings.toolCallsRead();
        }
        return new TemplateCapabilities(system, toolCalls, objectArguments, typed);
    }

    private static boolean supportsSystemRole(JinjaEnvironment env, Node root) {
        AccessRecordingMap system = message("system", "System message");
        List<Object> messages = List.of(system, message("user", "User message"));
        new Probe(messages, List.of(), null).render(env, root);
        return system.wasRead("content");
    }

    private static boolean requiresTypedContent(JinjaEnvironment env, Node root) {
        Probe asString = new Probe(List.of(message("user", MARKER)), List.of(), null);
        if (asString.render(env, root) && asString.output.contains(MARKER)) {
            return false;
        }
        Map<String, Object> part = Map.of("type", "text", "text", MARKER);
        Probe asParts = new Probe(List.of(message("user", List.of(part))), List.of(), null);
        return asParts.render(env, root) && asParts.output.contains(MARKER);
    }

    /** llama.cpp's tool probe: a call, its result, an answer and a new question. */
    private static Probe toolProbe(Object arguments) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", "tool1");
        function.put("arguments", arguments);
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("id", "call00001");
        call.put("type", "function");
        call.put("function", function);
        AccessRecordingMap assistant = message("assistant", "", "tool_calls", List.of(call));
        AccessRecordingMap tool = message("tool", "Tool response", "tool_call_id", "call00001");
        List<Object> messages = List.of(
                message("user", "User message"), assistant, tool,
                message("assistant", "The tool response was 'tool response'"), message("user", "User message"));
        Map<String, Object> parameters = Map.of("type", "object",
                "properties", Map.of("arg", Map.of("type", "string", "description", "Arg description")),
                "required", List.of("arg"));
        Map<String, Object> tool1 = Map.of("name", "tool", "type", "function", "function",
                Map.of("name", "tool1", "description", "Tool description", "parameters", parameters));
        return new Probe(messages, List.of(tool1), assistant);
    }

    private static AccessRecordingMap message(String role, Object content, Object... extraKeyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        for (int i = 0; i + 1 < extraKeyValues.length; i += 2) {
            m.put((String) extraKeyValues[i], extraKeyValues[i + 1]);
        }
        return new AccessRecordingMap(m);
    }

    /** One probe render; failures are swallowed and reported as {@code false}. */
    private static final class Probe {
        private final List<Object> messages;
        private final List<Object> tools;
        private final AccessRecordingMap toolCaller;
        private String output = "";

        Probe(List<Object> messages, List<Object> tools, AccessRecordingMap toolCaller) {
            this.messages = new ArrayList<>(messages);
            this.tools = tools;
            this.toolCaller = toolCaller;
        }

        boolean render(JinjaEnvironment env, Node root) {
            Map<String, Object> vars = TemplateInputs.bindings(messages, TemplateTokens.none(), true, Map.of("tools", tools));
            try {
                output = env.render(root, vars, PROBE_CLOCK);
                return true;
            } catch (ChatTemplateException e) {
                return false;
            }
        }

        boolean toolCallsRead() {
            return toolCaller != null && toolCaller.wasRead("tool_calls");
        }
    }

    /**
     * A message (or other template object) that records which of its keys the template read. This is
     * how {@link TemplateCapabilities} reproduces llama.cpp's capability probes, which run a template
     * on a sample conversation and ask whether it ever used a given value ({@code common/jinja/caps.cpp}:
     * a value is "used" when a template expression reads it, or when a filter such as {@code tojson}
     * consumes the whole object). Here a key counts as read through {@link #get}, and all keys do when
     * the entries or values are iterated ({@code tojson}, {@code items()}, {@code |items}). Testing
     * membership ({@code 'content' in message}), truthiness or printing the whole object
     * ({@link PyRepr} reads it through {@link #unrecorded()}) does not count, as in llama.cpp.
     */
    static final class AccessRecordingMap extends AbstractMap<String, Object> {
        private final Map<String, Object> values;
        private final Set<String> read = new HashSet<>();
        private boolean readAll;

        AccessRecordingMap(Map<String, Object> values) {
            this.values = new LinkedHashMap<>(values);
        }

        /** The values, read without recording. */
        Map<String, Object> unrecorded() {
            return Collections.unmodifiableMap(values);
        }

        boolean wasRead(String key) {
            return readAll || read.contains(key);
        }

        @Override
        public Object get(Object key) {
            if (key instanceof String k) {
                read.add(k);
            }
            return values.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return values.containsKey(key);
        }

        @Override
        public int size() {
            return values.size();
        }

        @Override
        public Set<String> keySet() {
            return values.keySet();
        }

        @Override
        public Collection<Object> values() {
            readAll = true;
            return values.values();
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            readAll = true;
            return values.entrySet();
        }
    }
}
