package dev.llmstream.frontend.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmstream.frontend.template.ChatMessage.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The {@link ChatTemplate} API: llama.cpp's conventions around rendering, errors, concurrency. */
class ChatTemplateTest {
    /** Handles user and assistant turns only, like the Phi-3 template. */
    private static final String NO_SYSTEM_ROLE = "{% for m in messages %}{% if m.role == 'user' %}U:{{ m.content }}|"
            + "{% elif m.role == 'assistant' %}A:{{ m.content }}|{% endif %}{% endfor %}";
    private static final String ALL_ROLES = "{% for m in messages %}{{ m.role }}:{{ m.content }}|{% endfor %}";

    @Test
    void systemPromptIsFoldedIntoTheFirstTurnWhenTheTemplateIgnoresSystemMessages() {
        ChatTemplate template = ChatTemplate.of(NO_SYSTEM_ROLE, TemplateTokens.none());
        assertThat(template.capabilities().supportsSystemRole()).isFalse();
        assertThat(template.render(List.of(ChatMessage.system("Be terse."), ChatMessage.user("Hi"),
                ChatMessage.assistant("Yo"), ChatMessage.user("Bye")), false))
                .isEqualTo("U:Be terse.\nHi|A:Yo|U:Bye|");
        // a system message alone has nothing to merge into and is dropped, as in llama.cpp
        assertThat(template.render(List.of(ChatMessage.system("Be terse.")), false)).isEmpty();
    }

    @Test
    void templatesThatReadTheSystemMessageKeepIt() {
        ChatTemplate template = ChatTemplate.of(ALL_ROLES, TemplateTokens.none());
        assertThat(template.capabilities().supportsSystemRole()).isTrue();
        assertThat(template.render(List.of(ChatMessage.system("S"), ChatMessage.user("U")), false)).isEqualTo("system:S|user:U|");
        ChatTemplate preamble = ChatTemplate.of("{% if messages[0]['role'] == 'system' %}[{{ messages[0]['content'] }}]"
                + "{% set messages = messages[1:] %}{% endif %}{% for m in messages %}{{ m.content }}{% endfor %}", TemplateTokens.none());
        assertThat(preamble.capabilities().supportsSystemRole()).isTrue();
        assertThat(preamble.render(List.of(ChatMessage.system("S"), ChatMessage.user("U")), false)).isEqualTo("[S]U");
    }

    @Test
    void developerRoleBecomesSystemExceptForChannelTemplates() {
        List<ChatMessage> conversation = List.of(new ChatMessage("developer", "D"), ChatMessage.user("U"));
        assertThat(ChatTemplate.of(ALL_ROLES, TemplateTokens.none()).render(conversation, false)).isEqualTo("system:D|user:U|");
        ChatTemplate channel = ChatTemplate.of("{# <|channel|> #}" + ALL_ROLES, TemplateTokens.none());
        assertThat(channel.render(conversation, false)).isEqualTo("developer:D|user:U|");
    }

    @Test
    void bosAndEosTheTokenizerAddsAreRemovedFromTheText() {
        String source = "{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}{{ eos_token }}";
        List<ChatMessage> conversation = List.of(ChatMessage.user("hi"));
        assertThat(ChatTemplate.of(source, new TemplateTokens("<s>", "</s>", false, false)).render(conversation, false))
                .isEqualTo("<s>hi</s>");
        assertThat(ChatTemplate.of(source, new TemplateTokens("<s>", "</s>", true, false)).render(conversation, false))
                .isEqualTo("hi</s>");
        assertThat(ChatTemplate.of(source, new TemplateTokens("<s>", "</s>", true, true)).render(conversation, false))
                .isEqualTo("hi");
        // only a leading BOS is removed
        assertThat(ChatTemplate.of("x{{ bos_token }}", new TemplateTokens("<s>", "</s>", true, false)).render(conversation, false))
                .isEqualTo("x<s>");
    }

    @Test
    void contentPartListsForTemplatesThatOnlyPrintThose() {
        ChatTemplate template = ChatTemplate.of(
                "{% for m in messages %}{% for p in m.content %}{{ p.text }}{% endfor %};{% endfor %}", TemplateTokens.none());
        assertThat(template.capabilities().requiresTypedContent()).isTrue();
        assertThat(template.render(List.of(ChatMessage.user("hello")), false)).isEqualTo("hello;");
        assertThat(ChatTemplate.of(ALL_ROLES, TemplateTokens.none()).capabilities().requiresTypedContent()).isFalse();
    }

