package dev.llmstream.frontend.template;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.frontend.template.ChatMessage.ToolCall;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.testing.SharedAssets;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real Qwen3 and Llama-3 templates embedded in the constructed vocab GGUFs. Expected strings
 * are written from the formats the templates document: Qwen3 is ChatML
 * ({@code <|im_start|>role\n...<|im_end|>\n}) with {@code <think>} handling and a tool block;
 * Llama-3 wraps each turn in {@code <|start_header_id|>role<|end_header_id|>\n\n...<|eot_id|>} and
 * always ends with the assistant header.
 */
class ConstructedTemplatesTest {
    private static final Clock FIXED = Clock.fixed(Instant.parse("2024-07-26T09:30:00Z"), ZoneOffset.UTC);
    private static ChatTemplate qwen3;
    private static ChatTemplate llama3;

    @BeforeAll
    static void load() throws IOException {
        qwen3 = load("models/vocab/constructed/qwen3-vocab.gguf");
        llama3 = load("models/vocab/constructed/llama3-vocab.gguf");
    }

    private static ChatTemplate load(String relative) throws IOException {
        try (GgufFile file = GgufFile.open(SharedAssets.file(relative))) {
            assertThat(file.metadata().getString("tokenizer.chat_template")).isPresent();
            return GgufChatTemplates.load(file.metadata()).withClock(FIXED);
        }
    }

    // ---- Qwen3 ----

    @Test
    void qwen3SystemAndUserWithGenerationPrompt() {
        String out = qwen3.render(List.of(ChatMessage.system("You are a helpful assistant."), ChatMessage.user("Hello!")), true);
        assertThat(out).isEqualTo("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHello!<|im_end|>\n"
                + "<|im_start|>assistant\n");
    }

    @Test
    void qwen3ThinkingOffAddsAnEmptyThinkBlock() {
        List<ChatMessage> conversation = List.of(ChatMessage.user("Hello!"));
        assertThat(qwen3.render(conversation, true, Map.of("enable_thinking", false)))
                .isEqualTo("<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
        assertThat(qwen3.render(conversation, true, Map.of("enable_thinking", true)))
                .isEqualTo("<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void qwen3WithoutGenerationPrompt() {
        assertThat(qwen3.render(List.of(ChatMessage.user("Hi")), false)).isEqualTo("<|im_start|>user\nHi<|im_end|>\n");
    }

    @Test
    void qwen3HistoryDropsThinkingOfEarlierAnswers() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Q1"),
                ChatMessage.assistant("<think>\nsome reasoning\n</think>\n\nA1"),
                ChatMessage.user("Q2"));
        assertThat(qwen3.render(conversation, true)).isEqualTo("<|im_start|>user\nQ1<|im_end|>\n"
                + "<|im_start|>assistant\nA1<|im_end|>\n"
                + "<|im_start|>user\nQ2<|im_end|>\n"
                + "<|im_start|>assistant\n");
    }

    @Test
    void qwen3FinalAnswerKeepsItsReasoning() {
        ChatMessage answer = new ChatMessage("assistant", "A", "Because.", null, null, List.of());
        assertThat(qwen3.render(List.of(ChatMessage.user("Q"), answer), false)).isEqualTo(
                "<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\nBecause.\n</think>\n\nA<|im_end|>\n");
        assertThat(qwen3.render(List.of(ChatMessage.user("Q"), ChatMessage.assistant("A")), false)).isEqualTo(
                "<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nA<|im_end|>\n");
    }

