package dev.llmstream.frontend.template;

import static dev.llmstream.frontend.template.Templates.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Statements and whitespace handling with Hugging Face's settings (trim_blocks, lstrip_blocks).
 * Whitespace is where a template renderer most easily differs from Jinja without anyone noticing,
 * and every differing space changes the prompt's tokens; expected values are Jinja 2's output.
 */
class TemplateSyntaxTest {

    @Test
    void trimBlocksAndLstripBlocksOnIndentedTags() {
        assertThat(render("a\n  {% if true %}\n    b\n  {% endif %}\nc\n")).isEqualTo("a\n    b\nc");
        assertThat(render("x\n\t{% for i in [1,2] %}\n\t{{ i }}\n\t{% endfor %}\ny")).isEqualTo("x\n\t1\n\t2\ny");
    }

    @Test
    void lstripOnlyWhenTheTagStartsItsLine() {
        // Jinjava strips the space before every tag; Jinja only before a tag alone on its line
        assertThat(render("{% for i in [1,2] %}{% if not loop.first %}, {% endif %}{{ i }}{% endfor %}"))
                .isEqualTo("1, 2");
        assertThat(render("x {% if true %}y{% endif %} z")).isEqualTo("x y z");
        assertThat(render("{%- for m in [1,2,3] %}\n    {%- if not loop.first %}, {% endif %}\n    {{- m }}\n{%- endfor %}"))
                .isEqualTo("1, 2, 3");
    }

    @Test
    void plusMarkerDisablesLstrip() {
        assertThat(render("a\n  {%+ if true %}\n    b\n  {%+ endif %}\nc")).isEqualTo("a\n      b\n  c");
    }

    @Test
    void minusMarkersStripAllWhitespaceOnTheirSide() {
        assertThat(render("a  {%- if true -%}  b  {%- endif -%}  c")).isEqualTo("abc");
        assertThat(render("  {{- 'x' -}}  \n  {{ 'y' }}")).isEqualTo("xy");
        assertThat(render("{%- if true %}\n    {{- 'a' }}\n{%- endif %}\n{{ 'b' }}\n")).isEqualTo("ab");
    }

    @Test
    void commentsAreWhitespaceBarriersLikeBlockTags() {
        assertThat(render("{# top #}\nA\n  {# mid #}\nB {# inline #} C\n  {#- trimmed -#}\n  D")).isEqualTo("A\nB  CD");
        assertThat(render("{% macro m(x) -%}\n{# note #}\n    [{{ x }}]\n{%- endmacro %}{{ m(1) }}")).isEqualTo("    [1]");
    }

    @Test
    void commentMarkersInsideExpressionsAreText() {
        assertThat(render("{{ '{# not a comment #}' }}|{% set x = \"a #} b\" %}{{ x }}|{{ '%}' ~ '}}' }}"))
                .isEqualTo("{# not a comment #}|a #} b|%}}}");
    }

    @Test
    void rawBlocksAreText() {
        assertThat(render("{% raw %}{{ not }} {# x #}{% endraw %}\n{{ 'ok' }}")).isEqualTo("{{ not }} {# x #}ok");
    }

    @Test
    void blockSetMacrosAndElse() {
        assertThat(render("{%- set x -%}\n  inner {{ 1 }}\n{%- endset -%}\n[{{ x }}]")).isEqualTo("[inner 1]");
        assertThat(render("{% macro m(a) -%}\n  <{{ a }}>\n{%- endmacro %}\n{{ m(1) }}{{ m(2) }}")).isEqualTo("<1><2>");
        assertThat(render("{% if false %}\nno\n{%- else -%}\n  yes\n{% endif %}\nend\n\n")).isEqualTo("yes\nend\n");
    }

    @Test
    void newlinesAreNormalisedAndOneTrailingNewlineDropped() {
        assertThat(render("line1\r\n{% if true %}\r\nline2\r\n{% endif %}\r\nline3")).isEqualTo("line1\nline2\nline3");
        assertThat(render("{{ 'a' }}\n{{ 'b' }}\n")).isEqualTo("a\nb");
        assertThat(render("{{ 'keep' }}\n\n")).isEqualTo("keep\n");
    }

    @Test
    void loopControls() {
        assertThat(render("{% for m in messages %}{% if m.role == 'assistant' %}{% break %}{% endif %}{{ m.content }}{% endfor %}|"
                + "{% for m in messages %}{% if m.role == 'system' %}{% continue %}{% endif %}{{ m.content }}{% endfor %}"))
                .isEqualTo("SU1|U1A1U2");
    }

    @Test
    void loopFilterCountsOnlyKeptItems() {
        assertThat(render("{% for m in messages if m.role != 'system' %}{{ loop.index }}/{{ loop.length }}:{{ m.content }}"
                + "{{ ',' if not loop.last }}{% endfor %}"))
                .isEqualTo("1/3:U1,2/3:A1,3/3:U2");
        assertThat(render("{% for k, v in {'a': 1, 'b': none, 'c': 3}.items() if v is not none %}{{ k }}{% endfor %}"))
                .isEqualTo("ac");
    }

    @Test
    void loopPreviousAndNextItems() {
        assertThat(render("{% for m in messages %}{% if loop.previtem is defined %}[{{ loop.previtem.role }}>{% endif %}"
                + "{{ m.role }}{% if loop.nextitem is defined %}>{{ loop.nextitem.role }}]{% endif %} {% endfor %}"))
                .isEqualTo("system>user] [system>user>assistant] [user>assistant>user] [assistant>user ");
        assertThat(render("{% for a in [1,2] %}{% for b in [3,4] %}{{ loop.previtem }}{% endfor %}{{ loop.previtem }};{% endfor %}"))
                .isEqualTo("3;31;"); // after the inner loop, loop.previtem is the outer loop's again
    }

    @Test
    void forElseRendersOnlyWhenNothingWasIterated() {
        assertThat(render("{% for x in [] %}{{ x }}{% else %}none{% endfor %}|{% for x in [1] %}{{ x }}{% else %}none{% endfor %}"))
                .isEqualTo("none|1");
    }

    @Test
    void textFromVariablesIsNeverInterpretedAsTemplateCode() {
        ChatTemplate template = ChatTemplate.of("{% for m in messages %}{{ m.content }}{% endfor %}", TemplateTokens.none());
        String hostile = "{{ 7*7 }} {% if true %}x{% endif %} {# c #} {{ raise_exception('boom') }}";
        assertThat(template.render(List.of(ChatMessage.user(hostile)), false)).isEqualTo(hostile);
    }

    @Test
    void structuralErrorsAreReportedAtCompileTime() {
        assertThatThrownBy(() -> ChatTemplate.of("{% if true %}never closed", TemplateTokens.none()))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("Missing end tag");
        assertThatThrownBy(() -> ChatTemplate.of("{% frobnicate %}", TemplateTokens.none()))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("Unknown tag: frobnicate");
        assertThatThrownBy(() -> ChatTemplate.of("{% include 'other.jinja' %}", TemplateTokens.none()))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("'include' is disabled");
    }
}