    @Test
    void toolCallArgumentsAreObjectsOnlyForTemplatesThatReadThemAsObjects() {
        ChatMessage call = new ChatMessage("assistant", null, null, null, null,
                List.of(new ToolCall("c1", "get_weather", "{\"city\": \"Oslo\", \"days\": 2}")));
        List<ChatMessage> conversation = List.of(ChatMessage.user("?"), call);
        ChatTemplate objects = ChatTemplate.of("{% for m in messages %}{% for tc in m.tool_calls %}"
                + "{{ tc.function.name }}({% for k, v in tc.function.arguments|items %}{{ k }}={{ v }};{% endfor %})"
                + "{% endfor %}{% endfor %}",
                TemplateTokens.none());
        assertThat(objects.capabilities().supportsToolCalls()).isTrue();
        assertThat(objects.capabilities().supportsObjectArguments()).isTrue();
        assertThat(objects.render(conversation, false)).isEqualTo("get_weather(city=Oslo;days=2;)");

        ChatTemplate strings = ChatTemplate.of("{% for m in messages %}{% for tc in m.tool_calls %}"
                + "{{ tc.id }}:{{ tc.function.arguments }}{% endfor %}{{ m.content }}{% endfor %}", TemplateTokens.none());
        assertThat(strings.capabilities().supportsObjectArguments()).isFalse();
        assertThat(strings.render(conversation, false)).isEqualTo("?c1:{\"city\": \"Oslo\", \"days\": 2}");

        assertThat(ChatTemplate.of(ALL_ROLES, TemplateTokens.none()).capabilities().supportsToolCalls()).isFalse();

        ChatMessage broken = new ChatMessage("assistant", "", null, null, null, List.of(new ToolCall(null, "f", "{not json")));
        assertThatThrownBy(() -> objects.render(List.of(broken), false))
                .isInstanceOf(ChatTemplateException.class).hasMessageStartingWith("tool call 'f' has arguments that are not valid JSON");
    }

    @Test
    void extraVariablesAcceptJacksonTreesAndOverrideDefaults() throws Exception {
        ChatTemplate template = ChatTemplate.of(
                "{{ enable_thinking }}|{% for t in tools %}{{ t.function.name }}{% endfor %}|{{ add_generation_prompt }}",
                TemplateTokens.none());
        assertThat(template.render(List.of(), true)).isEqualTo("True||True");
        var tools = new ObjectMapper().readTree("[{\"type\": \"function\", \"function\": {\"name\": \"lookup\"}}]");
        assertThat(template.render(List.of(), false, Map.of("tools", tools, "enable_thinking", false)))
                .isEqualTo("False|lookup|False");
    }

    @Test
    void errorsAreChatTemplateExceptionsWithoutEngineInternals() {
        assertThatThrownBy(() -> ChatTemplate.of("{% if %}", TemplateTokens.none()).render(List.of(), false))
                .isInstanceOf(ChatTemplateException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("com.hubspot", "Exception", "\tat "));
        assertThatThrownBy(() -> ChatTemplate.of("{{ messages[0].content.nope() }}", TemplateTokens.none())
                .render(List.of(ChatMessage.user("x")), false))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("line 1")
                .hasMessageContaining("nope");
        assertThatThrownBy(() -> ChatTemplate.of(null, TemplateTokens.none())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ChatMessage(" ", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("message role must be a non-empty string");
    }

    @Test
    void runawayOutputIsBounded() {
        String bomb = "{% set ns = namespace(s='0123456789') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
                + "{% endfor %}{{ ns.s }}";
        assertThatThrownBy(() -> ChatTemplate.of(bomb, TemplateTokens.none()).render(List.of(), false))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("over limit of " + JinjaEnvironment.MAX_OUTPUT_CHARS)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Exception"));
    }

    @Test
    void fallbackIsChatMl() {
        ChatTemplate template = ChatTemplate.fallback(TemplateTokens.none());
        assertThat(template.render(List.of(ChatMessage.system("S"), ChatMessage.user("U")), true))
                .isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n");
        assertThat(template.render(List.of(ChatMessage.user("U")), false)).isEqualTo("<|im_start|>user\nU<|im_end|>\n");
    }

    @Test
    void rendersDoNotSeeEachOthersVariablesOrMacros() {
        ChatTemplate defines = ChatTemplate.of("{% set leaked = 1 %}{% macro helper() %}h{% endmacro %}{{ helper() }}",
                TemplateTokens.none());
        ChatTemplate reads = ChatTemplate.of("{{ leaked is defined }}", TemplateTokens.none());
        for (int i = 0; i < 3; i++) {
            assertThat(defines.render(List.of(), false)).isEqualTo("h");
            assertThat(reads.render(List.of(), false)).isEqualTo("False");
        }
        assertThatThrownBy(() -> ChatTemplate.of("{{ helper() }}", TemplateTokens.none()).render(List.of(), false))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("helper");
    }

    @Test
    void concurrentRendersShareTheCompiledTemplate() throws Exception {
        String source = """
                {%- set ns = namespace(n=0) %}
                {%- for m in messages[::-1] %}{% set ns.n = ns.n + 1 %}{% endfor %}
                {{- strftime_now('%Y') }}:{{ ns.n }}:
                {%- for m in messages %}{{ m.role[:1] }}{{ m.content|upper }}{% if loop.previtem is defined %}<{{ loop.previtem.content }}{% endif %};{% endfor %}""";
        ChatTemplate template = ChatTemplate.of(source, TemplateTokens.none());
        List<List<ChatMessage>> conversations = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            List<ChatMessage> c = new ArrayList<>();
            for (int j = 0; j <= i; j++) {
                c.add(j % 2 == 0 ? ChatMessage.user("u" + i + "_" + j) : ChatMessage.assistant("a" + i + "_" + j));
            }
            conversations.add(c);
            expected.add(template.render(c, true));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 10; round++) {
                        for (int i = 0; i < conversations.size(); i++) {
                            if (!template.render(conversations.get(i), true).equals(expected.get(i))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(expected.get(2)).endsWith(":3:uU2_0;aA2_1<u2_0;uU2_2<a2_1;");
    }
}