    @Test
    void qwen3ToolDefinitionsCallsAndResults() {
        var tool = new LinkedHashMap<String, Object>();
        tool.put("type", "function");
        tool.put("function", orderedFunction());
        List<ChatMessage> conversation = List.of(
                ChatMessage.system("You are helpful."),
                ChatMessage.user("Weather in Paris?"),
                new ChatMessage("assistant", "", null, null, null,
                        List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))),
                new ChatMessage("tool", "18C", null, null, "call_1", List.of()));
        String out = qwen3.render(conversation, true, Map.of("tools", List.of(tool)));
        assertThat(out).isEqualTo("<|im_start|>system\nYou are helpful.\n\n"
                + "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
                + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
                + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": "
                + "\"Get the current weather\", \"parameters\": {\"type\": \"object\", \"properties\": "
                + "{\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}\n</tools>\n\n"
                + "For each function call, return a json object with function name and arguments within "
                + "<tool_call></tool_call> XML tags:\n<tool_call>\n"
                + "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\nWeather in Paris?<|im_end|>\n"
                + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n"
                + "</tool_call><|im_end|>\n"
                + "<|im_start|>user\n<tool_response>\n18C\n</tool_response><|im_end|>\n"
                + "<|im_start|>assistant\n");
    }

    private static Map<String, Object> orderedFunction() {
        // JSON key order is part of the prompt, so the test builds ordered maps
        var properties = new LinkedHashMap<String, Object>();
        properties.put("type", "object");
        properties.put("properties", Map.of("city", Map.of("type", "string")));
        properties.put("required", List.of("city"));
        var function = new LinkedHashMap<String, Object>();
        function.put("name", "get_weather");
        function.put("description", "Get the current weather");
        function.put("parameters", properties);
        return function;
    }

    @Test
    void qwen3CapabilitiesMatchWhatTheTemplateReads() {
        assertThat(qwen3.capabilities()).isEqualTo(new TemplateCapabilities(true, true, true, false));
        assertThat(qwen3.tokens()).isEqualTo(new TemplateTokens("<|endoftext|>", "<|im_end|>", false, false));
    }

    /** Not a benchmark (no timing assertion): prints the cost of one render after warm-up. */
    @Test
    void measuresARender() {
        List<ChatMessage> conversation = List.of(ChatMessage.system("You are a terse assistant."),
                ChatMessage.user("What is 2+2?"), ChatMessage.assistant("4"), ChatMessage.user("And 3+3?"));
        String expected = qwen3.render(conversation, true);
        for (int i = 0; i < 300; i++) {
            assertThat(qwen3.render(conversation, true)).isEqualTo(expected);
        }
        int n = 300;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            qwen3.render(conversation, true);
        }
        System.out.printf("Qwen3 template, 4 messages: %.0f us per render (mean of %d after warm-up)%n",
                (System.nanoTime() - start) / 1e3 / n, n);
    }

    // ---- Llama-3 ----

    @Test
    void llama3SystemAndUserDropsTheBosTheTokenizerAdds() {
        String out = llama3.render(List.of(ChatMessage.system("You are a pirate."), ChatMessage.user("Hello")), true);
        assertThat(out).isEqualTo("<|start_header_id|>system<|end_header_id|>\n\nYou are a pirate.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        ChatTemplate keepsBos = ChatTemplate.of(llama3.source(), "<|begin_of_text|>", "<|end_of_text|>");
        assertThat(keepsBos.render(List.of(ChatMessage.user("Hello")), true)).isEqualTo("<|begin_of_text|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void llama3MultiTurnTrimsContent() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("  What is 2+2?\n"), ChatMessage.assistant("4 "), ChatMessage.user("And 3+3?"));
        assertThat(llama3.render(conversation, true)).isEqualTo(
                "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n4<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nAnd 3+3?<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void llama3TemplateAlwaysAppendsTheAssistantHeader() {
        // The Llama-3.0 template has no add_generation_prompt switch: both renders are equal.
        List<ChatMessage> conversation = List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello"));
        assertThat(llama3.render(conversation, false)).isEqualTo(llama3.render(conversation, true))
                .endsWith("Hello<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    /**
     * The shared Llama-3 file carries the 3.0 template, which has no date preamble; the Llama 3.1+
     * system preamble ("Cutting Knowledge Date" + today's date from {@code strftime_now}) is checked
     * with a template of ours written in that format.
     */
    @Test
    void llama31StylePreambleUsesTheInjectedDate() {
        String source = """
                {{- bos_token }}
                {%- if messages[0].role == 'system' %}
                    {%- set system_message = messages[0].content | trim %}
                    {%- set messages = messages[1:] %}
                {%- else %}
                    {%- set system_message = '' %}
                {%- endif %}
                {{- '<|start_header_id|>system<|end_header_id|>\\n\\n' }}
                {{- 'Cutting Knowledge Date: December 2023\\n' }}
                {{- 'Today Date: ' + strftime_now('%d %b %Y') + '\\n\\n' }}
                {{- system_message + '<|eot_id|>' }}
                {%- for message in messages %}
                    {{- '<|start_header_id|>' + message.role + '<|end_header_id|>\\n\\n' + message.content | trim + '<|eot_id|>' }}
                {%- endfor %}
                {%- if add_generation_prompt %}
                    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
                {%- endif %}
                """;
        ChatTemplate template = ChatTemplate.of(source, llama3.tokens()).withClock(FIXED);
        String out = template.render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")), true);
        assertThat(out).isEqualTo("<|start_header_id|>system<|end_header_id|>\n\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        Clock later = Clock.fixed(Instant.parse("2025-01-02T00:00:00Z"), ZoneOffset.UTC);
        assertThat(template.withClock(later).render(List.of(ChatMessage.user("Hi")), false))
                .contains("Today Date: 02 Jan 2025\n\n<|eot_id|>");
    }
}
