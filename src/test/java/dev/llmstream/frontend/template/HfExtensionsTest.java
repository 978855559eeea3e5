package dev.llmstream.frontend.template;

import static dev.llmstream.frontend.template.Templates.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What Hugging Face adds to Jinja for chat templates: raise_exception, strftime_now, tojson, generation. */
class HfExtensionsTest {
    private static final Clock FIXED = Clock.fixed(Instant.parse("2024-07-26T09:30:05Z"), ZoneOffset.UTC);

    @Test
    void raiseExceptionBecomesTheErrorMessage() {
        String source = """
                {%- for message in messages %}
                    {%- if (message.role == 'user') != (loop.index0 % 2 == 0) %}
                        {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
                    {%- endif %}
                    {{- message.role + ': ' + message.content + '\\n' }}
                {%- endfor %}""";
        ChatTemplate template = ChatTemplate.of(source, TemplateTokens.none());
        assertThat(template.render(List.of(ChatMessage.user("a"), ChatMessage.assistant("b")), false))
                .isEqualTo("user: a\nassistant: b\n");
        assertThatThrownBy(() -> template.render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), false))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void templateFunctionsAreDefinedNames() {
        assertThat(render("{{ raise_exception is defined }} {{ strftime_now is defined }} {{ other_fn is defined }}"))
                .isEqualTo("True True False");
    }

    @Test
    void strftimeNowReadsTheTemplateClock() {
        ChatTemplate template = ChatTemplate.of(
                "{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S') }}|{{ strftime_now('%A, %B %d') }}",
                TemplateTokens.none()).withClock(FIXED);
        assertThat(template.render(List.of(), false)).isEqualTo("26 Jul 2024|2024-07-26 09:30:05|Friday, July 26");
    }

    @Test
    void llamaCppDateVariablesComeFromTheSameClock() {
        ChatTemplate template = ChatTemplate.of("{{ date_string }}|{{ datetime }}", TemplateTokens.none()).withClock(FIXED);
        assertThat(template.render(List.of(), false)).isEqualTo("26 Jul 2024|Jul 26 2024");
        assertThat(template.render(List.of(), false, Map.of("date_string", "1 Jan 2000"))).startsWith("1 Jan 2000|");
    }

    @Test
    void tojsonIsJsonDumpsWithoutHtmlEscaping() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("b", Arrays.asList(1, 2.5, true, null));
        value.put("a", "é\"<>&\n");
        assertThat(render("{{ v|tojson }}", "v", value)).isEqualTo("{\"b\": [1, 2.5, true, null], \"a\": \"é\\\"<>&\\n\"}");
        assertThat(render("{{ [1, {}]|tojson(indent=2) }}")).isEqualTo("[\n  1,\n  {}\n]");
        assertThat(render("{{ {'b': 1, 'a': 2}|tojson(sort_keys=true) }}")).isEqualTo("{\"a\": 2, \"b\": 1}");
        assertThat(render("{{ [1, 2]|tojson(separators=(',', ':')) }}")).isEqualTo("[1,2]");
        assertThat(render("{{ 'é'|tojson(ensure_ascii=true) }}")).isEqualTo("\"\\u00e9\"");
        assertThat(render("{{ 'x'|tojson(indent='--') }}|{{ {'k': [1]}|tojson(indent='--') }}")).isEqualTo("\"x\"|{\n--\"k\": [\n----1\n--]\n}");
    }

    @Test
    void tojsonOfUnsupportedArgumentsFailsClearly() {
        assertThatThrownBy(() -> render("{{ [1]|tojson(indent=[1]) }}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("tojson: indent must be an int or a string");
    }

    @Test
    void generationBlockRendersItsBody() {
        assertThat(render("{% for m in messages %}{% if m.role == 'assistant' %}{% generation %}[{{ m.content }}]{% endgeneration %}"
                + "{% else %}{{ m.content }}{% endif %}{% endfor %}"))
                .isEqualTo("SU1[A1]U2");
    }
}
